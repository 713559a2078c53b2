"""The load generator of benchmarks/local_api.py, in a process of its own, standard library only:
`python -m benchmarks.load_generator '<spec as JSON>'` sends GET requests one after another over
one keep-alive connection (a warm-up first, then up to `max_requests` or `max_seconds`) and
prints the latencies, the non-200 count and the seconds taken as one JSON line."""

from __future__ import annotations

import http.client
import json
import sys
import time
from collections.abc import Callable
from typing import Any


def timed_loop(request: Callable[[], int], *, warm_up: int, max_requests: int, max_seconds: float) -> dict[str, Any]:
    """`warm_up` requests, then one after another until `max_requests` or `max_seconds`; each
    request answers its HTTP status (200 is success)."""
    for _ in range(warm_up):
        request()
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    while len(latencies) < max_requests and time.perf_counter() - started < max_seconds:
        begun = time.perf_counter()
        status = request()
        latencies.append(time.perf_counter() - begun)
        errors += status != 200
    return {"latencies": latencies, "errors": errors, "seconds": time.perf_counter() - started}


def run(spec: dict[str, Any]) -> dict[str, Any]:
    connection = http.client.HTTPConnection(spec["host"], spec["port"], timeout=30)

    def one() -> int:
        connection.request("GET", spec["path"], headers=spec["headers"])
        response = connection.getresponse()
        response.read()
        return response.status

    return timed_loop(one, warm_up=spec["warm_up"], max_requests=spec["max_requests"], max_seconds=spec["max_seconds"])


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
