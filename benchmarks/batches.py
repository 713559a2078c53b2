"""A sample batch per stream, queue or schedule consumer of the template, made as the event
source would deliver it, with the setup each needs (through the service's own routes, not
counted). A consumer without a batch recipe here is reported: add one when you add a consumer.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from benchmarks.routes import (
    access_request_body,
    fresh_account,
    fresh_contact,
    latest_token,
    move_expiry,
    self_registration_body,
    send_invitation,
    start_run,
)
from benchmarks.world import REGION, Request, World
from devkit.events import load_event
from devkit.streams import stored_images, stream_event
from local.mailbox import SentEmail, simulated_events
from local.queue_poller import lambda_sqs_record


@dataclass
class Batch:
    event: dict[str, Any]
    records: int


BatchRecipe = Callable[[World, int], Batch]


@dataclass(frozen=True)
class BatchKind:
    function: str  # logical id
    variant: str  # "" when the function has one kind of record
    make: BatchRecipe

    @property
    def key(self) -> str:
        return f"{self.function} ({self.variant})" if self.variant else self.function


BATCHES: list[BatchKind] = []


def batch_recipe(logical_id: str, variant: str = "") -> Callable[[BatchRecipe], BatchRecipe]:
    def register(function: BatchRecipe) -> BatchRecipe:
        BATCHES.append(BatchKind(logical_id, variant, function))
        return function

    return register


@batch_recipe("AutoInviteFunction")
def contacts_inserted(world: World, records: int) -> Batch:
    """`records` contacts inserted on the hot account (active, class auto-sends), as the stream
    delivers them: each gets its invitation."""
    ids = [fresh_contact(world)["contact_id"] for _ in range(records)]
    return Batch(stream_event(stored_images(world.client, world.table("ContactsTable"), ids)), records)


def drain(url: str) -> None:
    """Delete what waits on the queue (what measured routes enqueued; PurgeQueue is once a minute)."""
    sqs = boto3.client("sqs", region_name=REGION)
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def queued(world: World, queue_logical_id: str, produce: Callable[[], None], records: int) -> Batch:
    """What `produce` (the public routes) put on the queue, received and handed over as the event
    source mapping does (as the local stack does, local/queue_poller.py)."""
    sqs = boto3.client("sqs", region_name=REGION)
    url = world.resolver.physical[queue_logical_id]
    drain(url)
    for _ in range(records):
        produce()
    messages: list[dict[str, Any]] = []
    while len(messages) < records:
        received = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"]
        ).get("Messages", [])
        if not received:
            break
        messages.extend(dict(m) for m in received)
    arn = world.resolver.attributes[(queue_logical_id, "Arn")]
    event_records = [lambda_sqs_record(message, arn) for message in messages]
    return Batch({"Records": event_records}, len(event_records))


@batch_recipe("SelfRegistrationWorkerFunction", "self-registration")
def self_registrations_queued(world: World, records: int) -> Batch:
    """Request Login attempts that verify: a new contact is created and invited."""

    def produce() -> None:
        body = self_registration_body(world)
        world.call("POST /portal/self-registrations", Request(body=body, status=202))

    return queued(world, "SelfRegistrationQueue", produce, records)


@batch_recipe("SelfRegistrationWorkerFunction", "access request")
def access_requests_queued(world: World, records: int) -> Batch:
    """Requests by an address that matches a site: recorded for staff, acknowledged by email."""

    def produce() -> None:
        world.call("POST /portal/access-requests", Request(body=access_request_body(world), status=202))

    return queued(world, "SelfRegistrationQueue", produce, records)


@batch_recipe("DeliveryEventsFunction")
def delivery_events_queued(world: World, records: int) -> Batch:
    """SES reports the delivery of `records` invitations, one event each, as the queue carries
    them (raw SNS delivery: the body is the event the local mailbox simulator makes)."""
    sample = load_event("delivery_events_queue_batch.json")["Records"][0]
    event_records = []
    for _ in range(records):
        contact = fresh_contact(world, email=f"success+{world.unique('d')}@simulator.amazonses.com")
        request = Request(params={"contact_id": contact["contact_id"]}, status=202)
        invitation_id = world.call("POST /admin/contacts/{contact_id}/invitations", request).body["invitation_id"]
        tags = {"invitation_id": invitation_id}  # models.delivery.INVITATION_TAG (the layer loads later)
        sent = SentEmail(uuid.uuid4().hex, "portal@example.com", (contact["email"],), "invitations", tags)
        (event,) = simulated_events(sent, now=datetime.now(UTC), account_id="123456789012", region=REGION)
        event_records.append({**copy.deepcopy(sample), "messageId": str(uuid.uuid4()), "body": json.dumps(event)})
    return Batch({"Records": event_records}, records)


@batch_recipe("LifecycleEventsFunction")
def invitations_sent_streamed(world: World, records: int) -> Batch:
    """`records` invitations turning `sent` (SES took them), as the invitations stream carries the
    change (old and new image): each is one event on the bus, with no read of any table."""
    table = world.table("InvitationsTable")
    arn = world.client.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    images = []
    for _ in range(records):
        contact = fresh_contact(world)
        request = Request(params={"contact_id": contact["contact_id"]}, status=202)
        invitation_id = world.call("POST /admin/contacts/{contact_id}/invitations", request).body["invitation_id"]
        item = world.client.get_item(TableName=table, Key={"invitation_id": {"S": invitation_id}})["Item"]
        images.append(dict(item))
    event = stream_event(images, event_name="MODIFY")
    for record, image in zip(event["Records"], images, strict=True):
        record["eventSourceARN"] = arn
        record["dynamodb"]["Keys"] = {"invitation_id": image["invitation_id"]}
        record["dynamodb"]["OldImage"] = {k: v for k, v in image.items() if k not in ("sent_at", "message_id")}
    return Batch(event, records)


@batch_recipe("InvitationJobsFunction")
def invitations_due_for_a_reminder(world: World, records: int) -> Batch:
    """`records` unused invitations expiring tomorrow: the hourly run reminds each once."""
    for _ in range(records):
        contact = fresh_contact(world)
        send_invitation(world, contact["contact_id"])
        move_expiry(world, latest_token(contact["email"]).split(".")[0], timedelta(days=1))
    return Batch(load_event("scheduled_event.json"), records)


def batch_messages(world: World) -> list[dict[str, Any]]:
    """Every message waiting on the invitation batches' queue, received (and so hidden a while)."""
    sqs = boto3.client("sqs", region_name=REGION)
    url = world.resolver.physical["InvitationBatchQueue"]
    found: list[dict[str, Any]] = []
    while received := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
        "Messages", []
    ):
        found.extend(dict(m) for m in received)
    return found


def as_event(world: World, messages: list[dict[str, Any]]) -> dict[str, Any]:
    arn = world.resolver.attributes[("InvitationBatchQueue", "Arn")]
    return {"Records": [lambda_sqs_record(m, arn) for m in messages]}


@batch_recipe("InvitationBatchWorkerFunction", "plan a page")
def batch_plan_page(world: World, records: int) -> Batch:
    """A run's first planner page: one account of 10 contacts examined, one send chunk queued."""
    drain(world.resolver.physical["InvitationBatchQueue"])
    start_run(world, fresh_account(world, 10))
    return Batch(as_event(world, batch_messages(world)[:records]), records)


@batch_recipe("InvitationBatchWorkerFunction", "send 10")
def batch_send_chunk(world: World, records: int) -> Batch:
    """A send chunk of 10 contacts (the planner's page handed over first, not counted)."""
    drain(world.resolver.physical["InvitationBatchQueue"])
    start_run(world, fresh_account(world, 10))
    world.function("InvitationBatchWorkerFunction").invoke(as_event(world, batch_messages(world)))
    sends = [m for m in batch_messages(world) if '"kind":"send"' in m["Body"]]
    return Batch(as_event(world, sends[:records]), records)
