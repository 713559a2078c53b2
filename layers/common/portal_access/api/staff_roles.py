"""Staff roles: which staff pool group may use which staff route. The one table of it.

A staff login's roles are the groups of its staff pool (`cognito:groups` in its access token);
`api/resolver.py` looks the request's route key up here before the route runs and answers 403
`forbidden` when none of the login's groups may use it. A route that is not in the table is
forbidden to every role (deny by default), and a login in no group may use nothing.
`docs/staff-roles.md` shows the table; `tests/unit/test_staff_roles.py` checks that every staff
route of template.yaml has its row.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class StaffRole(StrEnum):
    """The staff pool's groups (template.yaml: AWS::Cognito::UserPoolGroup)."""

    ADMIN = "portal-admins"  # everything
    CUSTOMER_SERVICE = "customer-service"  # all but changing classes, system options, email templates
    AUDITOR = "auditors"  # reads only (the access review included)


ADMIN, CS, AUDIT = StaffRole.ADMIN, StaffRole.CUSTOMER_SERVICE, StaffRole.AUDITOR
EVERYONE = frozenset(StaffRole)
CHANGES = frozenset({ADMIN, CS})  # a change customer service makes day to day
SETUP = frozenset({ADMIN})  # a change of the service's setup (classes, options, templates)

# route key ("METHOD /path/{param}", as template.yaml and the HTTP API name it) -> roles that may use it
STAFF_ROUTES: Mapping[str, frozenset[StaffRole]] = {
    # setup: everyone reads it, only admins change it
    "POST /admin/account-classes": SETUP,
    "PUT /admin/account-classes/{class_id}": SETUP,
    "GET /admin/account-classes/{class_id}": EVERYONE,
    "GET /admin/account-classes": EVERYONE,
    "GET /admin/system-options/customer-portal": EVERYONE,
    "PUT /admin/system-options/customer-portal": SETUP,
    "POST /admin/system-options/customer-portal/preview": EVERYONE,  # renders, changes nothing
    "GET /admin/email-templates": EVERYONE,
    "GET /admin/email-templates/{name}": EVERYONE,
    "PUT /admin/email-templates/{name}": SETUP,
    "POST /admin/email-templates/{name}/preview": EVERYONE,  # renders, changes nothing
    # accounts, sites, invoices
    "POST /admin/accounts": CHANGES,
    "GET /admin/accounts": EVERYONE,
    "GET /admin/accounts/{account_id}": EVERYONE,
    "POST /admin/accounts/{account_id}/sites": CHANGES,
    "GET /admin/accounts/{account_id}/sites": EVERYONE,
    "POST /admin/invoices": CHANGES,
    # contacts and their portal access
    "POST /admin/accounts/{account_id}/contacts": CHANGES,
    "GET /admin/accounts/{account_id}/contacts": EVERYONE,
    "GET /admin/contacts/{contact_id}": EVERYONE,
    "PATCH /admin/contacts/{contact_id}": CHANGES,
    "DELETE /admin/contacts/{contact_id}": CHANGES,
    "GET /admin/contacts/{contact_id}/portal-access": EVERYONE,
    "PUT /admin/contacts/{contact_id}/portal-access": CHANGES,
    "GET /admin/contacts/{contact_id}/activity": EVERYONE,
    # invitations, one by one and in batches
    "POST /admin/contacts/{contact_id}/invitations": CHANGES,
    "GET /admin/contacts/{contact_id}/invitations": EVERYONE,
    "POST /admin/invitation-batches": CHANGES,
    "GET /admin/invitation-batches/{batch_id}": EVERYONE,
    "DELETE /admin/invitation-batches/{batch_id}": CHANGES,
    # requests from the login page
    "GET /admin/access-requests": EVERYONE,
    "GET /admin/self-registrations": EVERYONE,
    # access review
    "GET /admin/accounts/{account_id}/portal-logins": EVERYONE,
    "GET /admin/portal-logins": EVERYONE,
}


def groups_of(claims: Mapping[str, Any]) -> frozenset[str]:
    """The token's `cognito:groups`: a list in the token itself, `[a b]` once the HTTP API's JWT
    authorizer has put it among the request's claims (array claims become one string there)."""
    value = claims.get("cognito:groups")
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    if isinstance(value, str):
        return frozenset(value.strip().removeprefix("[").removesuffix("]").replace(",", " ").split())
    return frozenset()


def may_use(route_key: str, groups: frozenset[str]) -> bool:
    """Deny by default: an unknown route, or a login in none of the route's groups."""
    allowed = STAFF_ROUTES.get(route_key, frozenset())
    return any(group in allowed for group in groups)
