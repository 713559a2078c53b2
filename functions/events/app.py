"""Lifecycle events: the streams of the items that record each change (invitations, Activity
History, requests by address) into the stack's EventBridge bus (domain/lifecycle_events.py).

Powertools' BatchProcessor reports only the records whose events were not published; the event
source mapping retries them (bisecting), then sends what still fails to its on-failure queue.
A retried record publishes the same `event_id`s: consumers deduplicate on it (at least once).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from portal_access.config import LifecycleEventsConfig
from portal_access.domain.lifecycle_events import (
    access_request_events,
    activity_events,
    batch_events,
    invitation_events,
)
from portal_access.models.lifecycle_events import LifecycleEvent
from portal_access.observability import logger, metrics
from portal_access.wiring.events import build_event_bus

config = LifecycleEventsConfig.from_env()
bus = build_event_bus(config)
# Records as Powertools' event data classes (parsed on access): no parser models at cold start.
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def table_of(source_arn: str) -> str:
    """`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>` -> `<name>`."""
    return source_arn.split(":table/", 1)[-1].split("/", 1)[0]


def events_of(record: DynamoDBRecord) -> list[LifecycleEvent]:
    table = table_of(record.event_source_arn or "")
    stream = record.dynamodb
    # The data class deserialises the images into plain dicts on access.
    old = (stream.old_image or None) if stream is not None else None
    new = (stream.new_image or None) if stream is not None else None
    inserted = record.raw_event.get("eventName") == "INSERT"
    if table == config.invitations_table:
        return invitation_events(old, new) + batch_events(old, new)
    if table == config.activity_table and inserted and new:
        return activity_events(new)
    if table == config.portal_requests_table and inserted and new:
        return access_request_events(new)
    return []


def record_handler(record: DynamoDBRecord) -> None:
    events = events_of(record)
    if not events:
        return
    bus.publish(events)
    for event in events:
        logger.info("event published", detail_type=event.detail_type, event_id=event.detail.event_id)
    metrics.add_metric(name="LifecycleEventsPublished", unit=MetricUnit.Count, value=len(events))


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
