"""The local stack's event source mapping logic: partial batch responses, retries from the first
failed record, bisect, bounded retries, and the mappings read from template.yaml. No AWS."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from devkit.template import Resolver, parameter_defaults
from local.event_sources import EXHAUSTED, InvokeResult, RetryPolicy, batch_result, deliver, event_sources
from local.queue_poller import sqs_filter_view
from local.stream_poller import lambda_stream_record, stream_failure_message


def _id(record: str) -> str:
    return record


class FakeFunction:
    """Fails the records in `poison` (a function error, or a reported failure) and records calls."""

    def __init__(self, poison: set[str], *, partial: bool, fail_times: int = 10**9) -> None:
        self.poison = poison
        self.partial = partial
        self.fail_times = fail_times
        self.calls: list[list[str]] = []
        self.done: list[str] = []

    def __call__(self, batch: Sequence[str]) -> InvokeResult:
        self.calls.append(list(batch))
        failing = [r for r in batch if r in self.poison] if len(self.calls) <= self.fail_times else []
        if not failing:
            self.done.extend(batch)
            return InvokeResult()
        if self.partial:
            self.done.extend(r for r in batch if r not in self.poison)
            return InvokeResult(failed_ids=tuple(failing))
        return InvokeResult(error="Unhandled: boom")


def test_a_successful_batch_is_delivered_once():
    function = FakeFunction(set(), partial=True)

    assert deliver(["1", "2", "3"], function, RetryPolicy(), _id) == []
    assert function.calls == [["1", "2", "3"]]


def test_partial_failure_retries_from_the_first_failed_record():
    # Given records 1..5 where 3 fails twice and then succeeds
    function = FakeFunction({"3"}, partial=True, fail_times=2)
    policy = RetryPolicy(report_item_failures=True, maximum_retry_attempts=3)

    # When the batch is delivered
    discarded = deliver(["1", "2", "3", "4", "5"], function, policy, _id)

    # Then each retry starts at record 3, and nothing is given up on
    assert discarded == []
    assert function.calls == [["1", "2", "3", "4", "5"], ["3", "4", "5"], ["3", "4", "5"]]


def test_retries_are_bounded_then_the_rest_of_the_batch_is_discarded():
    function = FakeFunction({"2"}, partial=True)
    policy = RetryPolicy(report_item_failures=True, maximum_retry_attempts=2)

    discarded = deliver(["1", "2", "3"], function, policy, _id)

    assert function.calls == [["1", "2", "3"], ["2", "3"], ["2", "3"]]  # the first try and 2 retries
    assert [(d.records, d.condition, d.invocations) for d in discarded] == [(("2", "3"), EXHAUSTED, 3)]


def test_zero_retries_discards_after_the_first_failure():
    function = FakeFunction({"1"}, partial=False)

    discarded = deliver(["1"], function, RetryPolicy(maximum_retry_attempts=0), _id)

    assert function.calls == [["1"]]
    assert discarded[0].records == ("1",)
    assert discarded[0].error == "Unhandled: boom"


def test_bisect_isolates_the_poison_record_and_delivers_the_others():
    # Given a function that raises whenever record 6 is in its batch
    function = FakeFunction({"6"}, partial=False)
    policy = RetryPolicy(bisect_on_error=True, maximum_retry_attempts=1)
    records = [str(n) for n in range(1, 9)]

    # When the batch of 8 is delivered
    discarded = deliver(records, function, policy, _id)

    # Then the batch is halved until 6 is alone, retried once, and given up on alone
    assert function.calls == [
        records,
        ["1", "2", "3", "4"],
        ["5", "6", "7", "8"],
        ["5", "6"],
        ["5"],
        ["6"],
        ["6"],
        ["7", "8"],
    ]
    assert sorted(function.done) == ["1", "2", "3", "4", "5", "7", "8"]
    assert [d.records for d in discarded] == [("6",)]


def test_without_bisect_a_function_error_retries_the_whole_batch():
    function = FakeFunction({"2"}, partial=False, fail_times=1)

    discarded = deliver(["1", "2"], function, RetryPolicy(maximum_retry_attempts=3), _id)

    assert discarded == []
    assert function.calls == [["1", "2"], ["1", "2"]]


def test_before_retry_can_stop_the_delivery():
    function = FakeFunction({"1"}, partial=False)
    attempts: list[int] = []

    def stop_after_two(attempt: int) -> bool:
        attempts.append(attempt)
        return attempt < 3

    discarded = deliver(["1"], function, RetryPolicy(maximum_retry_attempts=-1), _id, before_retry=stop_after_two)

    assert attempts == [1, 2, 3]
    assert len(function.calls) == 3
    assert discarded == []


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (None, InvokeResult()),
        ({}, InvokeResult()),
        ({"batchItemFailures": []}, InvokeResult()),
        ({"batchItemFailures": None}, InvokeResult()),
        ({"batchItemFailures": [{"itemIdentifier": "b"}]}, InvokeResult(failed_ids=("b",))),
    ],
)
def test_partial_batch_responses_read_as_lambda_does(response, expected):
    assert batch_result(response, ["a", "b"], report_item_failures=True) == expected


@pytest.mark.parametrize(
    "failures",
    [[{"itemIdentifier": "zzz"}], [{"itemIdentifier": ""}], [{"itemIdentifier": None}], [{"id": "a"}], ["a"]],
)
def test_a_malformed_failure_entry_fails_the_whole_batch(failures):
    result = batch_result({"batchItemFailures": failures}, ["a", "b"], report_item_failures=True)

    assert result.error is not None


def test_without_report_batch_item_failures_the_answer_is_ignored():
    result = batch_result({"batchItemFailures": [{"itemIdentifier": "a"}]}, ["a"], report_item_failures=False)

    assert result.succeeded


def test_the_templates_stream_and_queue_mappings_are_read_with_their_settings(template):
    # Given the template's resources resolved to local names
    resolver = Resolver(parameters=parameter_defaults(template))
    for logical_id in template["Resources"]:
        resolver.physical[logical_id] = f"local-{logical_id}"
        resolver.attributes[(logical_id, "Arn")] = f"arn:aws:sqs:us-east-1:123456789012:local-{logical_id}"
        resolver.attributes[(logical_id, "StreamArn")] = f"arn:aws:dynamodb:us-east-1:1:table/{logical_id}/stream/x"

    # When the event sources are read
    sources = {s.function_id: s for s in event_sources(template, resolver)}

    # Then the auto-invite stream mapping has the template's settings
    auto_invite = sources["AutoInviteFunction"]
    assert auto_invite.kind == "DynamoDB"
    assert auto_invite.source_arn.endswith("table/ContactsTable/stream/x")
    assert auto_invite.starting_position == "TRIM_HORIZON"
    assert auto_invite.batch_size == 10
    assert auto_invite.batching_window_seconds == 1
    assert auto_invite.patterns == [{"eventName": ["INSERT"]}]
    assert auto_invite.policy == RetryPolicy(
        report_item_failures=True, bisect_on_error=True, maximum_retry_attempts=3, maximum_record_age_seconds=-1
    )
    assert auto_invite.on_failure_arn == "arn:aws:sqs:us-east-1:123456789012:local-AutoInviteFailureQueue"
    # And every SQS event of the template is there too
    queue_events = [s for s in sources.values() if s.kind == "SQS"]
    assert all(s.source_arn.startswith("arn:aws:sqs:") for s in queue_events)


def test_stream_records_and_failure_messages_have_lambdas_shape():
    raw = {
        "eventID": "e1",
        "eventName": "INSERT",
        "dynamodb": {
            "ApproximateCreationDateTime": 1795530600.0,
            "Keys": {"contact_id": {"S": "c-1"}},
            "NewImage": {"contact_id": {"S": "c-1"}, "photo": {"B": b"\x00\x01"}},
            "SequenceNumber": "000100",
        },
    }
    stream_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026"

    record = lambda_stream_record(raw, stream_arn)

    assert record["eventSourceARN"] == stream_arn
    assert record["eventSource"] == "aws:dynamodb"
    assert record["awsRegion"] == "us-east-1"
    assert record["dynamodb"]["NewImage"]["photo"] == {"B": "AAE="}

    def fails(batch):
        return InvokeResult(failed_ids=tuple(r["dynamodb"]["SequenceNumber"] for r in batch))

    policy = RetryPolicy(report_item_failures=True, maximum_retry_attempts=0)
    (lost,) = deliver([record], fails, policy, lambda r: r["dynamodb"]["SequenceNumber"])
    message = stream_failure_message(lost, shard_id="shard-1", stream_arn=stream_arn, function_arn="arn:fn")

    assert message["requestContext"]["condition"] == EXHAUSTED
    assert message["DDBStreamBatchInfo"] == {
        "shardId": "shard-1",
        "startSequenceNumber": "000100",
        "endSequenceNumber": "000100",
        "approximateArrivalOfFirstRecord": "2026-11-24T14:30:00.000Z",
        "approximateArrivalOfLastRecord": "2026-11-24T14:30:00.000Z",
        "batchSize": 1,
        "streamArn": stream_arn,
    }


def test_sqs_filters_see_a_json_body_parsed_and_a_plain_body_as_text():
    assert sqs_filter_view({"body": '{"kind": "self_registration"}'})["body"] == {"kind": "self_registration"}
    assert sqs_filter_view({"body": "plain"})["body"] == "plain"
