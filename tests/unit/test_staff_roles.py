"""The staff role matrix (`portal_access/api/staff_roles.py`): one row per staff route of
template.yaml, deny by default, and the groups read from the claims in both shapes they come in."""

from __future__ import annotations

import pytest

from devkit.routes import routes_of
from devkit.template import ROOT, load_template
from portal_access.api.staff_roles import STAFF_ROUTES, StaffRole, groups_of, may_use

STAFF_ROUTE_KEYS = sorted(r.route_key for r in routes_of(load_template()) if r.authorizer == "StaffAuthorizer")


def test_every_staff_route_of_the_template_has_a_row():
    assert STAFF_ROUTE_KEYS
    missing = [key for key in STAFF_ROUTE_KEYS if key not in STAFF_ROUTES]
    assert not missing, f"staff routes without a row in STAFF_ROUTES (api/staff_roles.py): {missing}"


def test_admins_may_use_every_route_and_auditors_only_reads_and_previews():
    for route_key, roles in STAFF_ROUTES.items():
        assert StaffRole.ADMIN in roles, route_key
        method = route_key.split()[0]
        reads = method == "GET" or route_key.endswith("/preview")
        assert (StaffRole.AUDITOR in roles) == reads, route_key


@pytest.mark.parametrize(
    "route_key",
    [
        "POST /admin/account-classes",
        "PUT /admin/account-classes/{class_id}",
        "PUT /admin/system-options/customer-portal",
        "PUT /admin/email-templates/{name}",
    ],
)
def test_customer_service_may_not_change_the_setup(route_key):
    assert not may_use(route_key, frozenset({"customer-service"}))
    assert may_use(route_key, frozenset({"portal-admins"}))


@pytest.mark.parametrize(
    "route_key",
    [
        "POST /admin/accounts/{account_id}/contacts",
        "PATCH /admin/contacts/{contact_id}",
        "PUT /admin/contacts/{contact_id}/portal-access",
        "POST /admin/contacts/{contact_id}/invitations",
        "POST /admin/invitation-batches",
        "DELETE /admin/invitation-batches/{batch_id}",
        "GET /admin/system-options/customer-portal",
        "GET /admin/access-requests",
    ],
)
def test_customer_service_works_contacts_invitations_and_requests(route_key):
    assert may_use(route_key, frozenset({"customer-service"}))


def test_deny_by_default():
    assert not may_use("GET /admin/contacts/{contact_id}", frozenset())  # no group
    assert not may_use("GET /admin/contacts/{contact_id}", frozenset({"someone-else"}))
    assert not may_use("GET /admin/not-in-the-table", frozenset({"portal-admins"}))
    assert not may_use("", frozenset({"portal-admins"}))


@pytest.mark.parametrize(
    ("claim", "groups"),
    [
        (["auditors", "customer-service"], {"auditors", "customer-service"}),  # the token itself
        ("[auditors customer-service]", {"auditors", "customer-service"}),  # the HTTP API's rendering
        ("[portal-admins]", {"portal-admins"}),
        ("auditors", {"auditors"}),
        ("[]", set()),
        (None, set()),
        (7, set()),
    ],
)
def test_groups_from_the_claims(claim, groups):
    claims = {"sub": "s"} if claim is None else {"sub": "s", "cognito:groups": claim}
    assert groups_of(claims) == groups


def test_a_login_in_several_groups_gets_the_union():
    both = groups_of({"cognito:groups": "[auditors customer-service]"})
    assert may_use("POST /admin/contacts/{contact_id}/invitations", both)
    assert not may_use("PUT /admin/email-templates/{name}", both)


def test_the_documented_table_is_the_one_in_code():
    text = (ROOT / "docs" / "staff-roles.md").read_text(encoding="utf-8")
    documented = {}
    for line in text.splitlines():
        if line.startswith("| `") and line.count("|") == 5:
            cells = [c.strip() for c in line.strip("|").split("|")]
            roles = [role for role, cell in zip(StaffRole, cells[1:], strict=True) if cell == "yes"]
            documented[cells[0].strip("`")] = frozenset(roles)
    assert documented == dict(STAFF_ROUTES)
