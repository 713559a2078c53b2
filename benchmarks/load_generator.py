"""The load generator of benchmarks/local_api.py, in a process of its own, standard library only:
`python -m benchmarks.load_generator '<spec as JSON>'` sends GET requests one after another over
one keep-alive connection (a warm-up first, then up to `max_requests` or `max_seconds`) and
prints the latencies, the non-200 count and the seconds taken as one JSON line."""

from __future__ import annotations

import http.client
import json
import sys
import time
from typing import Any


def run(spec: dict[str, Any]) -> dict[str, Any]:
    connection = http.client.HTTPConnection(spec["host"], spec["port"], timeout=30)

    def one() -> tuple[float, int]:
        started = time.perf_counter()
        connection.request("GET", spec["path"], headers=spec["headers"])
        response = connection.getresponse()
        response.read()
        return time.perf_counter() - started, response.status

    for _ in range(spec["warm_up"]):
        one()
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    while len(latencies) < spec["max_requests"] and time.perf_counter() - started < spec["max_seconds"]:
        seconds, status = one()
        latencies.append(seconds)
        errors += status != 200
    return {"latencies": latencies, "errors": errors, "seconds": time.perf_counter() - started}


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
