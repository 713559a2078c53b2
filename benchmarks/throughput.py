"""Auto-invite throughput: one stream batch of 100 contact inserts handed to the auto-invite
function (a cold instance) in the moto world, after the call counts at the largest size. Time per
record is set against a one-GetItem request (GET /admin/contacts/{contact_id}) timed in the same
world, so it reads as "a record costs as much as N single reads"."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from benchmarks.batches import BATCHES
from benchmarks.routes import RECIPES
from benchmarks.world import World
from devkit.aws_calls import operations

AUTO_INVITE = "AutoInviteFunction"
REFERENCE_ROUTE = "GET /admin/contacts/{contact_id}"


@dataclass
class Throughput:
    function: str
    records: int
    seconds: float
    dynamodb_calls: int
    ses_calls: int
    other_calls: int
    failures: int
    reference_seconds: float  # median of the one-GetItem request
    error: str | None = None

    @property
    def seconds_per_record(self) -> float:
        return self.seconds / max(self.records, 1)

    @property
    def per_record_vs_reference(self) -> float:
        return self.seconds_per_record / self.reference_seconds if self.reference_seconds else float("nan")


def reference_seconds(world: World, runs: int = 21) -> float:
    route = world.routes[REFERENCE_ROUTE]
    request = RECIPES[REFERENCE_ROUTE](world)
    function = world.function(route.function_id)
    event = world.event(route, request)
    function.invoke(event)  # warm
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function.invoke(event)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def auto_invite_throughput(world: World, records: int = 100) -> Throughput | None:
    """None when the template has no auto-invite function (yet)."""
    kinds = [kind for kind in BATCHES if kind.function == AUTO_INVITE]
    if AUTO_INVITE not in world.functions or not kinds:
        return None
    batch = kinds[0].make(world, records)
    function = world.reload(AUTO_INVITE)
    with world.recorder.recording() as calls:
        started = time.perf_counter()
        answer = function.invoke(batch.event)
        seconds = time.perf_counter() - started
    dynamodb = len(operations(calls, "dynamodb"))
    ses = sum(1 for c in calls if c.service in {"ses", "sesv2"})
    failures = len((answer or {}).get("batchItemFailures", [])) if isinstance(answer, dict) else 0
    return Throughput(
        function=AUTO_INVITE,
        records=batch.records,
        seconds=seconds,
        dynamodb_calls=dynamodb,
        ses_calls=ses,
        other_calls=len(calls) - dynamodb - ses,
        failures=failures,
        reference_seconds=reference_seconds(world),
    )
