"""The domain's one clock. Every service that records or compares a time takes `clock: Clock`;
the composition roots (`portal_access.wiring`) give `system_clock`, a test a fixed one.

Stored times are `iso()` strings: ISO-8601 in UTC with millisecond precision, so they sort and
compare as strings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def human_time(moment: datetime) -> str:
    """How an email states a time: "December 1, 2026 14:30 UTC"."""
    return f"{moment:%B} {moment.day}, {moment:%Y %H:%M} UTC"
