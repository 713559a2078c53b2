"""The local HTTP API under load (`make bench`). In a child process of its own
(`python -m benchmarks.local_api_run`), the local stack is started as `python -m local` starts
it (local/__main__.py: moto server in the process, everything provisioned, every function
hosted, the HTTP API on a free 127.0.0.1 port, demo data seeded), a portal login is made through
the API as a user would (a contact, an invitation from the outbox, accepted, signed in), then
per case:

- gateway: a load generator in its own process (`python -m benchmarks.load_generator`), one
  keep-alive connection, requests one after another, bounded in count and time, against the
  local HTTP API (JWT authorizer, event conversion, the function, DynamoDB calls to the moto
  server);
- direct: the same requests, built by the gateway's own event conversion with the same verified
  claims, handed to the handler in the stack's process, against the same moto server and data.

Both paths reach moto the same way (HTTP to the server thread in that process), so `gateway /
direct` is the gateway's own share (HTTP, authorizer, conversion, client) as a ratio. Only
loopback addresses are used.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.load_generator import timed_loop
from devkit.template import ROOT

MAX_REQUESTS = 2000
MAX_SECONDS = 15.0
WARM_UP = 20
STARTUP_SECONDS = 180  # the child: start, seed, portal login
LOOPBACK = ("127.0.0.1", "localhost")


@dataclass
class Sample:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @classmethod
    def of(cls, result: Mapping[str, Any]) -> Sample:
        """From what `benchmarks.load_generator.timed_loop` answers."""
        return cls(len(result["latencies"]), result["errors"], result["seconds"], result["latencies"])

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else float("nan")

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p99(self) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


@dataclass
class LoadResult:
    route: str
    gateway: Sample
    direct: Sample
    error: str | None = None

    @property
    def p50_ratio(self) -> float:
        return self.gateway.p50 / self.direct.p50

    @property
    def throughput_ratio(self) -> float:
        return self.gateway.requests_per_second / self.direct.requests_per_second


def load_over_http(url: str, path: str, headers: Mapping[str, str]) -> Sample:
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK:
        raise ValueError(f"refusing to load anything but loopback: {url}")
    spec = {
        "host": parts.hostname,
        "port": parts.port or 80,
        "path": path,
        "headers": {**headers, "Connection": "keep-alive"},
        "warm_up": WARM_UP,
        "max_requests": MAX_REQUESTS,
        "max_seconds": MAX_SECONDS,
    }
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.load_generator", json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=MAX_SECONDS + 120,
        check=True,
    )
    result = json.loads(done.stdout)
    return Sample.of(result)


def load_in_process(invoke: Callable[[], int]) -> Sample:
    result = timed_loop(invoke, warm_up=WARM_UP, max_requests=MAX_REQUESTS, max_seconds=MAX_SECONDS)
    return Sample.of(result)


def measure_local_api(
    template: Mapping[str, Any], *, progress: Callable[[str], None] = lambda _: None
) -> list[LoadResult] | str:
    """A result per case (measured in a child process), or why the local stack was not measured."""
    if not (ROOT / "local" / "__main__.py").exists():
        return "no `python -m local` yet"
    with tempfile.TemporaryDirectory(prefix="bench-http-") as directory:
        out, log_path = Path(directory) / "results.json", Path(directory) / "child.log"
        with log_path.open("w", encoding="utf-8") as log_file:
            try:
                subprocess.run(
                    [sys.executable, "-m", "benchmarks.local_api_run", "--out", str(out)],
                    cwd=ROOT,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    timeout=STARTUP_SECONDS + 4 * (MAX_SECONDS + 60),
                    check=False,
                )
            except subprocess.TimeoutExpired:
                return "could not measure: the local stack run timed out"
        if not out.exists():
            tail = log_path.read_text(encoding="utf-8").strip().splitlines()[-3:]
            return "could not measure: " + " / ".join(tail)
        raw = json.loads(out.read_text(encoding="utf-8"))
    if isinstance(raw, str):
        return raw
    for line in raw.get("progress", []):
        progress(line)
    return [
        LoadResult(r["route"], Sample(**r["gateway"]), Sample(**r["direct"]), r.get("error")) for r in raw["results"]
    ]
