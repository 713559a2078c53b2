"""Scheduled functions, emulated: the template's `Type: Schedule` / `ScheduleV2` events with a
`rate(...)` expression fire at that rate while the stack runs, with the event EventBridge sends
("Scheduled Event"). `POST /_local/schedules` fires them now (`?function=LogicalId` for one), so
a developer or a test need not wait an hour; the answer lists each function's result."""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from devkit.template import Resolver, function_events

log = logging.getLogger("local.schedules")

_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
SCHEDULE_TYPES = ("Schedule", "ScheduleV2")


@dataclass(frozen=True)
class Schedule:
    function_id: str
    event_id: str
    expression: str
    every_seconds: float | None  # None: a cron expression, fired only on request


def schedules(template: Mapping[str, Any], resolver: Resolver) -> list[Schedule]:
    found = []
    for event in function_events(template, *SCHEDULE_TYPES):
        properties = resolver.resolve(event.properties)
        if properties.get("Enabled") is False or properties.get("State") == "DISABLED":
            continue
        expression = str(properties.get("Schedule") or properties.get("ScheduleExpression") or "")
        match = _RATE.match(expression.strip())
        every = int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")] if match else None
        found.append(Schedule(event.function_id, event.event_id, expression, every))
    return found


def scheduled_event(schedule: Schedule, *, region: str, account_id: str = "123456789012") -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{account_id}:rule/{schedule.function_id}-{schedule.event_id}"],
        "detail": {},
    }


class Scheduler:
    def __init__(
        self, found: list[Schedule], invoke: Callable[[str, dict[str, Any]], Any], *, region: str = "us-east-1"
    ) -> None:
        self.schedules = found
        self._invoke = invoke
        self._region = region

    def fire(self, function_id: str | None = None) -> dict[str, Any]:
        """Invoke the scheduled functions now; their answers (or errors) by `Function.Event`."""
        results: dict[str, Any] = {}
        for schedule in self.schedules:
            if function_id and schedule.function_id != function_id:
                continue
            key = f"{schedule.function_id}.{schedule.event_id}"
            try:
                results[key] = self._invoke(schedule.function_id, scheduled_event(schedule, region=self._region))
            except Exception as error:  # the function's failure is its answer here, as Lambda reports it
                results[key] = {"error": str(error)}
        return results

    def run(self, stop: threading.Event) -> None:
        due = {s: time.monotonic() + s.every_seconds for s in self.schedules if s.every_seconds}
        while not stop.wait(1.0):
            for schedule, at in due.items():
                if time.monotonic() >= at and schedule.every_seconds:
                    due[schedule] = at + schedule.every_seconds
                    log.info("schedule %s.%s fired", schedule.function_id, schedule.event_id)
                    self.fire(schedule.function_id)
