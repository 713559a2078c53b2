"""The DynamoDB calls of the portal routes (rule 7), as docs/data-model.md states them: bounded by
the login's own grants, the same whatever else the tables hold, and never a Scan."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from devkit.aws_calls import AwsCalls
from tests.integration.portal.conftest import PortalWorld, site_body

SITE = "/portal/accounts/{}/sites/{}"


def _crowd(world: PortalWorld, accounts: int) -> None:
    """Accounts that are none of the login's business, with sites and contacts of their own."""
    for n in range(accounts):
        account_id = f"7000{n:02d}"
        body = {"account_id": account_id, "name": f"Stranger {n}", "class_id": "COMM"}
        assert world.staff("POST", "/admin/accounts", body=body).status == 201
        for s in range(3):
            site = site_body(f"{account_id}{s:03d}", f"Yard {s}", f"{s} Elm St")
            assert world.staff("POST", f"/admin/accounts/{account_id}/sites", body=site).status == 201
        world.new_contact(account_id, email=f"stranger{n}@example.com")


def _me(world: PortalWorld, calls: AwsCalls, claims: dict[str, Any]) -> Counter[str]:
    calls.made.clear()
    assert world.portal(claims, "/portal/me").status == 200
    return calls.of("dynamodb")


@pytest.mark.usefixtures("demo_account")
def test_me_for_an_all_sites_login_does_not_grow_with_the_tables(world, calls):
    login = world.link(world.new_contact("49418", email="john.doe@example.com"))
    # by_login ids, the contacts, the accounts (+ granted sites), the classes, the account's sites
    expected = Counter(Query=2, BatchGetItem=3)

    assert _me(world, calls, login.claims) == expected
    _crowd(world, 12)
    assert _me(world, calls, login.claims) == expected


@pytest.mark.usefixtures("demo_account")
def test_me_for_a_site_level_login_reads_its_sites_with_the_accounts(world, calls):
    contact = world.new_contact("49418", email="site@example.com", level="site", site_id="49418002")
    login = world.link(contact)

    assert _me(world, calls, login.claims) == Counter(Query=1, BatchGetItem=3)


@pytest.mark.usefixtures("demo_account")
def test_me_grows_only_with_the_logins_all_sites_accounts(world, calls):
    email = "owner@holding.example.com"
    for n in range(10):
        account_id = f"5000{n}"
        assert world.staff("POST", "/admin/accounts", body={"account_id": account_id, "name": "H", "class_id": "COMM"})
        login = world.link(world.new_contact(account_id, email=email))

    # one Query of sites per all-sites account: 4 + 10
    assert _me(world, calls, login.claims) == Counter(Query=11, BatchGetItem=3)


@pytest.mark.usefixtures("demo_account")
def test_the_site_route_does_not_grow_with_the_tables(world, calls):
    login = world.link(world.new_contact("49418", email="john.doe@example.com"))
    # by_login ids (this account), the contacts, account + site together, the class
    expected = Counter(Query=1, BatchGetItem=2, GetItem=1)
    _crowd(world, 5)

    calls.made.clear()
    assert world.portal(login.claims, SITE.format("49418", "49418001")).status == 200
    assert calls.of("dynamodb") == expected
    calls.made.clear()
    assert world.portal(login.claims, SITE.format("49418", "49418999")).status == 404
    assert calls.of("dynamodb") == Counter(Query=1, BatchGetItem=2)  # no such site: no class to read
    calls.made.clear()
    assert world.portal(login.claims, SITE.format("700000", "700000001")).status == 404
    assert calls.of("dynamodb") == Counter(Query=1)  # no grant on that account: nothing else is read


@pytest.mark.usefixtures("demo_account")
def test_revocation_costs_of_the_staff_routes(world, calls):
    contact = world.new_contact("49418", email="john.doe@example.com")
    world.link(contact)
    path = f"/admin/contacts/{contact['contact_id']}"
    version = world.staff("GET", path).body["version"]

    calls.made.clear()
    assert world.staff("PATCH", path, body={"enable_portal_access": False}, headers={"If-Match": str(version)})
    # Get, Tx, then: by_login ids, the login's contacts, the login item's enabled, the history entry of the switch
    assert calls.of("dynamodb") == Counter(
        GetItem=1, TransactWriteItems=1, Query=1, BatchGetItem=1, UpdateItem=1, PutItem=1
    )
    assert calls.of("cognito-idp") == Counter(AdminDisableUser=1, AdminUserGlobalSignOut=1)

    calls.made.clear()
    assert world.staff("PATCH", path, body={"enable_portal_access": True}, headers={"If-Match": str(version + 1)})
    assert calls.of("dynamodb") == Counter(GetItem=1, TransactWriteItems=1, UpdateItem=1, PutItem=1)
    assert calls.of("cognito-idp") == Counter(AdminGetUser=1, AdminEnableUser=1)

    calls.made.clear()
    assert world.staff("DELETE", path).status == 204
    # the index may still list the deleted contact for a moment (then one BatchGetItem), or not
    dynamodb = calls.of("dynamodb")
    assert dynamodb.pop("BatchGetItem", 0) <= 1
    assert dynamodb == Counter(GetItem=1, TransactWriteItems=1, Query=1, UpdateItem=1, PutItem=1)
    assert calls.of("cognito-idp") == Counter(AdminDisableUser=1, AdminUserGlobalSignOut=1)
