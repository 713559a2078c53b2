"""Staff routes refuse anyone without a verified staff identity, at the gateway and in the handler."""

from __future__ import annotations

import re

import pytest

from devkit.events import PORTAL_CLIENT_ID, STAFF_CLAIMS, http_event
from devkit.routes import routes_of
from devkit.template import load_template
from tests.conftest import call

STAFF_ROUTES = sorted((r.method, r.path) for r in routes_of(load_template()) if r.path.startswith("/admin/"))


def test_every_admin_route_is_behind_the_staff_authorizer(template):
    assert STAFF_ROUTES
    for route in routes_of(template):
        if route.path.startswith("/admin/"):
            assert route.authorizer == "StaffAuthorizer", f"{route.route_key} is not guarded by the staff pool"
    api = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::HttpApi")
    jwt = api["Properties"]["Auth"]["Authorizers"]["StaffAuthorizer"]
    assert jwt["IdentitySource"] == "$request.header.Authorization"
    assert jwt["JwtConfiguration"]["audience"] == [{"Ref": "StaffUserPoolClient"}]


def _contacts_function_routes(template):
    events = template["Resources"]["ContactsFunction"]["Properties"]["Events"]
    return [(e["Properties"]["Method"], e["Properties"]["Path"]) for e in events.values()]


@pytest.mark.parametrize("route", _contacts_function_routes(load_template()), ids=lambda r: f"{r[0]} {r[1]}")
def test_handler_refuses_an_event_without_identity(contacts_function, route):
    method, path_template = route
    path = re.sub(r"\{[^}]+\}", "x1", path_template)
    response = call(contacts_function, http_event(method, path, body={}, claims=None, headers={"If-Match": "1"}))
    assert response.status == 401
    assert response.body["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(
    "claims",
    [
        {**STAFF_CLAIMS, "client_id": PORTAL_CLIENT_ID},
        {**STAFF_CLAIMS, "token_use": "id"},
        {key: value for key, value in STAFF_CLAIMS.items() if key != "client_id"},
    ],
    ids=["portal app client", "id token", "no client id"],
)
def test_handler_refuses_a_token_that_is_not_a_staff_access_token(contacts_function, demo_account, claims):
    """Defence in depth behind the gateway: a misrouted portal token never reaches a staff route."""
    response = call(contacts_function, http_event("GET", "/admin/accounts/49418", claims=claims))
    assert response.status == 401
    assert call(contacts_function, http_event("GET", "/admin/accounts/49418")).status == 200
