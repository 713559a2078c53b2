from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from devkit.events import STAFF_CLAIMS, http_event
from devkit.responses import HttpResponse
from tests.conftest import Function, call

StaffApi = Callable[..., HttpResponse]


@pytest.fixture
def contacts_function(load_function: Callable[[str], Function]) -> Function:
    return load_function("ContactsFunction")


@pytest.fixture
def staff(contacts_function: Function) -> StaffApi:
    """Call the staff API as a signed-in staff member: staff("POST", "/admin/accounts", body={...})."""

    def request(method: str, path: str, *, claims: dict[str, Any] | None = STAFF_CLAIMS, **kwargs: Any) -> HttpResponse:
        return call(contacts_function, http_event(method, path, claims=claims, **kwargs))

    return request


PORTAL_CLASS = {
    "class_id": "COMM",
    "name": "Commercial",
    "enable_portal_access": True,
    "auto_send_portal_invitation": True,
    "allow_invoice_verified_self_registration": True,
    "enable_viewing_inactive_site": "service_history_only",
}


@pytest.fixture
def demo_account(staff: StaffApi) -> dict[str, Any]:
    """Account 49418 Renovation Gym with its three sites, on a portal-enabled class."""
    assert staff("POST", "/admin/account-classes", body=PORTAL_CLASS).status == 201
    account = {"account_id": "49418", "name": "Renovation Gym", "class_id": "COMM", "invoice_delivery": "email"}
    assert staff("POST", "/admin/accounts", body=account).status == 201
    sites = [
        ("49418001", "Renovation Gym", "4405 Pheasant Ridge Dr NE", "Blaine", "55449-4531"),
        ("49418002", "Reno Gym Southtown", "60 E Broadway", "Bloomington", "55425-5510"),
        ("49418003", "Total Body Wellness Chiropractic", "425 Rice St", "Saint Paul", "55103-2123"),
    ]
    for site_id, name, line1, city, postal in sites:
        body = {
            "site_id": site_id,
            "name": name,
            "address": {"line1": line1, "city": city, "state": "MN", "postal_code": postal},
            "status": "active",
        }
        assert staff("POST", "/admin/accounts/49418/sites", body=body).status == 201
    return account
