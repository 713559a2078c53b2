"""DynamoDB calls per route while the tables grow: every HTTP route of template.yaml driven with
a valid request (benchmarks/routes.py), every stream, queue or schedule consumer with a sample
batch (benchmarks/batches.py), at each table size in turn, in one moto world. Setup calls are
not counted."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from benchmarks.batches import BATCHES, BatchKind
from benchmarks.budgets import Budget
from benchmarks.routes import RECIPES, prepare
from benchmarks.seed import seed_to
from benchmarks.world import World, open_world
from devkit.aws_calls import Call, operations


@dataclass
class Measured:
    """One request (or batch) at one table size."""

    key: str  # route key or consumer logical id
    function: str
    items: int  # accounts + sites + contacts in the tables
    calls: list[Call] = field(default_factory=list)
    records: int = 1  # a batch's records; calls are per request for routes
    status: int | None = None
    error: str | None = None
    seconds: float = 0.0
    peak_bytes: int = 0  # most memory allocated at once while it ran (tracemalloc)

    @property
    def dynamodb(self) -> list[str]:
        return operations(self.calls, "dynamodb")

    def per_record(self, service: str) -> float:
        return sum(1 for c in self.calls if c.service == service) / max(self.records, 1)


@contextmanager
def allocation_peak(result: Measured) -> Iterator[None]:
    """The request's own working set: Python allocations at their peak while it runs. An upper
    bound: moto answers in-process, so its allocations for those calls count too."""
    tracemalloc.start()
    try:
        yield
    finally:
        result.peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def memory_of(result: Measured, *, trace: bool) -> AbstractContextManager[None]:
    return allocation_peak(result) if trace else nullcontext()


def measure_route(world: World, key: str, *, trace: bool = False) -> Measured:
    route = world.routes[key]
    result = Measured(key=key, function=route.function_id, items=world.seeded.items)
    loaded = world.functions[route.function_id]
    if loaded.handler is None:
        result.error = f"{route.function_id} does not load: {loaded.error}"
        return result
    recipe = RECIPES.get(key)
    if recipe is None:
        result.error = "no request recipe in benchmarks/routes.py"
        return result
    try:
        request = recipe(world)
        event = world.event(route, request)
        # A cold instance: nothing cached from the setup's requests (e.g. the system options).
        function = world.reload(route.function_id)
        with world.recorder.recording() as calls, memory_of(result, trace=trace):
            started = time.perf_counter()
            response = function.invoke(event)
            result.seconds = time.perf_counter() - started
    except Exception as error:  # one broken route must not hide the others
        result.error = f"{type(error).__name__}: {error}"
        return result
    result.calls = list(calls)
    result.status = int(response["statusCode"])
    if result.status != request.status:
        body = str(response.get("body"))[:300]
        result.error = f"answered {result.status}, wanted {request.status}: {body}"
    return result


def measure_consumer(world: World, kind: BatchKind, records: int, *, trace: bool = False) -> Measured:
    result = Measured(key=kind.key, function=kind.function, items=world.seeded.items, records=records)
    if world.functions[kind.function].handler is None:
        result.error = f"does not load: {world.functions[kind.function].error}"
        return result
    try:
        batch = kind.make(world, records)
        result.records = batch.records
        loaded = world.reload(kind.function)
        with world.recorder.recording() as calls, memory_of(result, trace=trace):
            started = time.perf_counter()
            answer = loaded.invoke(batch.event)
            result.seconds = time.perf_counter() - started
    except Exception as error:
        result.error = f"{type(error).__name__}: {error}"
        return result
    result.calls = list(calls)
    failures = (answer or {}).get("batchItemFailures") if isinstance(answer, dict) else None
    if failures:
        result.error = f"{len(failures)} of {result.records} records failed"
    elif result.records != records:
        result.error = f"the batch has {result.records} records, wanted {records}"
    return result


def measure_all(world: World, *, trace: bool = False) -> dict[str, Measured]:
    """`trace`: also each request's allocation peak (tracemalloc slows it several times over)."""
    prepare(world)
    results = {key: measure_route(world, key, trace=trace) for key in sorted(world.routes)}
    for consumer in world.consumers:
        kinds = [kind for kind in BATCHES if kind.function == consumer.function]
        for kind in kinds:
            # A full batch, as the event source mapping delivers it: per-batch reads count as they do.
            results[kind.key] = measure_consumer(world, kind, consumer.batch_size, trace=trace)
        if not kinds:
            missing = Measured(key=consumer.function, function=consumer.function, items=world.seeded.items)
            missing.error = "no batch recipe in benchmarks/batches.py"
            results[consumer.function] = missing
    return results


def grow_and_measure(
    world: World,
    sizes: Sequence[int],
    *,
    progress: Callable[[str], None] = lambda _: None,
    trace: bool | None = None,
) -> dict[int, dict[str, Measured]]:
    """{size: {route or consumer: Measured}}, the world grown to each size in turn, smallest first."""
    by_size: dict[int, dict[str, Measured]] = {}
    for size in sorted(sizes):
        started = time.perf_counter()
        seed_to(world, size)
        progress(f"seeded {world.seeded.items} items in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        # Memory at the smallest size only: the handlers read bounded pages whatever the tables
        # hold, while moto's own in-process work (and tracemalloc's cost) grows with them.
        by_size[size] = measure_all(world, trace=size == min(sizes) if trace is None else trace)
        progress(f"measured {len(by_size[size])} routes and consumers in {time.perf_counter() - started:.1f}s")
    return by_size


def measure_sizes(
    template: Mapping[str, Any], sizes: Sequence[int], *, progress: Callable[[str], None] = lambda _: None
) -> dict[int, dict[str, Measured]]:
    """`grow_and_measure` in a world of its own."""
    with open_world(template) as world:
        return grow_and_measure(world, sizes, progress=progress)


@dataclass
class Verdict:
    key: str
    counts: dict[int, int]  # size -> DynamoDB calls (per record for consumers)
    budget: Budget | None
    problems: list[str]


def judge(by_size: Mapping[int, Mapping[str, Measured]], budgets: Mapping[str, Budget]) -> dict[str, Verdict]:
    """Per route: equal at every size, within budget, no Scan, answered as the recipe expects."""
    verdicts: dict[str, Verdict] = {}
    keys = sorted({key for results in by_size.values() for key in results})
    for key in keys:
        problems: list[str] = []
        counts: dict[int, int] = {}
        for size, results in sorted(by_size.items()):
            measured = results.get(key)
            if measured is None:
                problems.append(f"not measured at {size} items")
                continue
            if measured.error:
                problems.append(f"at {size} items: {measured.error}")
                continue
            calls = measured.dynamodb
            counts[size] = -(-len(calls) // max(measured.records, 1))  # per record, rounded up
            if "Scan" in calls:
                problems.append(f"Scan at {size} items")
        if len(set(counts.values())) > 1:
            growth = ", ".join(f"{n} at {s}" for s, n in counts.items())
            problems.append(f"DynamoDB calls grow with the tables: {growth}")
        budget = budgets.get(key) or budgets.get(key.split(" (")[0])
        if budget is None:
            problems.append("no budget in docs/data-model.md")
        elif counts and max(counts.values()) > budget.most:
            problems.append(f"{max(counts.values())} DynamoDB calls, budget {budget.most}")
        verdicts[key] = Verdict(key, counts, budget, problems)
    return verdicts
