"""One cold start, in the fresh interpreter benchmarks/coldstart.py starts:
`python -m benchmarks.coldstart_probe '<spec as JSON>'`. The harness is imported first (the same
for every target), then only the handler module's import is timed; prints one JSON line."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from devkit.functions import import_function_module
from devkit.template import FunctionSpec


def spec_argument(spec: FunctionSpec) -> str:
    return json.dumps(
        {
            "logical_id": spec.logical_id,
            "code_uri": str(spec.code_uri),
            "handler": spec.handler,
            "environment": spec.environment,
        }
    )


def spec_from_argument(argument: str) -> FunctionSpec:
    raw = json.loads(argument)
    return FunctionSpec(raw["logical_id"], Path(raw["code_uri"]), raw["handler"], raw["environment"], {}, 3)


def cold_start(spec: FunctionSpec) -> dict[str, Any]:
    started, cpu_started = time.perf_counter(), time.process_time()
    import_function_module(spec, module_prefix="cold_")
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "maxrss_kb": maxrss_kb}


if __name__ == "__main__":
    print(json.dumps(cold_start(spec_from_argument(sys.argv[1]))))
