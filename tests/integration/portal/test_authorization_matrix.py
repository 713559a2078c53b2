"""Who may call what: every /portal and /admin route of template.yaml (read from the template,
so a route added later is in the matrix at once) against every identity.

A cell is decided in two steps, as in the deployed API:

1. the gateway: the route's JWT authorizer in template.yaml (the staff pool for /admin, the
   portal pool for signed-in /portal routes, none for the login page's public routes). A
   request without a valid token of that pool is 401 there; here that part is asserted from
   the template's Auth settings (tests/e2e runs the same matrix over HTTP through the local
   stack's gateway);
2. the function, invoked in-process with the verified claims the gateway hands over: 401 with
   no claims at all; for a signed-in portal login exactly what its contacts grant, 404 for
   anything else; staff and public routes admit whoever the gateway let through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from devkit.events import STAFF_CLAIMS, http_event
from devkit.routes import Route
from tests.conftest import Function, call
from tests.integration.portal.conftest import PortalWorld, site_body
from tests.support.authorization_matrix import (
    ADMITTED,
    GATEWAY_401,
    IDENTITIES,
    PUBLIC_PORTAL_ROUTES,
    REFUSED_BODY,
    admitted_or_status,
    expected_cell,
    gateway_admits,
    matrix_routes,
    me_cell,
    portal_probes,
    probe_paths,
    table,
)

ROUTES = matrix_routes()
PROBES = portal_probes("49418", ("49418001", "49418002", "49418004", "49418999"), "21638", ("21638001", "21638002"))


def test_the_template_guards_every_route_with_the_right_pool(template):
    """The gateway's half of the matrix: which authorizer guards which route, and what it trusts."""
    auth = template["Resources"]["HttpApi"]["Properties"]["Auth"]
    assert auth["DefaultAuthorizer"] == "StaffAuthorizer"  # a route that names none is staff-only
    for name, pool, client in (
        ("StaffAuthorizer", "StaffUserPool", "StaffUserPoolClient"),
        ("PortalAuthorizer", "PortalUserPool", "PortalUserPoolClient"),
    ):
        authorizer = auth["Authorizers"][name]
        assert authorizer["IdentitySource"] == "$request.header.Authorization"
        assert authorizer["JwtConfiguration"]["issuer"]["Fn::Sub"].endswith(f"/${{{pool}}}")
        assert authorizer["JwtConfiguration"]["audience"] == [{"Ref": client}]
    assert ROUTES
    for route in ROUTES:
        if route.path.startswith("/admin/"):
            assert route.authorizer == "StaffAuthorizer", route.route_key
        elif route.route_key in PUBLIC_PORTAL_ROUTES:
            assert route.authorizer is None, route.route_key
        else:
            assert route.authorizer == "PortalAuthorizer", f"{route.route_key} must be behind the portal pool"
    assert set(PROBES) <= {r.route_key for r in ROUTES if r.authorizer == "PortalAuthorizer"}


@dataclass
class Matrix:
    functions: Callable[[str], Function]
    claims: dict[str, dict[str, Any] | None]
    ids: dict[str, str]
    statuses: dict[str, dict[str, int]] = field(default_factory=dict)

    def cell(self, route: Route, path: str, identity: str) -> str:
        if not gateway_admits(route, identity):
            if identity == "anonymous":  # the function refuses an event without claims as well
                answer = self._invoke(route, path, None)
                assert answer.status == 401, f"{route.route_key}: the function let in an event without claims"
            return GATEWAY_401
        answer = self._invoke(route, path, self.claims[identity])
        self.statuses.setdefault(f"{route.method} {path}", {})[identity] = answer.status
        if route.route_key == "GET /portal/me" and answer.status == 200:
            return me_cell(answer.body)
        if route.route_key in PROBES:
            return str(answer.status)
        return admitted_or_status(answer.status)

    def _invoke(self, route: Route, path: str, claims: dict[str, Any] | None) -> Any:
        event = http_event(route.method, path, raw_body=REFUSED_BODY, claims=claims, headers={"If-Match": "999"})
        return call(self.functions(route.function_id), event)


@pytest.fixture
def matrix(world: PortalWorld, the_mill, load_function) -> Matrix:
    """49418 (three sites, and 49418004 added after the grants), 21638 (two sites), and the
    identities: an all-sites login and a one-site login on 49418, a login of 21638, and a
    login of 49418 whose contact's portal access was disabled after it signed in."""
    all_sites = world.link(world.new_contact("49418", email="all.sites@example.com"))
    one_site = world.link(world.new_contact("49418", email="one.site@example.com", level="site", site_id="49418001"))
    other = world.link(world.new_contact("21638", email="the.mill@example.com"))
    gone_contact = world.new_contact("49418", email="gone@example.com")
    gone = world.link(gone_contact)
    path = f"/admin/contacts/{gone_contact['contact_id']}"
    disabled = world.staff("PATCH", path, body={"enable_portal_access": False}, headers={"If-Match": "2"})
    assert disabled.status == 200, disabled.body
    assert world.pool.user("gone@example.com")["Enabled"] is False
    added = world.staff("POST", "/admin/accounts/49418/sites", body=site_body("49418004", "North", "4 New St"))
    assert added.status == 201

    loaded: dict[str, Function] = {}

    def function(logical_id: str) -> Function:
        if logical_id not in loaded:
            loaded[logical_id] = load_function(logical_id)
        return loaded[logical_id]

    claims: dict[str, dict[str, Any] | None] = {
        "anonymous": None,
        "staff": STAFF_CLAIMS,
        "all_sites": all_sites.claims,
        "one_site": one_site.claims,
        "other_account": other.claims,
        "just_disabled": gone.claims,
    }
    spare = world.new_contact("49418", email="spare@example.com")  # DELETE unlinks it, after the portal rows
    ids = {"account_id": "49418", "site_id": "49418002", "contact_id": spare["contact_id"], "class_id": "COMM"}
    return Matrix(functions=function, claims=claims, ids=ids)


def test_every_route_against_every_identity(matrix):
    expected: dict[str, dict[str, str]] = {}
    actual: dict[str, dict[str, str]] = {}
    for route in ROUTES:
        for path in probe_paths(route, PROBES, matrix.ids):
            row = f"{route.method} {path}"
            expected[row] = {i: expected_cell(route, path, i, PROBES) for i in IDENTITIES}
            actual[row] = {i: matrix.cell(route, path, i) for i in IDENTITIES}

    shown = {
        row: {i: f"{ADMITTED} {matrix.statuses[row][i]}" if c == ADMITTED else c for i, c in cells.items()}
        for row, cells in actual.items()
    }
    print(f"\n{table(shown)}")  # the matrix, for `pytest -s`
    assert actual == expected, f"\nexpected:\n{table(expected)}\n\nactual:\n{table(actual)}"
    for route in ROUTES:  # a public route answers everyone alike
        if route.authorizer is None:
            for path in probe_paths(route, PROBES, matrix.ids):
                statuses = matrix.statuses[f"{route.method} {path}"]
                assert len(set(statuses.values())) == 1, f"{route.route_key}: {statuses}"
