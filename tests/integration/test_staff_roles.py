"""Every staff route of template.yaml, invoked in-process for every staff role and for a staff
login in no group: 403 `forbidden` exactly where the matrix (`api/staff_roles.py`) says so,
before the route runs; anywhere else the route itself answers (a probe body no route takes and
ids that do not exist, so nothing is written)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from devkit.events import STAFF_CLAIMS, http_event
from devkit.routes import routes_of
from devkit.template import load_template
from portal_access.api.staff_roles import STAFF_ROUTES, StaffRole
from tests.conftest import Function, call
from tests.support.authorization_matrix import MISSING_ID, REFUSED_BODY

STAFF_ROUTES_OF_TEMPLATE = [r for r in routes_of(load_template()) if r.authorizer == "StaffAuthorizer"]
NO_GROUP = "(no group)"
IDENTITIES = [*(role.value for role in StaffRole), NO_GROUP]


def claims_of(identity: str) -> dict[str, Any]:
    claims = {k: v for k, v in STAFF_CLAIMS.items() if k != "cognito:groups"}
    if identity != NO_GROUP:
        claims["cognito:groups"] = f"[{identity}]"
    return claims


def test_every_staff_route_for_every_role(load_function):
    loaded: dict[str, Function] = {}
    expected: dict[str, dict[str, str]] = {}
    actual: dict[str, dict[str, str]] = {}
    for route in STAFF_ROUTES_OF_TEMPLATE:
        assert route.route_key in STAFF_ROUTES, f"{route.route_key} has no row in the staff role matrix"
        function = loaded.setdefault(route.function_id, load_function(route.function_id))
        path = re.sub(r"\{[^}]+\}", MISSING_ID, route.path)
        allowed = STAFF_ROUTES[route.route_key]
        expected[route.route_key] = {i: "allowed" if i in allowed else "403" for i in IDENTITIES}
        row = actual[route.route_key] = {}
        for identity in IDENTITIES:
            event = http_event(route.method, path, raw_body=REFUSED_BODY, claims=claims_of(identity))
            event["routeKey"] = event["requestContext"]["routeKey"] = route.route_key
            answer = call(function, event)
            assert answer.status < 500, f"{route.route_key} as {identity}: {answer.status} {answer.body}"
            if answer.status == 403:
                assert answer.body["error"]["code"] == "forbidden", answer.body
                row[identity] = "403"
            else:
                row[identity] = "allowed"
    assert actual == expected


@pytest.mark.parametrize("identity", ["auditors", NO_GROUP])
def test_a_refused_change_writes_nothing(staff, identity):
    """The refusal comes before the route: the class is not created."""
    body = {"class_id": "RESI", "name": "Residential", "enable_portal_access": True}
    refused = staff("POST", "/admin/account-classes", body=body, claims=claims_of(identity))
    assert refused.status == 403
    assert refused.body["error"] == {
        "code": "forbidden",
        "message": "your staff role may not use POST /admin/account-classes: ask a portal admin",
        "field": "Authorization",
    }
    assert staff("GET", "/admin/account-classes/RESI").status == 404
    assert staff("POST", "/admin/account-classes", body=body).status == 201  # the admin may
