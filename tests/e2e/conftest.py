"""End-to-end fixtures: a running stack, reached only over HTTP and Cognito's API.

By default the session starts the local stack as a user would (`python -m local`), on a free
port, writing its stack.json to a temporary folder (so a developer's `make dev` is left alone),
and stops it at the end. With E2E_STACK_JSON=path the tests target that stack instead (a
deployed one: see scripts/stack_json_from_outputs.py); steps that need the local outbox skip
there."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from devkit.routes import routes_of
from devkit.template import ROOT, load_template

STARTUP_SECONDS = 60
# A bound on a SIGTERM's stop (the stack itself takes a few seconds; a loaded CI machine more)
STOP_SECONDS = 45


def _start_local_stack(state_dir: Path, *args: str) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """`python -m local` on a free port, with `args` (e.g. --faults ...); (process, stack.json)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    env["PYTHONUNBUFFERED"] = "1"
    log_path = state_dir / "stack.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local", "--port", "0", "--state-dir", str(state_dir), *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    stack_json = state_dir / "stack.json"
    deadline = time.monotonic() + STARTUP_SECONDS
    while not stack_json.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail(f"the local stack did not start within {STARTUP_SECONDS} s:\n{stack_log_tail(process, 4000)}")
        time.sleep(0.1)
    return process, json.loads(stack_json.read_text(encoding="utf-8"))


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGUSR1)  # every thread's stack, into stack.log (local/__main__.py)
        time.sleep(2)
        process.kill()
        process.wait()
        pytest.fail(f"the local stack did not stop within {STOP_SECONDS} s of SIGTERM:\n{stack_log_tail(process)}")


def stack_log_tail(process: subprocess.Popen[bytes], size: int = 6000) -> str:
    """The end of the log of a stack `_start_local_stack` started (to see why it failed)."""
    args = [str(a) for a in process.args]  # type: ignore[union-attr]
    log_path = Path(args[args.index("--state-dir") + 1]) / "stack.log"
    return log_path.read_text(encoding="utf-8", errors="replace")[-size:]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """stack.json of the stack under test."""
    given = os.environ.get("E2E_STACK_JSON")
    if given:
        yield json.loads(Path(given).read_text(encoding="utf-8"))
        return
    process, facts = _start_local_stack(tmp_path_factory.mktemp("local-stack"))
    yield facts
    assert _stop(process) == 0


def aws_client(stack: dict[str, Any], service: str) -> Any:
    """A client of the stack's AWS: moto's endpoint locally (any credentials), AWS when deployed."""
    make: Any = boto3.client  # typed per literal service name; this takes any
    if stack.get("cognito_endpoint_url"):
        return make(
            service,
            endpoint_url=stack["cognito_endpoint_url"],
            region_name=stack["region"],
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
    return make(service, region_name=stack["region"])


@pytest.fixture(scope="session")
def cognito(stack: dict[str, Any]) -> Any:
    return aws_client(stack, "cognito-idp")


def sign_in(cognito: Any, client_id: str, username: str, password: str) -> str:
    """An access token, as the back-office or the portal gets one (USER_PASSWORD_AUTH)."""
    result = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["AccessToken"])


@dataclass
class Api:
    """The HTTP API, optionally as a signed-in user."""

    base_url: str
    token: str | None = None

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return requests.request(method, f"{self.base_url}{path}", headers=headers, timeout=30, **kwargs)

    def as_user(self, token: str | None) -> Api:
        return Api(self.base_url, token)


@pytest.fixture(scope="session")
def anonymous(stack: dict[str, Any]) -> Api:
    return Api(stack["api_url"].rstrip("/"))


@pytest.fixture(scope="session")
def staff(stack: dict[str, Any], cognito: Any, anonymous: Api) -> Api:
    """The staff API as the stack's staff login (signed in through Cognito)."""
    if not stack.get("staff_username"):
        pytest.skip("stack.json names no staff login")
    return anonymous.as_user(
        sign_in(cognito, stack["staff_client_id"], stack["staff_username"], stack["staff_password"])
    )


@dataclass
class Outbox:
    url: str

    def wait_for(self, to: str, *, count: int = 1, timeout: float = 30) -> list[dict[str, Any]]:
        """The emails sent to `to`, newest first, once there are `count` of them."""
        deadline = time.monotonic() + timeout
        while True:
            items: list[dict[str, Any]] = requests.get(self.url, params={"to": to}, timeout=10).json()["items"]
            if len(items) >= count or time.monotonic() > deadline:
                return items
            time.sleep(0.25)


@pytest.fixture(scope="session")
def outbox(stack: dict[str, Any]) -> Outbox:
    if not stack.get("outbox_url"):
        pytest.skip("this stack has no outbox (a deployed stack sends real email)")
    return Outbox(stack["outbox_url"])


@pytest.fixture(scope="session")
def template_routes() -> set[str]:
    return {route.route_key for route in routes_of(load_template())}


@pytest.fixture(scope="session")
def needs_route(template_routes: set[str]) -> Callable[[str], None]:
    """Skip a step whose route is not in template.yaml yet (another issue adds it)."""

    def check(route_key: str) -> None:
        if route_key not in template_routes:
            pytest.skip(f"{route_key} is not in template.yaml yet")

    return check


@pytest.fixture
def unique() -> str:
    """A suffix that keeps this run's data apart from earlier runs (a deployed stack keeps data)."""
    return uuid.uuid4().hex[:8]


class LocalStack:
    """What only the local stack offers: its DynamoDB (to move time) and its scheduler."""

    def __init__(self, facts: dict[str, Any]) -> None:
        self._facts = facts
        self._dynamodb = boto3.client(
            "dynamodb",
            endpoint_url=facts["aws_endpoint_url"],
            region_name=facts["region"],
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def expire_in(self, invitation_id: str, delta: timedelta) -> None:
        """Move the invitation's expiry to now + delta (negative: it expired)."""
        moment = (datetime.now(UTC) + delta).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self._dynamodb.update_item(
            TableName=self._facts["tables"]["InvitationsTable"],
            Key={"invitation_id": {"S": invitation_id}},
            UpdateExpression="SET expires_at = :at, expiry_day = :day",
            ExpressionAttributeValues={":at": {"S": moment}, ":day": {"S": moment[:10]}},
        )

    def run_hourly_job(self) -> dict[str, Any]:
        answer = requests.post(self._facts["schedules_url"], params={"function": "InvitationJobsFunction"}, timeout=30)
        assert answer.status_code == 200, answer.text
        return dict(answer.json()["fired"]["InvitationJobsFunction.Hourly"])


@pytest.fixture(scope="module")
def local(stack: dict[str, Any]) -> LocalStack:
    if not stack.get("schedules_url") or not stack.get("aws_endpoint_url"):
        pytest.skip("moving an invitation's expiry needs the local stack")
    return LocalStack(stack)
