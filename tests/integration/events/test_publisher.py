"""LifecycleEventsFunction against moto: stream records of committed changes become events on
the stack's bus, with the same event_id on every redelivery; a record whose events EventBridge
does not take is reported failed (and retried by the event source mapping)."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from boto3.dynamodb.types import TypeSerializer

from devkit.events import load_event
from tests.conftest import Function, Stack
from tests.support.invitations import SENT_INVITATION

SENT = SENT_INVITATION


def typed(item: dict[str, Any]) -> dict[str, Any]:
    serializer = TypeSerializer()
    return {k: serializer.serialize(v) for k, v in item.items()}


def record(stack: Stack, logical_id: str, old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    sample = copy.deepcopy(load_event("contacts_stream_insert.json")["Records"][0])
    sample["eventID"] = uuid.uuid4().hex
    sample["eventName"] = "MODIFY" if old else "INSERT"
    sample["eventSourceARN"] = f"arn:aws:dynamodb:us-east-1:123456789012:table/{stack.table(logical_id)}/stream/x"
    sample["dynamodb"]["Keys"] = {"invitation_id": {"S": new.get("invitation_id", "x")}}
    sample["dynamodb"]["SequenceNumber"] = str(uuid.uuid4().int)[:24]
    sample["dynamodb"]["NewImage"] = typed(new)
    if old:
        sample["dynamodb"]["OldImage"] = typed(old)
    return sample


@pytest.fixture
def publisher(load_function: Callable[[str], Function]) -> Function:
    return load_function("LifecycleEventsFunction")


@pytest.fixture
def bus_queue(stack: Stack) -> str:
    """The bus, with a rule that copies its portal-access events to a queue the test reads."""
    events, sqs = boto3.client("events"), boto3.client("sqs")
    bus = stack.resolver.physical["PortalEventsBus"]
    events.create_event_bus(Name=bus)
    url = sqs.create_queue(QueueName="bus-copy")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="copy", EventBusName=bus, EventPattern=json.dumps({"source": ["portal-access"]}))
    events.put_targets(Rule="copy", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
    return url


def received(url: str) -> list[dict[str, Any]]:
    messages = boto3.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def test_a_redelivered_record_publishes_the_same_event_id(stack, publisher, bus_queue):
    sent = {**SENT, "sent_at": "2026-11-24T14:30:01.000Z", "message_id": "m-1"}
    batch = {"Records": [record(stack, "InvitationsTable", SENT, sent)]}

    assert publisher.invoke(batch) == {"batchItemFailures": []}
    assert publisher.invoke(copy.deepcopy(batch)) == {"batchItemFailures": []}

    events = received(bus_queue)
    assert [e["detail-type"] for e in events] == ["Invitation Sent", "Invitation Sent"]
    assert events[0]["detail"]["event_id"] == events[1]["detail"]["event_id"]
    assert events[0]["source"] == "portal-access"
    assert "email" not in events[0]["detail"]
    assert "secret_hash" not in json.dumps(events[0])


def test_records_of_other_tables_or_without_a_transition_publish_nothing(stack, publisher, bus_queue):
    claimed = {**SENT, "claim_id": "c-1", "claim_until": "2026-11-24T14:31:00.000Z"}
    batch = {"Records": [record(stack, "InvitationsTable", SENT, claimed), record(stack, "ContactsTable", None, SENT)]}

    assert publisher.invoke(batch) == {"batchItemFailures": []}
    assert received(bus_queue) == []


def test_a_record_whose_events_are_not_taken_is_reported_failed(stack, publisher):
    # Given no bus (EventBridge refuses the entries)
    sent = {**SENT, "sent_at": "2026-11-24T14:30:01.000Z"}
    failing = record(stack, "InvitationsTable", SENT, sent)
    quiet = record(stack, "InvitationsTable", SENT, {**SENT, "claim_id": "c"})

    answer = publisher.invoke({"Records": [quiet, failing]})

    assert answer == {"batchItemFailures": [{"itemIdentifier": failing["dynamodb"]["SequenceNumber"]}]}
