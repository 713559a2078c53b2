"""`make bench`: cold start, DynamoDB calls per route as the tables grow, auto-invite throughput
and the local HTTP API under load, side by side in one run. Prints one table and writes it, with
the date and the machine, to docs/benchmarks.md.

Every figure is a ratio or a count measured in this run (these machines are noisy: an absolute
time alone means little); absolute times are shown in parentheses for scale only.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from collections import Counter
from collections.abc import Mapping
from contextlib import redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.budgets import Budget, load_budgets
from benchmarks.calls import Measured, Verdict, grow_and_measure, judge
from benchmarks.coldstart import ANCHOR, FLOOR, MEMORY_TARGET_RATIO, TARGET_RATIO, ColdStart
from benchmarks.coldstart import measure as measure_cold_starts
from benchmarks.local_api import LoadResult, measure_local_api
from benchmarks.rollout import DryRunMeasure, measure_dry_run
from benchmarks.throughput import Throughput, auto_invite_throughput
from benchmarks.world import open_world
from devkit.aws_calls import Call
from devkit.template import function_spec, load_template, placeholder_resolver, resources_of_type
from portal_access.domain.invitation_batches import MAX_DRY_RUN_PAGES, MAX_DRY_RUN_SECONDS

BENCHMARKS_PATH = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
# What other runners write (benchmarks/console_first_load.py) goes below this mark; a run of
# make bench rewrites what is above it and keeps the rest.
KEPT_BELOW = "<!-- Below: sections of their own runners, kept by make bench. -->"
SIZES = (1_000, 100_000)


@dataclass
class Row:
    measure: str
    subject: str
    figure: str
    target: str
    verdict: str


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# Machine


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()} ({platform.system()})"


# Rows


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def cold_start_rows(results: Mapping[str, ColdStart]) -> list[Row]:
    anchor = results[ANCHOR]
    rows = []
    for name, result in results.items():
        if result.error:
            rows.append(Row("1 cold start", name, f"did not start: {result.error}", "", "ERROR"))
            continue
        time_ratio = result.least_cpu_seconds / anchor.least_cpu_seconds
        median_ratio = result.median_cpu_seconds / anchor.median_cpu_seconds
        memory_ratio = result.median_rss_kb / anchor.median_rss_kb
        figure = (
            f"{time_ratio:.2f}x anchor import time ({_ms(result.least_cpu_seconds)} CPU; "
            f"medians {median_ratio:.2f}x, {_ms(result.median_cpu_seconds)} CPU, {_ms(result.median_seconds)} wall), "
            f"{memory_ratio:.2f}x anchor peak memory ({result.median_rss_kb / 1024:.0f} MB), "
            f"{len(result.seconds)} runs"
        )
        if name in (FLOOR, ANCHOR):
            what = "boto3 + DynamoDB client" if name == FLOOR else "Powertools resolver + 1 validated route + client"
            rows.append(Row("1 cold start", f"*{name}* ({what})", figure, "reference", ""))
            continue
        ok = time_ratio <= TARGET_RATIO and memory_ratio <= MEMORY_TARGET_RATIO
        verdict = "ok" if ok else "MISS"
        if result.heaviest:
            paid = ", ".join(
                f"{package} +{share:.2f}x" + (f" (via {importer})" if importer else "")
                for package, share, importer in result.heaviest
            )
            verdict += f"; imports beyond the anchor's, in anchor times: {paid}"
        target = f"≤ {TARGET_RATIO}x anchor import time, ≤ {MEMORY_TARGET_RATIO}x peak memory"
        rows.append(Row("1 cold start", name, figure, target, verdict))
    return rows


def _operations(calls: list[Call]) -> str:
    names: dict[str, int] = {}
    for call in calls:
        if call.service == "dynamodb":
            names[call.operation] = names.get(call.operation, 0) + 1
    return ", ".join(f"{name}x{n}" if n > 1 else name for name, n in names.items()) or "none"


def _others(calls: list[Call]) -> str:
    names: dict[str, int] = {}
    for call in calls:
        if call.service != "dynamodb":
            key = f"{call.service} {call.operation}"
            names[key] = names.get(key, 0) + 1
    if not names:
        return ""
    return "; also " + ", ".join(f"{k}x{n}" if n > 1 else k for k, n in names.items())


def call_rows(by_size: Mapping[int, Mapping[str, Measured]], verdicts: Mapping[str, Verdict]) -> list[Row]:
    rows = []
    largest = max(by_size)
    for key, verdict in verdicts.items():
        last = by_size[largest].get(key)
        unit = " per record" if last is not None and last.records > 1 else ""
        counts = " → ".join(f"{n}{unit} at {_size(size)}" for size, n in sorted(verdict.counts.items()))
        detail = ""
        if last is not None and not last.error:
            batch = f"{last.records} records: " if last.records > 1 else ""
            detail = f" ({batch}{_operations(last.calls)}{_others(last.calls)})"
        budget: Budget | None = verdict.budget
        target = f"equal, ≤ {budget.most}" if budget else "equal, no budget documented"
        rows.append(
            Row(
                "2 DynamoDB calls",
                f"`{key}`",
                (counts or "not measured") + detail,
                target,
                "ok" if not verdict.problems else "MISS: " + "; ".join(verdict.problems),
            )
        )
    return rows


def _size(items: int) -> str:
    return f"{items // 1000}k" if items >= 1000 and items % 1000 == 0 else str(items)


def throughput_rows(result: Throughput | None, budgets: Mapping[str, Budget]) -> list[Row]:
    if result is None:
        return [Row("3 auto-invite", "stream batch", "no auto-invite function in template.yaml", "", "skipped")]
    budget = budgets.get(result.function)
    per_dynamodb = result.dynamodb_calls / result.records
    per_ses = result.ses_calls / result.records
    figure = (
        f"{per_dynamodb:.1f} DynamoDB + {per_ses:.1f} SES calls per record; "
        f"{result.per_record_vs_reference:.1f}x a one-GetItem request per record "
        f"({_ms(result.seconds_per_record)} vs {_ms(result.reference_seconds)}); "
        f"{result.failures} of {result.records} records failed"
    )
    ok = result.failures == 0 and result.ses_calls == result.records
    if budget is not None:
        ok = ok and per_dynamodb <= budget.most
    target = f"1 SES and ≤ {budget.most} DynamoDB calls per record" if budget else "1 SES call per record"
    return [Row("3 auto-invite", f"one stream batch of {result.records} contact inserts", figure, target, _ok(ok))]


MEMORY_HEADROOM = 2.0  # MemorySize over the measured peak


def memory_rows(
    template: Mapping[str, Any], cold: Mapping[str, ColdStart], by_size: Mapping[int, Mapping[str, Measured]]
) -> list[Row]:
    """Per function: its cold start's peak (1) plus the largest working set of one of its requests
    or batches at the smallest size (2), against the MemorySize template.yaml gives it."""
    smallest = by_size[min(by_size)]
    resolver = placeholder_resolver(template, "cold")
    rows = []
    for name in sorted(resources_of_type(template, "AWS::Serverless::Function")):
        result = cold.get(name)
        requests = [m for m in smallest.values() if m.function == name and not m.error]
        if result is None or result.error or not requests:
            rows.append(Row("5 memory", name, "not measured", "", "skipped"))
            continue
        heaviest = max(requests, key=lambda m: m.peak_bytes)
        startup_mb = result.median_rss_kb / 1024
        request_mb = heaviest.peak_bytes / 2**20
        peak_mb = startup_mb + request_mb
        memory_size = function_spec(template, name, resolver).memory_size
        figure = (
            f"{startup_mb:.0f} MB at cold start + {request_mb:.1f} MB for its heaviest request "
            f"(`{heaviest.key}`) = {peak_mb:.0f} MB; MemorySize {memory_size} MB = {memory_size / peak_mb:.1f}x that"
        )
        target = f"MemorySize ≥ {MEMORY_HEADROOM:.0f}x peak"
        rows.append(Row("5 memory", name, figure, target, _ok(memory_size >= MEMORY_HEADROOM * peak_mb)))
    return rows


def http_rows(results: list[LoadResult] | str) -> list[Row]:
    if isinstance(results, str):
        return [Row("4 local HTTP API", "`python -m local`", results, "", "skipped")]
    rows = []
    for result in results:
        if result.error:
            rows.append(Row("4 local HTTP API", f"`{result.route}`", result.error, "", "ERROR"))
            continue
        figure = (
            f"gateway: {result.gateway.requests_per_second:.0f} req/s, p50 {_ms(result.gateway.p50)}, "
            f"p99 {_ms(result.gateway.p99)} ({result.gateway.requests} requests, {result.gateway.errors} errors); "
            f"direct handler: {result.direct.requests_per_second:.0f} req/s, p50 {_ms(result.direct.p50)} "
            f"({result.direct.requests} requests, {result.direct.errors} errors); "
            f"gateway/direct: {result.p50_ratio:.2f}x p50, {result.throughput_ratio:.2f}x throughput"
        )
        ok = result.gateway.errors == 0 and result.direct.errors == 0
        rows.append(Row("4 local HTTP API", f"`{result.route}`", figure, "no errors", _ok(ok)))
    return rows


def rollout_rows(
    dry_runs: list[DryRunMeasure], by_size: Mapping[int, Mapping[str, Measured]], budgets: Mapping[str, Budget]
) -> list[Row]:
    """Measure 6: the dry run over every active account, and a run's calls per contact."""
    rows: list[Row] = []
    budget = budgets.get("POST /admin/invitation-batches")
    most = budget.most if budget else 0
    for dry in dry_runs:
        answer = (
            f"200, {dry.contacts_examined} contacts of {dry.accounts_examined} accounts"
            if dry.status == 200
            else f"{dry.status} selection_too_large ({_dry_run_limit(dry)})"
        )
        calls = sum(dry.calls.values())
        figure = f"{answer}: {calls} DynamoDB calls ({_operations_of(dry.calls)}), {_ms(dry.seconds)} in-process"
        ok = dry.status in (200, 422) and calls <= most
        rows.append(
            Row("6 rollout", f"dry run, every active account, {_size(dry.items)} items", figure,
                f"pages, not contacts: ≤ {most}", _ok(ok))
        )  # fmt: skip
    largest = max(by_size) if by_size else None
    if largest is not None:
        send = by_size[largest].get("InvitationBatchWorkerFunction (send 10)")
        manual = by_size[largest].get("POST /admin/contacts/{contact_id}/invitations")
        if send and manual and not send.error and not manual.error:
            per_contact = len(send.dynamodb) / 10
            rows.append(
                Row("6 rollout", "a run, per contact (a chunk of 10)",
                    f"{per_contact:.1f} DynamoDB calls per contact, the manual invite {len(manual.dynamodb)}",
                    "≤ the manual invite's", _ok(per_contact <= len(manual.dynamodb)))
            )  # fmt: skip
    return rows


def _dry_run_limit(dry: DryRunMeasure) -> str:
    """Which of the dry run's two limits stopped it (the answer does not say; its time does)."""
    if dry.seconds >= MAX_DRY_RUN_SECONDS:
        return f"at the {MAX_DRY_RUN_SECONDS:.0f} s limit"
    return f"at the {MAX_DRY_RUN_PAGES}-page limit"


def _operations_of(calls: Counter[str]) -> str:
    return ", ".join(f"{n} {op}" for op, n in sorted(calls.items()))


def _ok(ok: bool) -> str:
    return "ok" if ok else "MISS"


def render(rows: list[Row]) -> str:
    lines = ["| measure | subject | figure | target | result |", "|---|---|---|---|---|"]
    for row in rows:
        cells = [row.measure, row.subject, row.figure, row.target, row.verdict]
        lines.append("| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in cells) + " |")
    return "\n".join(lines)


DOC_HEADER = """# Benchmarks

Written by `make bench` (`python -m benchmarks`); do not edit by hand. Every figure is a
ratio or a count measured side by side in this one run; absolute times are only for scale.

1. **Cold start**: a fresh interpreter imports each template function's handler module with the
   function's environment (devkit/template.py, devkit/functions.py, the layer on sys.path), building
   its settings and clients; against the *floor* (boto3 + a DynamoDB client) and the *anchor* (a
   minimal Powertools `APIGatewayHttpResolver` with `enable_validation` and one pydantic route,
   plus the DynamoDB client). The import time is the child's CPU time (a Lambda init has a full
   vCPU), in its least disturbed run (other work on this shared machine only adds time; the
   medians and the wall time are shown too); the memory is the median peak RSS. Interleaved runs
   after a warm-up round. Each function
   names, from `python -X importtime`, the packages it imports beyond the anchor (own import
   time, as a share of the anchor's) and the layer module that pulls each in. No function imports
   the X-Ray SDK (Lambda's active tracing needs none), so Lambda adds nothing to these imports.
2. **DynamoDB calls per route** (`benchmarks/routes.py`): every HTTP route of template.yaml with
   a valid request, every stream or queue consumer with a full batch (its BatchSize in the
   template; the calls are per record, rounded up), on a cold instance,
   while moto holds {sizes} accounts + sites + contacts; calls counted with a botocore
   `before-call` hook; budgets parsed from docs/data-model.md. The hot account grows with the
   tables (a site per 200 items, a contact per 100), so its lists outgrow a page.
3. **Auto-invite throughput**: one stream batch of 100 contact inserts, in the same world at the
   largest size, against a one-GetItem request (`GET /admin/contacts/{{contact_id}}`) in-process.
4. **Local HTTP API** (`python -m local`'s own `main`, on a free 127.0.0.1 port, in a child
   process): a keep-alive load generator in a process of its own, one request at a time, bounded
   (2000 requests or 15 s), against the same requests (the gateway's own event conversion, the
   same verified claims) handed to the handler directly in the stack's process, with the same data
   and the same moto server, so the gateway's share (HTTP, JWT authorizer, conversion) is a ratio.
5. **Memory**: per function, its cold start's peak (1, ru_maxrss: the interpreter and every
   import) plus the largest Python working set (tracemalloc peak) of one of its requests or
   batches in 2 at the smallest size (the handlers read bounded pages at any size; an upper
   bound: moto answers in the same process), against the MemorySize template.yaml gives it.
6. **Invitation batches** (`benchmarks/rollout.py`): the dry run over every active account at each
   size, on a cold instance, in-process: its answer, its DynamoDB calls, its time and which of its
   two limits stopped it (100 pages or 20 s); and a run's calls per contact (a send chunk of 10)
   against the manual invite's. moto is made to read a Query's partition only and to undo a
   transaction per item (devkit/moto_dynamodb.py): the calls are the same, the minutes are not.
"""


def write_document(table: str, *, started: datetime, seconds: float, notes: list[str]) -> None:
    header = DOC_HEADER.format(sizes=" and then ".join(_size(s) for s in SIZES))
    body = [
        header,
        f"Run: {started:%Y-%m-%d %H:%M} UTC, {seconds / 60:.1f} minutes. Machine: {machine()}.",
        "",
        table,
        "",
    ]
    if notes:
        body += ["## Notes", "", *[f"- {note}" for note in notes], ""]
    known = BENCHMARKS_PATH.read_text(encoding="utf-8") if BENCHMARKS_PATH.is_file() else ""
    if KEPT_BELOW in known:
        body += [KEPT_BELOW + known.split(KEPT_BELOW, 1)[1]]
    BENCHMARKS_PATH.write_text("\n".join(body), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11, help="cold start runs per function (default 11)")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="table sizes, in items")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--skip", nargs="*", default=[], choices=["cold", "calls", "http"], help="leave parts out")
    args = parser.parse_args(argv)
    # Powertools warns on every invocation that adds no metric.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    started_at = datetime.now(UTC)
    started = time.perf_counter()
    template = load_template()
    budgets = load_budgets()
    rows: list[Row] = []
    notes: list[str] = []

    cold: dict[str, ColdStart] = {}
    by_size: dict[int, dict[str, Measured]] = {}
    rollout: list[DryRunMeasure] = []
    if "cold" not in args.skip:
        log("1 cold start")
        cold = measure_cold_starts(template, runs=args.runs, progress=log)
        rows += cold_start_rows(cold)

    if "calls" not in args.skip:
        log(f"2 DynamoDB calls per route at {args.sizes} items; 3 auto-invite throughput")
        # The functions print their EMF metrics on stdout, where the table goes.
        with (
            open(os.devnull, "w", encoding="utf-8") as devnull,
            redirect_stdout(devnull),
            open_world(template) as world,
        ):
            for size in sorted(args.sizes):
                by_size |= grow_and_measure(world, [size], progress=log, trace=size == min(args.sizes))
                rollout.append(measure_dry_run(world))
            throughput = auto_invite_throughput(world)
        verdicts = judge(by_size, budgets)
        rows += call_rows(by_size, verdicts)
        rows += throughput_rows(throughput, budgets)
        rows += rollout_rows(rollout, by_size, budgets)

    if cold and by_size:
        rows += memory_rows(template, cold, by_size)

    if "http" not in args.skip:
        log("4 local HTTP API under load")
        rows += http_rows(measure_local_api(template, progress=log))

    table = render(rows)
    seconds = time.perf_counter() - started
    print(f"# Benchmarks, {started_at:%Y-%m-%d %H:%M} UTC, {machine()}, {seconds / 60:.1f} minutes\n")
    print(table)
    if not args.no_write:
        write_document(table, started=started_at, seconds=seconds, notes=notes)
        log(f"wrote {BENCHMARKS_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
