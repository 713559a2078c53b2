"""The lifecycle events publisher (functions/events/): the bus; the events are pure functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.dal.event_bus import EventBus, create_events_client

if TYPE_CHECKING:
    from portal_access.config import LifecycleEventsConfig


def build_event_bus(config: LifecycleEventsConfig) -> EventBus:
    return EventBus(create_events_client(), config.event_bus_name)
