"""Schemathesis against the local stack: requests generated from docs/openapi.json (valid and
invalid ones), each answer checked against the same document. No 5xx, no status the document
does not declare for the route, and bodies and content types as declared.

Bounded: `MAX_EXAMPLES` per operation (valid and invalid ones mixed), no shrinking, a fixed
seed (derandomized), so it runs in about a minute and the same way each time. The stack is its
own (the fuzzing changes the options, classes and templates other e2e tests rely on). The
figures are written to `schemathesis.json` in the stack's state folder and printed.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.e2e.conftest import _start_local_stack, _stop, aws_client, sign_in

OPENAPI_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
MAX_EXAMPLES = 40
TOKEN_IN_LINK = re.compile(r"[#?&]token=([A-Za-z0-9_.\-]+)")
PORTAL_EMAIL = "fuzz.portal@example.com"
PORTAL_PASSWORD = "Fuzz-Portal-2026"

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("schemathesis")]

schema = schemathesis.openapi.from_path(str(OPENAPI_PATH))
OPERATIONS: list[Any] = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
FIGURES: dict[str, Any] = {
    "operations": set(),
    "cases": 0,
    "other_methods": 0,
    "server_errors": [],
    "undocumented": [],
    "statuses": Counter(),
}


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    state_dir = tmp_path_factory.mktemp("fuzz-stack")
    process, facts = _start_local_stack(state_dir)
    facts["state_dir"] = str(state_dir)
    yield facts
    assert _stop(process) == 0


def _portal_token(stack: dict[str, Any], staff_token: str) -> str:
    """A portal login of the seeded account 49418: invited on creation, accepted, signed in."""
    api = stack["api_url"].rstrip("/")
    headers = {"Authorization": f"Bearer {staff_token}"}
    created = requests.post(
        f"{api}/admin/accounts/49418/contacts",
        json={"level": "account", "name": "Fuzz Portal", "email": PORTAL_EMAIL},
        headers=headers,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    for _ in range(120):
        items = requests.get(stack["outbox_url"], params={"to": PORTAL_EMAIL}, timeout=10).json()["items"]
        if items:
            break
        requests.get(f"{api}/portal/login-config", timeout=10)  # let the poller run
        time.sleep(0.25)
    match = TOKEN_IN_LINK.search(items[0]["text"] or items[0]["html"])
    assert match, items
    accepted = requests.post(
        f"{api}/portal/invitations/accept", json={"token": match.group(1), "password": PORTAL_PASSWORD}, timeout=30
    )
    assert accepted.status_code == 200, accepted.text
    return sign_in(aws_client(stack, "cognito-idp"), stack["portal_client_id"], PORTAL_EMAIL, PORTAL_PASSWORD)


@pytest.fixture(scope="module")
def tokens(fuzz_stack: dict[str, Any]) -> dict[str, str]:
    staff_token = str(fuzz_stack["staff_access_token"])
    return {"staff": staff_token, "portal": _portal_token(fuzz_stack, staff_token)}


def _authorization(path: str, tokens: dict[str, str]) -> dict[str, str]:
    if path.startswith("/admin/"):
        return {"Authorization": f"Bearer {tokens['staff']}"}
    if path.startswith(("/portal/me", "/portal/accounts/")):
        return {"Authorization": f"Bearer {tokens['portal']}"}
    return {}


def _check(case: Any, stack: dict[str, Any], tokens: dict[str, str]) -> None:
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    headers = {**(case.headers or {}), **_authorization(case.path, tokens)}
    response = case.call(base_url=stack["api_url"].rstrip("/"), headers=headers)
    status = response.status_code
    FIGURES["operations"].add(operation)
    FIGURES["cases"] += 1
    if status >= 500:
        FIGURES["server_errors"].append(f"{operation} -> {status}: {response.text[:300]}")
    assert status < 500, f"{operation} -> {status}: {response.text[:500]}"
    if case.method.upper() != case.operation.method.upper():
        # A method the path does not route: the gateway's 404, as API Gateway answers.
        assert status == 404, f"{operation} as {case.method} -> {status}"
        FIGURES["other_methods"] += 1
        return
    FIGURES["statuses"][f"{operation} {status}"] += 1
    declared = set(case.operation.definition.raw.get("responses", {}))
    if str(status) not in declared:
        FIGURES["undocumented"].append(f"{operation} -> {status}: {response.text[:300]}")
    assert str(status) in declared, f"{operation} -> {status} is not declared: {response.text[:500]}"
    case.validate_response(response, checks=[content_type_conformance, response_schema_conformance])


def _fuzz(operation: Any, stack: dict[str, Any], tokens: dict[str, str]) -> None:
    """Valid and invalid requests of one operation; the first failing one raises."""
    cases = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=MAX_EXAMPLES,
        phases=[Phase.explicit, Phase.generate],
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def run(case: Any) -> None:
        _check(case, stack, tokens)

    run()


def test_no_server_error_and_no_undocumented_status(fuzz_stack: dict[str, Any], tokens: dict[str, str]) -> None:
    """Every operation of the document, in one test (one stack, one worker); the figures are
    printed and kept, and every operation's first failure is reported."""
    failures: dict[str, str] = {}
    for operation in OPERATIONS:
        try:
            _fuzz(operation, fuzz_stack, tokens)
        except Exception as error:
            failures[operation.label] = str(error)[:1000]
    figures = {
        "operations": len(FIGURES["operations"]),
        "cases": FIGURES["cases"],
        "cases_with_a_method_the_path_does_not_route": FIGURES["other_methods"],
        "server_errors": len(FIGURES["server_errors"]),
        "undocumented_statuses": len(FIGURES["undocumented"]),
        "failing_operations": failures,
        "statuses": dict(sorted(FIGURES["statuses"].items())),
    }
    Path(fuzz_stack["state_dir"], "schemathesis.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"\nschemathesis: {json.dumps({k: v for k, v in figures.items() if k != 'statuses'})}")
    assert not failures, json.dumps(failures, indent=2)
    assert (
        figures["operations"]
        == len(OPERATIONS)
        == sum(len(ops) for ops in json.loads(OPENAPI_PATH.read_text())["paths"].values())
    )
    assert figures["server_errors"] == 0
    assert figures["undocumented_statuses"] == 0
