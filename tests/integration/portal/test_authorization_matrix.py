"""Who may call what: every /portal and /admin route of template.yaml (read from the template,
so a route added later is in the matrix at once) against every identity.

A cell is decided in two steps, as in the deployed API:

1. the gateway: the route's JWT authorizer in template.yaml (the staff pool for /admin, the
   portal pool for signed-in /portal routes, none for the login page's public routes). A
   request without a token of that pool is 401 there; this part is asserted from the template's
   Auth settings (the local stack's gateway, tests/e2e, runs the same matrix over HTTP);
2. the function, invoked in-process with the verified claims the gateway hands over: 401 with
   no claims at all, and for a signed-in portal login exactly what its contacts grant, 404 for
   anything else. Staff and public routes must admit whoever the gateway let through.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from local.gateway import Route, routes_of
from local.template import load_template
from tests.conftest import Function, call
from tests.integration.portal.conftest import Login, PortalWorld, site_body
from tests.support.events import STAFF_CLAIMS, http_event

IDENTITIES = ("anonymous", "staff", "all_sites", "one_site", "other_account", "just_disabled")
POOL_OF = {
    "anonymous": None,
    "staff": "StaffAuthorizer",
    "all_sites": "PortalAuthorizer",
    "one_site": "PortalAuthorizer",
    "other_account": "PortalAuthorizer",
    "just_disabled": "PortalAuthorizer",  # its token was issued before: valid until it expires
}
# The contract's public /portal routes (the login page); every other /portal route is signed in.
PUBLIC_PORTAL_ROUTES = {
    "GET /portal/login-config",
    "POST /portal/self-registrations",
    "POST /portal/invitations/accept",
    "POST /portal/access-requests",
}
ADMITTED = "admitted"  # the function answered, and not 401/403/5xx: it did not refuse the identity
GATEWAY_401 = "401 gateway"

ROUTES = [r for r in routes_of(load_template()) if r.path.startswith(("/portal/", "/admin/"))]


def _order(route: Route) -> int:
    """Signed-in portal rows first: a staff probe that writes (it may) cannot change them."""
    return {"PortalAuthorizer": 0, None: 1}.get(route.authorizer, 2)


# Signed-in portal requests whose answer depends on the login, and what each identity gets.
# "me" cells name the accounts seen and how many sites each shows.
PORTAL_PROBES: dict[str, dict[str, dict[str, str]]] = {
    "GET /portal/me": {
        "/portal/me": {
            "all_sites": "200 49418:4",  # 49418004 was added after the grant
            "one_site": "200 49418:1",
            "other_account": "200 21638:2",
            "just_disabled": "200 -",
        },
    },
    "GET /portal/accounts/{account_id}/sites/{site_id}": {
        "/portal/accounts/49418/sites/49418001": {
            "all_sites": "200",
            "one_site": "200",
            "other_account": "404",
            "just_disabled": "404",
        },
        "/portal/accounts/49418/sites/49418002": {
            "all_sites": "200",
            "one_site": "404",
            "other_account": "404",
            "just_disabled": "404",
        },
        "/portal/accounts/49418/sites/49418004": {  # added after the grants
            "all_sites": "200",
            "one_site": "404",
            "other_account": "404",
            "just_disabled": "404",
        },
        "/portal/accounts/21638/sites/21638001": {
            "all_sites": "404",
            "one_site": "404",
            "other_account": "200",
            "just_disabled": "404",
        },
        "/portal/accounts/49418/sites/49418999": {
            "all_sites": "404",
            "one_site": "404",
            "other_account": "404",
            "just_disabled": "404",
        },
    },
}


def test_the_template_guards_every_route_with_the_right_pool(template):
    """The gateway's half of the matrix: which authorizer guards which route."""
    api = template["Resources"]["HttpApi"]["Properties"]["Auth"]
    assert api["DefaultAuthorizer"] == "StaffAuthorizer"  # a route that names none is staff-only
    staff, portal = api["Authorizers"]["StaffAuthorizer"], api["Authorizers"]["PortalAuthorizer"]
    for authorizer, pool, client in (
        (staff, "StaffUserPool", "StaffUserPoolClient"),
        (portal, "PortalUserPool", "PortalUserPoolClient"),
    ):
        assert authorizer["IdentitySource"] == "$request.header.Authorization"
        assert pool in authorizer["JwtConfiguration"]["issuer"]["Fn::Sub"]
        assert authorizer["JwtConfiguration"]["audience"] == [{"Ref": client}]
    assert ROUTES
    for route in ROUTES:
        if route.path.startswith("/admin/"):
            assert route.authorizer == "StaffAuthorizer", route.route_key
        elif route.route_key in PUBLIC_PORTAL_ROUTES:
            assert route.authorizer is None, route.route_key
        else:
            assert route.authorizer == "PortalAuthorizer", f"{route.route_key} must be behind the portal pool"
    signed_in = {r.route_key for r in ROUTES if r.authorizer == "PortalAuthorizer"}
    assert set(PORTAL_PROBES) <= signed_in


def gateway_admits(route: Route, identity: str) -> bool:
    """A JWT authorizer lets through only a valid token of its own pool; a public route, anyone."""
    return route.authorizer is None or POOL_OF[identity] == route.authorizer


@dataclass
class Matrix:
    world: PortalWorld
    functions: Callable[[str], Function]
    claims: dict[str, dict[str, Any] | None]
    ids: dict[str, str]
    statuses: dict[str, dict[str, int]] = field(default_factory=dict)
    public_rows: set[str] = field(default_factory=set)

    def probes(self, route: Route) -> list[str]:
        known = PORTAL_PROBES.get(route.route_key)
        if known:
            return list(known)
        return [re.sub(r"\{([^}]+)\}", lambda m: self.ids.get(m.group(1), "x1"), route.path)]

    def expected(self, route: Route, path: str, identity: str) -> str:
        if not gateway_admits(route, identity):
            return GATEWAY_401
        known = PORTAL_PROBES.get(route.route_key)
        if known and identity in known[path]:
            return known[path][identity]
        return ADMITTED

    def actual(self, route: Route, path: str, identity: str) -> str:
        if not gateway_admits(route, identity):
            # Asserted from the template; the function refuses an event without claims as well.
            if identity == "anonymous":
                answer = self._invoke(route, path, None)
                assert answer.status == 401, f"{route.route_key}: the function let in an event without claims"
            return GATEWAY_401
        answer = self._invoke(route, path, self.claims[identity])
        row = f"{route.method} {path}"
        self.statuses.setdefault(row, {})[identity] = answer.status
        if route.authorizer is None:
            self.public_rows.add(row)
        if route.route_key in PORTAL_PROBES:
            if route.route_key == "GET /portal/me" and answer.status == 200:
                seen = [f"{a['account_id']}:{len(a['sites'])}" for a in answer.body["accounts"]]
                return f"200 {','.join(seen) or '-'}"
            return str(answer.status)
        refused = answer.status in (401, 403) or answer.status >= 500
        return f"{answer.status} (refused)" if refused else ADMITTED

    def _invoke(self, route: Route, path: str, claims: dict[str, Any] | None) -> Any:
        # An empty body and a stale If-Match: staff routes that write refuse the input, never the caller.
        event = http_event(route.method, path, body={}, claims=claims, headers={"If-Match": "999"})
        return call(self.functions(route.function_id), event)


@pytest.fixture
def matrix(world: PortalWorld, the_mill, load_function) -> Matrix:
    """49418 (three sites) and 21638 (two sites), and the identities of the matrix."""
    all_sites = world.link(world.new_contact("49418", email="all.sites@example.com"))
    one_site = world.link(world.new_contact("49418", email="one.site@example.com", level="site", site_id="49418001"))
    other = world.link(world.new_contact("21638", email="the.mill@example.com"))
    gone_contact = world.new_contact("49418", email="gone@example.com")
    gone: Login = world.link(gone_contact)
    path = f"/admin/contacts/{gone_contact['contact_id']}"
    disabled = world.staff("PATCH", path, body={"enable_portal_access": False}, headers={"If-Match": "2"})
    assert disabled.status == 200, disabled.body
    assert world.pool.user("gone@example.com")["Enabled"] is False
    assert (
        world.staff("POST", "/admin/accounts/49418/sites", body=site_body("49418004", "New", "4 New St")).status == 201
    )

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
    spare = world.new_contact("49418", email="spare@example.com")  # staff probes may edit or unlink it
    ids = {
        "account_id": "49418",
        "site_id": "49418002",
        "contact_id": spare["contact_id"],
        "class_id": "MATRIX",
        "name": "Portal%20Invite%20%28All%20Divisions%29",
    }
    return Matrix(world=world, functions=function, claims=claims, ids=ids)


def _table(rows: dict[str, dict[str, str]]) -> str:
    width = max(len(r) for r in rows)
    header = " | ".join(f"{i:>14}" for i in IDENTITIES)
    lines = [f"{'':<{width}} | {header}"]
    lines += [f"{r:<{width}} | " + " | ".join(f"{cells[i]:>14}" for i in IDENTITIES) for r, cells in rows.items()]
    return "\n".join(lines)


def test_every_route_against_every_identity(matrix):
    expected: dict[str, dict[str, str]] = {}
    actual: dict[str, dict[str, str]] = {}
    for route in sorted(ROUTES, key=_order):
        for path in matrix.probes(route):
            row = f"{route.method} {path}"
            expected[row] = {i: matrix.expected(route, path, i) for i in IDENTITIES}
            actual[row] = {i: matrix.actual(route, path, i) for i in IDENTITIES}

    shown = {
        row: {i: f"{ADMITTED} {matrix.statuses[row][i]}" if c == ADMITTED else c for i, c in cells.items()}
        for row, cells in actual.items()
    }
    print(f"\n{_table(shown)}")  # the matrix, for `pytest -s`
    assert actual == expected, f"\nexpected:\n{_table(expected)}\n\nactual:\n{_table(actual)}"
    for row, statuses in matrix.statuses.items():  # a public route answers everyone alike
        if row in matrix.public_rows:
            assert len(set(statuses.values())) == 1, f"{row}: {statuses}"
