"""Cold start per function: a fresh interpreter imports the handler's module with the function's
environment (template.yaml, Globals merged, through devkit/template.py and devkit/functions.py,
the layer on sys.path) and so builds its settings and clients. Time and peak memory (ru_maxrss)
of that, against two references loaded the same way in the same run:

- floor: a handler that imports boto3 and creates a DynamoDB client, nothing else;
- anchor: a minimal Powertools APIGatewayHttpResolver (enable_validation) with one
  pydantic-validated route, and the DynamoDB client every function of ours builds too.

Runs are interleaved (one of each target per round) after a discarded warm-up round that
writes the bytecode caches; the figure is the median. For every function, one more run of it
and of the anchor with `python -X importtime` says which imports it pays beyond the anchor.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from benchmarks.coldstart_probe import spec_argument
from devkit.template import (
    ROOT,
    FunctionSpec,
    function_spec,
    globals_environment,
    placeholder_resolver,
    resources_of_type,
)

FLOOR, ANCHOR = "floor", "anchor"
TARGET_RATIO = 1.2  # import time, in anchor times
MEMORY_TARGET_RATIO = 1.1  # peak memory, in anchor times

REFERENCES = ROOT / "benchmarks" / "references"  # floor.py and anchor.py, loaded as functions are
PROBE = "benchmarks.coldstart_probe"


@dataclass
class ColdStart:
    name: str
    seconds: list[float] = field(default_factory=list)  # wall clock
    # CPU time of the import: what it costs on a core of its own (Lambda's init has a full vCPU),
    # far less disturbed than wall time by whatever else the machine runs
    cpu_seconds: list[float] = field(default_factory=list)
    maxrss_kb: list[int] = field(default_factory=list)
    error: str | None = None
    # package, its own import time as a share of the anchor's (same importtime run), imported by
    heaviest: list[tuple[str, float, str]] = field(default_factory=list)

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def median_cpu_seconds(self) -> float:
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else float("nan")

    @property
    def least_cpu_seconds(self) -> float:
        """The least disturbed run: other work on the machine only ever adds time (timeit's advice)."""
        return min(self.cpu_seconds) if self.cpu_seconds else float("nan")

    @property
    def median_rss_kb(self) -> float:
        return statistics.median(self.maxrss_kb) if self.maxrss_kb else float("nan")


def base_environment() -> dict[str, str]:
    """A clean process environment: no endpoint, fake credentials, the runtime's region."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    return {
        **keep,
        "PYTHONPATH": str(ROOT),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }


def targets(template: Mapping[str, Any]) -> dict[str, FunctionSpec]:
    resolver = placeholder_resolver(template, "cold")
    globals_env = globals_environment(template, resolver)
    found = {
        FLOOR: FunctionSpec(FLOOR, REFERENCES, "floor.lambda_handler", globals_env, {}, 3),
        ANCHOR: FunctionSpec(ANCHOR, REFERENCES, "anchor.lambda_handler", globals_env, {}, 3),
    }
    for logical_id in sorted(resources_of_type(template, "AWS::Serverless::Function")):
        found[logical_id] = function_spec(template, logical_id, resolver)
    return found


def run_once(spec: FunctionSpec, *, importtime: bool = False) -> tuple[dict[str, Any], str]:
    command = [sys.executable, *(["-X", "importtime"] if importtime else []), "-m", PROBE, spec_argument(spec)]
    done = subprocess.run(
        command, capture_output=True, text=True, env=base_environment(), cwd=ROOT, timeout=120, check=False
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"exit {done.returncode}: {tail}")
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)\s*$")


def parse_importtime(stderr: str) -> list[tuple[str, int, int]]:
    """(module, self µs, depth) in the order importtime prints them (children first)."""
    rows = []
    for line in stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            rows.append((match.group(4), int(match.group(1)), len(match.group(3)) // 2))
    return rows


def _first_party(module: str) -> bool:
    return module.startswith(("portal_access", "cold_"))


def heaviest_imports(
    function_stderr: str, anchor_stderr: str, anchor_seconds: float, top: int = 3
) -> list[tuple[str, float, str]]:
    """Top-level packages the function imports and the anchor does not, by their own import time
    as a share of the anchor's, each with the first-party module (layer or handler) that pulls
    it in."""
    anchor_modules = {module for module, _, _ in parse_importtime(anchor_stderr)}
    rows = parse_importtime(function_stderr)
    by_package: dict[str, int] = defaultdict(int)
    importer: dict[str, str] = {}
    for index, (module, self_us, depth) in enumerate(rows):
        if module in anchor_modules:
            continue
        package = module.split(".")[0]
        by_package[package] += self_us
        if package in importer or _first_party(module):
            continue
        # importtime prints a module after what it imported: its importer is the next line that
        # is less indented; walk up until a first-party module.
        level = depth
        for parent, _, parent_depth in rows[index + 1 :]:
            if parent_depth < level:
                level = parent_depth
                if _first_party(parent):
                    importer[package] = parent.removeprefix("cold_")
                    break
    ranked = sorted(by_package.items(), key=lambda item: -item[1])
    return [(package, us / 1e6 / anchor_seconds, importer.get(package, "")) for package, us in ranked[:top]]


def measure(
    template: Mapping[str, Any], *, runs: int = 11, progress: Callable[[str], None] = lambda _: None
) -> dict[str, ColdStart]:
    specs = targets(template)
    results = {name: ColdStart(name) for name in specs}
    for round_number in range(runs + 1):  # round 0 warms the bytecode caches
        for name, spec in specs.items():
            result = results[name]
            if result.error:
                continue
            try:
                measured, _ = run_once(spec)
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
                result.error = str(error)
                continue
            if round_number:
                result.seconds.append(float(measured["seconds"]))
                result.cpu_seconds.append(float(measured["cpu_seconds"]))
                result.maxrss_kb.append(int(measured["maxrss_kb"]))
        progress(f"cold start round {round_number}/{runs}")
    # Every function names what it imports beyond the anchor: the shares that remain.
    functions = [r for n, r in results.items() if n not in (FLOOR, ANCHOR) and not r.error]
    if functions and not results[ANCHOR].error:
        anchor_run, anchor_stderr = run_once(specs[ANCHOR], importtime=True)
        for result in functions:
            _, stderr = run_once(specs[result.name], importtime=True)
            result.heaviest = heaviest_imports(stderr, anchor_stderr, float(anchor_run["seconds"]))
    return results
