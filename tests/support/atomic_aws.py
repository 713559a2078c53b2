"""AWS's per-call atomicity for in-process moto, and forced interleavings of concurrent callers.

moto checks a condition and writes in two steps, without a lock: two threads can both pass a
`ConditionExpression` (or both find no Cognito user) where DynamoDB and Cognito let exactly one
through. `AtomicAws` runs every botocore API call under one lock, so each call (a
TransactWriteItems included) is atomic as it is on AWS, and lets a test pause a caller just
before or just after a chosen call, outside the lock, to force the interleaving a race needs
instead of hoping the scheduler produces it.

    atomic_aws.pause("AdminSetUserPassword", until=b_done)   # the first caller waits there
    atomic_aws.rendezvous("UpdateItem", parties=2)           # the first two meet, then both go
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal

import botocore.client
import pytest

WAIT_SECONDS = 10  # a forced interleaving that does not happen fails the test instead of hanging

When = Literal["before", "after"]


@dataclass
class _Gate:
    operation: str
    when: When
    remaining: int  # callers still to stop here
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event | None = None
    barrier: threading.Barrier | None = None

    def pass_through(self) -> None:
        self.reached.set()
        if self.barrier is not None:
            self.barrier.wait(WAIT_SECONDS)
        elif self.release is not None and not self.release.wait(WAIT_SECONDS):
            raise TimeoutError(f"the caller paused {self.when} {self.operation} was never released")


class AtomicAws:
    def __init__(self) -> None:
        self.lock = threading.RLock()  # reentrant: a call made while handling a call (moto's own) passes
        self._gates: list[_Gate] = []
        self._gates_lock = threading.Lock()

    def pause(self, operation: str, *, until: threading.Event, when: When = "before", times: int = 1) -> _Gate:
        """The next `times` callers of `operation` wait (outside the lock) until `until` is set;
        `gate.reached` is set when the first one got there."""
        return self._add(_Gate(operation, when, times, release=until))

    def rendezvous(self, operation: str, *, parties: int = 2, when: When = "before") -> _Gate:
        """The next `parties` callers of `operation` wait for each other, then all go on: they
        race for the same state, and the lock decides who is first, as the real service would."""
        return self._add(_Gate(operation, when, parties, barrier=threading.Barrier(parties)))

    def _add(self, gate: _Gate) -> _Gate:
        with self._gates_lock:
            self._gates.append(gate)
        return gate

    def _take(self, operation: str, when: When) -> _Gate | None:
        with self._gates_lock:
            for gate in self._gates:
                if gate.operation == operation and gate.when == when and gate.remaining > 0:
                    gate.remaining -= 1
                    return gate
        return None

    def call(self, real: Any, client: Any, operation: str, params: Any) -> Any:
        gate = self._take(operation, "before")
        if gate:
            gate.pass_through()
        try:
            with self.lock:
                return real(client, operation, params)
        finally:
            gate = self._take(operation, "after")
            if gate:
                gate.pass_through()


@pytest.fixture
def atomic_aws(monkeypatch: pytest.MonkeyPatch) -> AtomicAws:
    """Every AWS call of the test (the functions' own clients too) atomic, with gates to force races."""
    atomic = AtomicAws()
    real = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]

    def serialised(self: Any, operation_name: str, api_params: Any) -> Any:
        return atomic.call(real, self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", serialised)
    return atomic
