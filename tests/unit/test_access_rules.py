"""The portal's access rules, without AWS: merging grants, inactive sites and accounts."""

from __future__ import annotations

from typing import Any

import pytest

from portal_access.domain.access import account_is_open, merge_grants, site_view
from portal_access.models.accounts import Account, Address, Site
from portal_access.models.contacts import Contact, PortalAccess
from portal_access.models.settings import AccountClass

LOGIN = "login-1"
NOW = "2026-11-24T15:00:00.000Z"


def contact(account_id: str, access: PortalAccess, *, login_id: str | None = LOGIN, enabled: bool = True) -> Contact:
    return Contact(
        contact_id=f"ct_{account_id}_{len(access.site_ids)}_{access.all_sites}",
        account_id=account_id,
        name="John Doe",
        level="account" if access.all_sites else "site",
        portal_access=access,
        login_id=login_id,
        enable_portal_access=enabled,
        version=1,
        created_at=NOW,
        updated_at=NOW,
    )


def sites(*site_ids: str, **roles: list[str]) -> PortalAccess:
    return PortalAccess(all_sites=False, site_ids=list(site_ids), roles=roles)


def test_grants_are_united_per_account_and_only_from_enabled_contacts_of_this_login():
    grants = merge_grants(
        [
            contact("49418", sites("49418001", account=["Billing"])),
            contact("49418", sites("49418003", **{"49418003": ["Requests"]})),
            contact("21638", PortalAccess(all_sites=True, roles={"account": ["Owner"]})),
            contact("21638", sites("21638009")),
            contact("30000", PortalAccess(all_sites=True), enabled=False),
            contact("40000", PortalAccess(all_sites=True), login_id="someone-else"),
        ],
        LOGIN,
    )

    assert set(grants) == {"49418", "21638"}
    mine = grants["49418"]
    assert not mine.all_sites
    assert mine.site_ids == ["49418001", "49418003"]
    assert mine.permits("49418001")
    assert not mine.permits("49418002")
    assert mine.roles_at("49418001") == ["Billing"]
    assert mine.roles_at("49418003") == ["Requests"]
    mill = grants["21638"]
    assert mill.all_sites
    assert mill.permits("21638777")  # a site added later
    assert mill.roles_at("21638001") == ["Owner"]
    assert mill.roles_at("21638009") == ["Owner"]


def _class(**settings: Any) -> AccountClass:
    return AccountClass(class_id="COMM", name="Commercial", updated_at=NOW, **settings)


def _site(status: str) -> Site:
    address = Address(line1="425 Rice St", city="Saint Paul", state="MN", postal_code="55103")
    return Site(account_id="49418", site_id="49418003", name="Chiro", address=address, status=status, created_at=NOW)


@pytest.mark.parametrize(
    ("status", "policy", "view"),
    [
        ("active", "no", "full"),
        ("inactive", "no", None),
        ("inactive", "service_history_only", "service_history_only"),
        ("inactive", "yes", "full"),
    ],
)
def test_an_inactive_site_follows_the_class(status, policy, view):
    assert site_view(_site(status), _class(enable_viewing_inactive_site=policy)) == view


@pytest.mark.parametrize(
    ("status", "portal", "has_class", "open_"),
    [
        ("active", True, True, True),
        ("inactive", True, True, False),
        ("active", False, True, False),
        ("active", True, False, False),
    ],
)
def test_an_account_grants_only_while_active_with_a_portal_class(status, portal, has_class, open_):
    account = Account(
        account_id="49418", name="Gym", status=status, class_id="COMM", invoice_delivery="email", created_at=NOW
    )
    account_class = _class(enable_portal_access=portal) if has_class else None
    assert account_is_open(account, account_class) is open_
    assert account_is_open(None, _class(enable_portal_access=True)) is False
