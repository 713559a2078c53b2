"""The local HTTP API under load. In a child process of its own (`python -m benchmarks.local_api`),
the local stack is started as `python -m local` starts it (local/__main__.py: moto server in the
process, everything provisioned, every function hosted, the HTTP API on a free 127.0.0.1 port,
demo data seeded), a portal login is made through the API as a user would (a contact, an
invitation from the outbox, accepted, signed in), then per case:

- gateway: a load generator in its own process, one keep-alive connection, requests one after
  another, bounded in count and time, against the local HTTP API (JWT authorizer, event
  conversion, the function, DynamoDB calls to the moto server);
- direct: the same requests, built by the gateway's own event conversion with the same verified
  claims, handed to the handler in the stack's process, against the same moto server and data.

Both paths reach moto the same way (HTTP to the server thread in that process), so `gateway /
direct` is the gateway's own share (HTTP, authorizer, conversion, client) as a ratio. Only
loopback addresses are used.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import requests

from devkit.functions import environment, handler_of, import_function_module
from devkit.lambda_context import FakeLambdaContext
from devkit.template import ROOT, Resolver, function_spec, load_template, parameter_defaults
from local.authorizer import gateway_claims
from local.gateway import IncomingRequest, build_event, match_route, routes_of

MAX_REQUESTS = 2000
MAX_SECONDS = 15.0
WARM_UP = 20
STARTUP_SECONDS = 180  # the child: start, seed, portal login
PORTAL_EMAIL = "bench.portal@example.com"
PORTAL_PASSWORD = "Bench-Portal-2026"  # noqa: S105 - a moto login made for the run
GRID_ACCOUNT = "49418"  # seeded by the local stack (local/seed.py)
TOKEN_IN_LINK = re.compile(r"#token=([A-Za-z0-9_.\-]+)")
LOOPBACK = ("127.0.0.1", "localhost")


@dataclass
class Sample:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

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


# The load generator: a separate process, stdlib only, one keep-alive connection.
LOAD_GENERATOR = """
import http.client, json, sys, time
spec = json.loads(sys.argv[1])
connection = http.client.HTTPConnection(spec["host"], spec["port"], timeout=30)
def one():
    started = time.perf_counter()
    connection.request("GET", spec["path"], headers=spec["headers"])
    response = connection.getresponse()
    response.read()
    return time.perf_counter() - started, response.status
for _ in range(spec["warm_up"]):
    one()
latencies, errors = [], 0
started = time.perf_counter()
while len(latencies) < spec["max_requests"] and time.perf_counter() - started < spec["max_seconds"]:
    seconds, status = one()
    latencies.append(seconds)
    errors += status != 200
print(json.dumps({"latencies": latencies, "errors": errors, "seconds": time.perf_counter() - started}))
"""


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
        [sys.executable, "-c", LOAD_GENERATOR, json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=MAX_SECONDS + 120,
        check=True,
    )
    result = json.loads(done.stdout)
    return Sample(len(result["latencies"]), result["errors"], result["seconds"], result["latencies"])


def load_in_process(invoke: Callable[[], int]) -> Sample:
    for _ in range(WARM_UP):
        invoke()
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    while len(latencies) < MAX_REQUESTS and time.perf_counter() - started < MAX_SECONDS:
        begun = time.perf_counter()
        status = invoke()
        latencies.append(time.perf_counter() - begun)
        errors += status != 200
    return Sample(len(latencies), errors, time.perf_counter() - started, latencies)


# The local stack, in this (child) process: `python -m local`'s own `main` in the main thread
# (it serves until SIGTERM), the cases in a worker thread once its stack.json is written.


def wait_for_stack(stack_json: Path) -> dict[str, Any]:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not stack_json.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"`python -m local` not ready in {STARTUP_SECONDS} s")
        time.sleep(0.2)
    time.sleep(0.2)  # written in one go; let the writer close it
    facts: dict[str, Any] = json.loads(stack_json.read_text(encoding="utf-8"))
    return facts


def portal_login(facts: Mapping[str, Any]) -> str:
    """A portal login on account 49418 made through the API; its access token.

    The contact is created with portal access off (so the stream does not auto-invite it), then
    switched on, then invited by hand: exactly one invitation."""
    api = facts["api_url"]
    staff = {"Authorization": f"Bearer {facts['staff_access_token']}"}

    def call(method: str, path: str, expected: int, **kwargs: Any) -> Any:
        response = requests.request(method, f"{api}{path}", timeout=30, **kwargs)
        if response.status_code != expected:
            raise RuntimeError(f"{method} {path} -> {response.status_code}: {response.text[:200]}")
        return response.json() if response.content else None

    body = {"level": "account", "name": "Bench Portal User", "email": PORTAL_EMAIL, "enable_portal_access": False}
    contact = call("POST", f"/admin/accounts/{GRID_ACCOUNT}/contacts", 201, json=body, headers=staff)
    contact_id = contact["contact_id"]
    headers = {**staff, "If-Match": str(contact["version"])}
    call("PATCH", f"/admin/contacts/{contact_id}", 200, json={"enable_portal_access": True}, headers=headers)
    call("POST", f"/admin/contacts/{contact_id}/invitations", 202, headers=staff)
    outbox = requests.get(facts["outbox_url"], params={"to": PORTAL_EMAIL}, timeout=30).json()["items"]
    match = next((m for item in outbox if (m := TOKEN_IN_LINK.search(item.get("html") or ""))), None)
    if match is None:
        raise RuntimeError(f"no invitation link to {PORTAL_EMAIL} in the outbox")
    call("POST", "/portal/invitations/accept", 200, json={"token": match.group(1), "password": PORTAL_PASSWORD})
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=facts["cognito_endpoint_url"],
        region_name=facts["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto
    )
    result = cognito.initiate_auth(
        ClientId=facts["portal_client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": PORTAL_EMAIL, "PASSWORD": PORTAL_PASSWORD},
    )
    return str(result["AuthenticationResult"]["AccessToken"])


def token_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT the gateway's authorizer accepted (it verified it; here it is read)."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def stack_resolver(template: Mapping[str, Any], facts: Mapping[str, Any]) -> Resolver:
    """Names as the running local stack made them (its stack.json), for the direct handler."""
    resolver = Resolver(parameters=parameter_defaults(template))
    for logical_id in template.get("Resources", {}):
        resolver.physical[logical_id] = f"local-{logical_id}"
        for attribute in ("Arn", "StreamArn", "QueueName", "QueueUrl", "ProviderURL"):
            resolver.attributes[(logical_id, attribute)] = f"arn:aws:local:::{logical_id}/{attribute}"
    resolver.physical.update(facts.get("tables", {}))
    resolver.physical.update(facts.get("queues", {}))
    resolver.physical["PortalUserPool"] = facts["portal_user_pool_id"]
    resolver.physical["StaffUserPool"] = facts["staff_user_pool_id"]
    # The handlers accept only tokens of their own app client (STAFF_CLIENT_ID, PORTAL_CLIENT_ID).
    resolver.physical["StaffUserPoolClient"] = facts["staff_client_id"]
    resolver.physical["PortalUserPoolClient"] = facts["portal_client_id"]
    return resolver


def direct_invoker(template: Mapping[str, Any], facts: Mapping[str, Any], path: str, token: str) -> Callable[[], int]:
    """The handler of the route `path` matches, loaded in this process against the stack's moto,
    invoked with the event the gateway would build for the same request."""
    routes = routes_of(template)
    matched = match_route(routes, "GET", path)
    if matched is None:
        raise RuntimeError(f"no route for GET {path}")
    route, parameters = matched
    spec = function_spec(template, route.function_id, stack_resolver(template, facts))
    claims = gateway_claims(token_claims(token))
    # The stack put its moto endpoint and credentials in this process's environment.
    module = import_function_module(spec, module_prefix="bench_direct_")
    handler = handler_of(spec, module)
    request = IncomingRequest(
        method="GET",
        raw_path=path,
        raw_query="",
        headers=[("host", "127.0.0.1"), ("authorization", f"Bearer {token}")],
        body=b"",
        source_ip="127.0.0.1",
    )

    def invoke() -> int:
        event = build_event(request, route, parameters, claims=claims, request_id=str(uuid.uuid4()))
        event = json.loads(json.dumps(event))  # as Lambda hands it over
        with environment(spec.environment):
            answer = handler(event, FakeLambdaContext(function_name=spec.logical_id))
        json.dumps(answer)
        return int(answer["statusCode"])

    return invoke


def run_cases(
    template: Mapping[str, Any], facts: Mapping[str, Any], progress: Callable[[str], None]
) -> list[LoadResult]:
    if not facts.get("staff_access_token"):
        raise RuntimeError("the local stack started without its staff login (seed)")
    progress(f"local stack ready at {facts['api_url']}")
    portal_token = portal_login(facts)
    cases = [
        ("/portal/me", portal_token),
        (f"/admin/accounts/{GRID_ACCOUNT}/contacts", str(facts["staff_access_token"])),
    ]
    results = []
    routes = routes_of(template)
    for path, token in cases:
        matched = match_route(routes, "GET", path)
        route_key = matched[0].route_key if matched else f"GET {path}"
        progress(f"load: {route_key} through the gateway")
        gateway = load_over_http(facts["api_url"], path, {"Authorization": f"Bearer {token}"})
        progress(f"load: {route_key} to the handler directly")
        direct = load_in_process(direct_invoker(template, facts, path, token))
        results.append(LoadResult(route_key, gateway, direct))
    return results


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
                    [sys.executable, "-m", "benchmarks.local_api", "--out", str(out)],
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="where to write the results (JSON)")
    args = parser.parse_args()
    from local.__main__ import main as local_main

    with tempfile.TemporaryDirectory(prefix="bench-local-") as state_dir:

        def work() -> None:
            lines: list[str] = []
            payload: Any
            try:
                facts = wait_for_stack(Path(state_dir) / "stack.json")
                results = run_cases(load_template(), facts, lines.append)
                payload = {"progress": lines, "results": [asdict(r) for r in results]}
            except Exception as error:  # whatever it is, the stack must stop and say why
                payload = f"could not measure: {type(error).__name__}: {error}"
            args.out.write_text(json.dumps(payload), encoding="utf-8")
            os.kill(os.getpid(), signal.SIGTERM)  # local's main stops on it

        worker = threading.Thread(target=work, name="bench", daemon=True)
        worker.start()
        local_main(["--port", "0", "--state-dir", state_dir])
        worker.join(timeout=30)
    return 0 if args.out.exists() else 1


if __name__ == "__main__":
    raise SystemExit(main())
