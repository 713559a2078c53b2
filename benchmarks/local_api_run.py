"""The child process of benchmarks/local_api.py: `python -m benchmarks.local_api_run --out FILE`.
`python -m local`'s own `main` runs in the main thread (it serves until SIGTERM); once its
stack.json is written, a worker thread makes the portal login, loads each case through the
gateway and directly, writes the results to FILE and stops the stack.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import boto3
import requests

from benchmarks.local_api import STARTUP_SECONDS, LoadResult, load_in_process, load_over_http
from devkit.functions import environment, handler_of, import_function_module
from devkit.lambda_context import FakeLambdaContext
from devkit.routes import match_route, routes_of
from devkit.template import Resolver, function_spec, load_template, placeholder_resolver
from devkit.tokens import unverified_claims
from local.__main__ import main as local_main
from local.authorizer import gateway_claims
from local.gateway import IncomingRequest, build_event

PORTAL_EMAIL = "bench.portal@example.com"
PORTAL_PASSWORD = "Bench-Portal-2026"  # noqa: S105 - a moto login made for the run
GRID_ACCOUNT = "49418"  # seeded by the local stack (local/seed.py)
TOKEN_IN_LINK = re.compile(r"#token=([A-Za-z0-9_.\-]+)")


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


def stack_resolver(template: Mapping[str, Any], facts: Mapping[str, Any]) -> Resolver:
    """Names as the running local stack made them (its stack.json), for the direct handler."""
    resolver = placeholder_resolver(template, "local")
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
    claims = gateway_claims(unverified_claims(token))
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="where to write the results (JSON)")
    args = parser.parse_args()

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
