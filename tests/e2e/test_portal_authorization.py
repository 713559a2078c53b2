"""The authorization matrix over HTTP: every /portal and /admin route of template.yaml against
every identity, through the stack's gateway (its JWT authorizers) and functions. The logins are
made as customers get them: staff create contacts, the class auto-invites them, they accept
the emailed link, sign in through Cognito and call the API with their access token.

Each run makes its own class, accounts and emails, so it also runs against a deployed stack
(where it needs the local outbox to read the invitation links: it skips without one)."""

from __future__ import annotations

import base64
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from devkit.routes import Route
from devkit.tokens import unverified_claims
from tests.e2e.conftest import Api, Outbox, sign_in
from tests.support.authorization_matrix import (
    ADMITTED,
    GATEWAY_401,
    IDENTITIES,
    MISSING_ID,
    REFUSED_BODY,
    admitted_or_status,
    expected_cell,
    matrix_routes,
    me_cell,
    portal_probes,
    probe_paths,
    table,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

TOKEN_IN_LINK = re.compile(r"[#?&]token=([A-Za-z0-9_.\-]+)")
GATEWAY_REFUSAL = {"message": "Unauthorized"}
PASSWORD = "Matrix-Passw0rd"


@dataclass
class World:
    api: Api
    tokens: dict[str, str | None]
    probes: dict[str, dict[str, dict[str, str]]]
    ids: dict[str, str]
    statuses: dict[str, dict[str, int]] = field(default_factory=dict)

    def cell(self, route: Route, path: str, identity: str) -> str:
        headers = {"If-Match": "999"}
        body = None
        if route.method != "GET":
            headers["Content-Type"] = "application/json"
            body = REFUSED_BODY
        response = self.api.as_user(self.tokens[identity])(route.method, path, headers=headers, data=body)
        self.statuses.setdefault(f"{route.method} {path}", {})[identity] = response.status_code
        if response.status_code == 401 and _json(response) == GATEWAY_REFUSAL:
            return GATEWAY_401
        if route.route_key == "GET /portal/me" and response.status_code == 200:
            return me_cell(response.json())
        if route.route_key in self.probes:
            return str(response.status_code)
        return admitted_or_status(response.status_code)


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _login(staff: Api, outbox: Outbox, cognito: Any, stack: dict[str, Any], contact: dict[str, Any]) -> str:
    """The class auto-invites the new contact: accept the emailed link, sign in, the access token."""
    email = contact["email"]
    emails = outbox.wait_for(email)
    assert emails, f"no invitation for {email}"
    match = TOKEN_IN_LINK.search(emails[0]["text"] or emails[0]["html"])
    assert match, emails[0]
    accepted = staff.as_user(None)(
        "POST", "/portal/invitations/accept", json={"token": match.group(1), "password": PASSWORD}
    )
    assert accepted.status_code == 200, accepted.text
    return sign_in(cognito, stack["portal_client_id"], email, PASSWORD)


@pytest.fixture(scope="module")
def world(stack: dict[str, Any], staff: Api, cognito: Any, outbox: Outbox, template_routes: set[str]) -> World:
    if "GET /portal/me" not in template_routes:
        pytest.skip("the signed-in portal routes are not in template.yaml")
    unique = uuid.uuid4().hex[:8]
    class_id, demo, other = f"mx{unique}", f"mx{unique}a", f"mx{unique}b"
    portal_class = {
        "class_id": class_id,
        "name": "Matrix",
        "enable_portal_access": True,
        "auto_send_portal_invitation": True,
        "enable_viewing_inactive_site": "service_history_only",
    }
    assert staff("POST", "/admin/account-classes", json=portal_class).status_code == 201

    def account(account_id: str, sites: int) -> None:
        body = {"account_id": account_id, "name": f"Matrix {account_id}", "class_id": class_id}
        assert staff("POST", "/admin/accounts", json=body).status_code == 201
        for n in range(1, sites + 1):
            add_site(account_id, n)

    def add_site(account_id: str, n: int) -> None:
        address = {"line1": f"{n} Matrix Way", "city": "Blaine", "state": "MN", "postal_code": "55449"}
        site = {"site_id": f"{account_id}00{n}", "name": f"Yard {n}", "address": address, "status": "active"}
        assert staff("POST", f"/admin/accounts/{account_id}/sites", json=site).status_code == 201

    def contact(account_id: str, name: str, **fields: Any) -> dict[str, Any]:
        body = {"level": "account", "name": name, "email": f"{name}.{unique}@example.com", **fields}
        created = staff("POST", f"/admin/accounts/{account_id}/contacts", json=body)
        assert created.status_code == 201, created.text
        return dict(created.json())

    account(demo, 3)
    account(other, 2)
    made = {
        "all_sites": contact(demo, "allsites"),
        "one_site": contact(demo, "onesite", level="site", site_id=f"{demo}001"),
        "other_account": contact(other, "othermill"),
        "just_disabled": contact(demo, "gone"),
    }
    tokens: dict[str, str | None] = {i: _login(staff, outbox, cognito, stack, c) for i, c in made.items()}
    gone = made["just_disabled"]
    version = staff("GET", f"/admin/contacts/{gone['contact_id']}").json()["version"]
    disabled = staff(
        "PATCH",
        f"/admin/contacts/{gone['contact_id']}",
        json={"enable_portal_access": False},
        headers={"If-Match": str(version)},
    )
    assert disabled.status_code == 200, disabled.text
    with pytest.raises(ClientError, match="disabled"):  # its last enabled contact: the login is off
        sign_in(cognito, stack["portal_client_id"], gone["email"], PASSWORD)
    add_site(demo, 4)  # after every grant
    tokens["anonymous"] = None
    tokens["staff"] = staff.token
    probes = portal_probes(
        demo, (f"{demo}001", f"{demo}002", f"{demo}004", f"{demo}009"), other, (f"{other}001", f"{other}002")
    )
    ids = {"account_id": demo, "site_id": f"{demo}002", "contact_id": MISSING_ID, "class_id": MISSING_ID}
    return World(api=staff.as_user(None), tokens=tokens, probes=probes, ids=ids)


def test_every_route_against_every_identity_over_http(world: World) -> None:
    expected: dict[str, dict[str, str]] = {}
    actual: dict[str, dict[str, str]] = {}
    for route in matrix_routes():
        for path in probe_paths(route, world.probes, world.ids):
            row = f"{route.method} {path}"
            expected[row] = {i: expected_cell(route, path, i, world.probes) for i in IDENTITIES}
            actual[row] = {i: world.cell(route, path, i) for i in IDENTITIES}

    shown = {
        row: {i: f"{ADMITTED} {world.statuses[row][i]}" if c == ADMITTED else c for i, c in cells.items()}
        for row, cells in actual.items()
    }
    print(f"\n{table(shown)}")  # the matrix, for `pytest -s`
    assert actual == expected, f"\nexpected:\n{table(expected)}\n\nactual:\n{table(actual)}"


def test_a_tampered_portal_token_is_refused_at_the_gateway(world: World) -> None:
    """A token whose claims were edited (another login's sub) no longer matches its signature."""
    token = world.tokens["all_sites"]
    assert token
    header, _, signature = token.split(".")
    claims = unverified_claims(token)
    claims["sub"] = "00000000-0000-0000-0000-000000000000"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    forged = f"{header}.{forged_payload}.{signature}"

    response = world.api.as_user(forged)("GET", "/portal/me")

    assert response.status_code == 401
    assert response.json() == GATEWAY_REFUSAL
