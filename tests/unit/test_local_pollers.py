"""The local stack's pollers against moto (in-process mock): a table's stream into a function,
with the filter, partial failures, bounded retries and the on-failure queue; a queue into a
function with partial batch responses. The function is a fake that records its batches."""

from __future__ import annotations

import copy
import json
import threading
from typing import Any

import boto3
import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from local.event_sources import EXHAUSTED, EventSource, RetryPolicy
from local.queue_poller import QueuePoller
from local.stream_poller import StreamPoller


class RecordingFunction:
    def __init__(self, fail_when: Any) -> None:
        self.fail_when = fail_when
        self.batches: list[list[dict[str, Any]]] = []

    def __call__(self, _function_id: str, event: dict[str, Any]) -> dict[str, Any]:
        records = event["Records"]
        self.batches.append(records)
        failed = [self.fail_when(r) for r in records if self.fail_when(r)]
        return {"batchItemFailures": [{"itemIdentifier": f} for f in failed]}


def _contacts_stream(stream_arn: str, policy: RetryPolicy, on_failure_arn: str | None = None) -> EventSource:
    """The contacts stream's mapping as the template has it (INSERTs, batches of 10), no window."""
    return EventSource(
        function_id="AutoInviteFunction",
        event_id="ContactInserted",
        kind="DynamoDB",
        source_arn=stream_arn,
        batch_size=10,
        batching_window_seconds=0,
        starting_position="TRIM_HORIZON",
        patterns=[{"eventName": ["INSERT"]}],
        policy=policy,
        on_failure_arn=on_failure_arn,
    )


@pytest.fixture
def failure_queue(stack) -> str:
    return stack.resolver.physical["AutoInviteFailureQueue"]


def test_a_stream_record_that_keeps_failing_goes_to_the_on_failure_queue_and_the_shard_moves_on(stack, failure_queue):
    # Given three contacts inserted and one of them then modified
    dynamodb = boto3.client("dynamodb")
    table = stack.table("ContactsTable")
    for contact_id in ("c-1", "c-2", "c-3"):
        dynamodb.put_item(TableName=table, Item={"contact_id": {"S": contact_id}, "name": {"S": contact_id}})
    dynamodb.put_item(TableName=table, Item={"contact_id": {"S": "c-1"}, "name": {"S": "renamed"}})
    stream_arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    queue_arn = stack.resolver.attributes[("AutoInviteFailureQueue", "Arn")]
    # and a function that fails contact c-2 every time
    function = RecordingFunction(
        lambda r: r["dynamodb"]["SequenceNumber"] if r["dynamodb"]["Keys"]["contact_id"]["S"] == "c-2" else None
    )
    source = _contacts_stream(
        stream_arn,
        RetryPolicy(report_item_failures=True, bisect_on_error=True, maximum_retry_attempts=1),
        on_failure_arn=queue_arn,
    )
    poller = StreamPoller(
        source, function, boto3.client("dynamodbstreams"), boto3.client("sqs"), function_arn="arn:aws:lambda:fn"
    )

    # When the mapping polls the stream
    poller.poll_once(threading.Event())

    # Then the inserts only were delivered, retried from c-2 once, then given up on
    def ids(batch: list[dict[str, Any]]) -> list[str]:
        return [r["dynamodb"]["Keys"]["contact_id"]["S"] for r in batch]

    assert [ids(b) for b in function.batches] == [["c-1", "c-2", "c-3"], ["c-2", "c-3"]]
    assert {r["eventName"] for b in function.batches for r in b} == {"INSERT"}
    # And the failure queue has the metadata of the records given up on
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(QueueUrl=failure_queue, MaxNumberOfMessages=10)["Messages"]
    assert len(messages) == 1
    failure = json.loads(messages[0]["Body"])
    assert failure["requestContext"]["condition"] == EXHAUSTED
    assert failure["requestContext"]["approximateInvokeCount"] == 2
    info = failure["DDBStreamBatchInfo"]
    assert info["batchSize"] == 2
    assert info["streamArn"] == stream_arn
    assert info["startSequenceNumber"] == function.batches[1][0]["dynamodb"]["SequenceNumber"]

    # When the stream is polled again with nothing new
    poller.poll_once(threading.Event())

    # Then nothing is delivered twice
    assert len(function.batches) == 2


def test_a_queue_batch_deletes_what_succeeded_and_leaves_what_failed(stack):
    sqs = boto3.client("sqs")
    url = stack.resolver.physical["SelfRegistrationQueue"]
    arn = stack.resolver.attributes[("SelfRegistrationQueue", "Arn")]
    for body in ('{"n": 1}', '{"n": 2}', '{"n": 3}', "not json"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    function = RecordingFunction(lambda r: r["messageId"] if r["body"] == '{"n": 2}' else None)
    source = EventSource(
        function_id="SelfRegistrationWorkerFunction",
        event_id="Requests",
        kind="SQS",
        source_arn=arn,
        batch_size=10,
        batching_window_seconds=0,
        starting_position="LATEST",
        patterns=[{"body": {"n": [{"numeric": [">", 0]}]}}],
        policy=RetryPolicy(report_item_failures=True),
    )

    assert QueuePoller(source, function, sqs, wait_seconds=0).poll_once(threading.Event())

    # The filter passed the JSON bodies only; the plain one was dropped (deleted), as Lambda does
    assert sorted(r["body"] for r in function.batches[0]) == ['{"n": 1}', '{"n": 2}', '{"n": 3}']
    assert function.batches[0][0]["eventSource"] == "aws:sqs"
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (attributes["ApproximateNumberOfMessages"], attributes["ApproximateNumberOfMessagesNotVisible"]) == (
        "0",
        "1",
    )


def test_the_stream_is_still_followed_after_a_failed_transaction_swaps_the_table(stack):
    # Given a poller that has read the contacts stream up to c-1
    dynamodb = boto3.client("dynamodb")
    table = stack.table("ContactsTable")
    dynamodb.put_item(TableName=table, Item={"contact_id": {"S": "c-1"}, "name": {"S": "c-1"}})
    stream_arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    function = RecordingFunction(lambda _r: None)
    source = _contacts_stream(stream_arn, RetryPolicy(report_item_failures=True))
    poller = StreamPoller(source, function, boto3.client("dynamodbstreams"), boto3.client("sqs"), function_arn="fn")
    poller.poll_once(threading.Event())

    # When a create fails its condition (moto rolls back by putting a copy of the table in place)
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"contact_id": {"S": "c-9"}}}},
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"contact_id": {"S": "c-1"}},
                        "ConditionExpression": "attribute_not_exists(contact_id)",
                    }
                },
            ]
        )
    # and contacts are inserted after it
    for contact_id in ("c-2", "c-3"):
        dynamodb.put_item(TableName=table, Item={"contact_id": {"S": contact_id}, "name": {"S": contact_id}})
    poller.poll_once(threading.Event())

    # Then they still reach the function, once each, and the rolled-back c-9 never does
    delivered = [r["dynamodb"]["Keys"]["contact_id"]["S"] for b in function.batches for r in b]
    assert delivered == ["c-1", "c-2", "c-3"]


def test_records_of_a_transaction_read_before_its_rollback_do_not_hide_the_next_ones(stack):
    # Given a poller that read c-1, then (a poll during a transaction that will fail) the
    # transaction's own record c-9
    dynamodb = boto3.client("dynamodb")
    table = stack.table("ContactsTable")
    dynamodb.put_item(TableName=table, Item={"contact_id": {"S": "c-1"}, "name": {"S": "c-1"}})
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    before = copy.deepcopy(backend.tables[table])  # what moto keeps to roll a transaction back
    stream_arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    function = RecordingFunction(lambda _r: None)
    poller = StreamPoller(
        _contacts_stream(stream_arn, RetryPolicy(report_item_failures=True)),
        function,
        boto3.client("dynamodbstreams"),
        boto3.client("sqs"),
        function_arn="fn",
    )
    dynamodb.put_item(TableName=table, Item={"contact_id": {"S": "c-9"}, "name": {"S": "c-9"}})
    poller.poll_once(threading.Event())

    # When the transaction fails (moto puts the copy back) and c-2 reuses c-9's sequence number
    backend.tables[table] = before
    dynamodb.put_item(TableName=table, Item={"contact_id": {"S": "c-2"}, "name": {"S": "c-2"}})
    poller.poll_once(threading.Event())

    # Then c-2 is delivered all the same
    delivered = [r["dynamodb"]["Keys"]["contact_id"]["S"] for b in function.batches for r in b]
    assert delivered == ["c-1", "c-9", "c-2"]
