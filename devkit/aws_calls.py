"""The one recorder of the AWS API calls a piece of code makes, by service and operation.

`AwsCalls` is a botocore `before-call` handler: registered on a client's or a session's events
(`listening`), it records each API call once (not each retry). A session passes its handlers
to the clients it builds afterwards, so the benchmarks register it on boto3's default session
before the functions are loaded; the tests' `calls` fixture (tests/support/aws_calls.py) feeds
it every client's calls, clients built before the fixture too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Call:
    service: str  # botocore service name: dynamodb, sesv2, cognito-idp, sqs
    operation: str  # GetItem, Query, TransactWriteItems, SendEmail, ...


def operations(calls: Iterable[Call], service: str) -> list[str]:
    """The operations on `service`, in the order they were made."""
    return [call.operation for call in calls if call.service == service]


class _Events(Protocol):
    def register(self, event_name: str, handler: Any, unique_id: str | None = None) -> None: ...
    def unregister(self, event_name: str, handler: Any = None, unique_id: str | None = None) -> None: ...


class AwsCalls:
    def __init__(self, *, paused: bool = False) -> None:
        """`paused`: nothing is recorded outside `recording()` blocks."""
        self.made: list[Call] = []
        self._paused = paused

    def record(self, service: str, operation: str) -> None:
        if not self._paused:
            self.made.append(Call(service, operation))

    def __call__(self, model: Any, **_: Any) -> None:
        """botocore's `before-call` event: `model` is the operation's model."""
        self.record(model.service_model.service_name, model.name)

    def clear(self) -> None:
        self.made.clear()

    def of(self, service: str) -> Counter[str]:
        return Counter(call.operation for call in self.made if call.service == service)

    def count(self, service: str) -> int:
        return sum(self.of(service).values())

    def operations(self, service: str) -> list[str]:
        return operations(self.made, service)

    @contextmanager
    def recording(self) -> Iterator[list[Call]]:
        """Only the calls made in the block, in a list of their own; none outside it."""
        made, paused = self.made, self._paused
        self.made, self._paused = [], False
        try:
            yield self.made
        finally:
            self.made, self._paused = made, paused


@contextmanager
def listening(events: _Events, calls: AwsCalls, *, service: str = "") -> Iterator[AwsCalls]:
    """`calls` records the API calls of the emitter's client (or of the clients its session
    builds from now on), of one service when `service` is given, for the block."""
    event_name = f"before-call.{service}" if service else "before-call"
    unique_id = f"devkit-aws-calls-{id(calls)}"
    events.register(event_name, calls, unique_id=unique_id)
    try:
        yield calls
    finally:
        events.unregister(event_name, unique_id=unique_id)
