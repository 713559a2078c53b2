"""The stack's EventBridge bus: PutEvents of lifecycle events (models/lifecycle_events.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from portal_access.dal.dynamodb import chunks
from portal_access.models.lifecycle_events import SOURCE, LifecycleEvent

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef

PUT_EVENTS_MAX_ENTRIES = 10  # EventBridge's limit per PutEvents
_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=5)


class EventsNotPublished(Exception):
    """EventBridge refused some entries (throttled, or down): the stream record is retried."""


def create_events_client() -> EventBridgeClient:
    return boto3.client("events", config=_CLIENT_CONFIG)


class EventBus:
    def __init__(self, client: EventBridgeClient, bus_name: str) -> None:
        self._client = client
        self.bus_name = bus_name

    def publish(self, events: Sequence[LifecycleEvent]) -> None:
        for batch in chunks(list(events), PUT_EVENTS_MAX_ENTRIES):
            entries: list[PutEventsRequestEntryTypeDef] = [
                {
                    "Source": SOURCE,
                    "DetailType": event.detail_type,
                    "Detail": event.detail.model_dump_json(),
                    "EventBusName": self.bus_name,
                    "Time": datetime.fromisoformat(event.detail.occurred_at),
                }
                for event in batch
            ]
            response = self._client.put_events(Entries=entries)
            if response.get("FailedEntryCount"):
                codes = sorted({e.get("ErrorCode", "") for e in response.get("Entries", []) if e.get("ErrorCode")})
                raise EventsNotPublished(f"{response['FailedEntryCount']} event(s) not published: {', '.join(codes)}")
