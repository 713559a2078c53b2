"""Journeys over HTTP and Cognito only, as the back office and a customer live them.

Each run makes its own data (unique ids and emails), so the same tests run against a deployed
stack that keeps data between runs. Steps that need a route another issue adds skip until
template.yaml has it."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.e2e.conftest import Api, Outbox, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

DEMO_ACCOUNT = "49418"
DEMO_SITES = ["49418001", "49418002", "49418003"]
TOKEN_IN_LINK = re.compile(r"[#?&]token=([A-Za-z0-9_.\-]+)")


def ensure_demo_account(staff: Api) -> None:
    """49418 Renovation Gym with its three sites: seeded locally; made once on a deployed stack."""
    if staff("GET", f"/admin/accounts/{DEMO_ACCOUNT}").status_code == 200:
        return
    portal_class = {
        "class_id": "COMM",
        "name": "Commercial",
        "enable_portal_access": True,
        "auto_send_portal_invitation": True,
        "enable_viewing_inactive_site": "service_history_only",
    }
    assert staff("POST", "/admin/account-classes", json=portal_class).status_code in (201, 409)
    account = {"account_id": DEMO_ACCOUNT, "name": "Renovation Gym", "class_id": "COMM", "invoice_delivery": "email"}
    assert staff("POST", "/admin/accounts", json=account).status_code == 201
    for site_id in DEMO_SITES:
        address = {"line1": f"{site_id[-1]} Main St", "city": "Blaine", "state": "MN", "postal_code": "55449"}
        body = {"site_id": site_id, "name": f"Site {site_id}", "address": address, "status": "active"}
        assert staff("POST", f"/admin/accounts/{DEMO_ACCOUNT}/sites", json=body).status_code == 201


def test_staff_set_up_an_account_with_sites_and_contacts_and_read_the_grid(staff: Api, unique: str) -> None:
    # Given a class without auto-invite (this journey sends no email)
    class_id = f"E2E{unique}"
    quiet_class = {"class_id": class_id, "name": "E2E quiet", "enable_portal_access": True}
    assert staff("POST", "/admin/account-classes", json=quiet_class).status_code == 201

    # When staff create an account with two sites and two contacts
    account_id = f"9{int(unique, 16) % 10**7:07d}"
    account = {"account_id": account_id, "name": "E2E Hauling", "class_id": class_id, "invoice_delivery": "email"}
    created = staff("POST", "/admin/accounts", json=account)
    assert created.status_code == 201, created.text
    for number, line1 in ((1, "12911 Farm to Market 1960 Rd W"), (2, "60 E Broadway")):
        site = {
            "site_id": f"{account_id}00{number}",
            "name": f"Yard {number}",
            "address": {"line1": line1, "city": "Houston", "state": "TX", "postal_code": "77065"},
            "status": "active",
        }
        assert staff("POST", f"/admin/accounts/{account_id}/sites", json=site).status_code == 201
    billing = staff(
        "POST",
        f"/admin/accounts/{account_id}/contacts",
        json={"level": "account", "name": "John Doe", "billing_contact": "primary_billing"},
    )
    assert billing.status_code == 201, billing.text
    site_contact = staff(
        "POST",
        f"/admin/accounts/{account_id}/contacts",
        json={"level": "site", "site_id": f"{account_id}002", "name": "Yard Boss", "phone_1": "555-0100"},
    )
    assert site_contact.status_code == 201, site_contact.text

    # Then the Contacts grid lists both, and the site search finds the site by its address
    grid = staff("GET", f"/admin/accounts/{account_id}/contacts")
    assert grid.status_code == 200
    rows = {row["name"]: row for row in grid.json()["items"]}
    assert set(rows) == {"John Doe", "Yard Boss"}
    assert (rows["John Doe"]["type"], rows["Yard Boss"]["type"]) == ("account", "site")
    assert rows["John Doe"]["portal_user"] is False
    found = staff("GET", f"/admin/accounts/{account_id}/sites", params={"search": "broadway"})
    assert [s["site_id"] for s in found.json()["items"]] == [f"{account_id}002"]

    # And an edit with a stale version is refused, a current one accepted
    contact = billing.json()
    path = f"/admin/contacts/{contact['contact_id']}"
    stale = staff("PATCH", path, json={"title": "Owner"}, headers={"If-Match": str(contact["version"] + 5)})
    assert stale.status_code == 412
    edited = staff("PATCH", path, json={"title": "Owner"}, headers={"If-Match": str(contact["version"])})
    assert edited.status_code == 200, edited.text
    assert edited.json()["title"] == "Owner"


def test_a_contact_invited_on_creation_accepts_signs_in_and_sees_exactly_the_granted_sites(
    stack: dict[str, Any], staff: Api, cognito: Any, outbox: Outbox, needs_route: Any
) -> None:
    ensure_demo_account(staff)
    unique = uuid.uuid4().hex[:8]
    email = f"journey.{unique}@example.com"
    anonymous = staff.as_user(None)

    # Given staff create a contact with an email on the demo account (its class auto-invites)
    created = staff(
        "POST",
        f"/admin/accounts/{DEMO_ACCOUNT}/contacts",
        json={"level": "account", "name": "Journey Tester", "email": email},
    )
    assert created.status_code == 201, created.text
    contact_id = created.json()["contact_id"]
    # and limit its portal access to two of the account's three sites
    granted = ["49418001", "49418003"]
    access = staff("PUT", f"/admin/contacts/{contact_id}/portal-access", json={"all_sites": False, "site_ids": granted})
    assert access.status_code == 200, access.text

    # When the contacts stream has run the auto-invite function
    needs_route("POST /portal/invitations/accept")
    emails = outbox.wait_for(email)

    # Then exactly one invitation email is in the outbox, with a link carrying the token
    assert len(emails) == 1, emails
    invitation = emails[0]
    assert invitation["from"] == stack.get("ses_from_address", invitation["from"])
    assert "Renovation Gym" in invitation["subject"] + invitation["html"]
    link_token = TOKEN_IN_LINK.search(invitation["text"] or invitation["html"])
    assert link_token, invitation
    token = link_token.group(1)

    # When the contact accepts it with a password
    password = f"Journey-{unique}-Pw1"
    accepted = anonymous("POST", "/portal/invitations/accept", json={"token": token, "password": password})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"username": email}
    # and the link works once only
    again = anonymous("POST", "/portal/invitations/accept", json={"token": token, "password": password})
    assert again.status_code == 410

    # Then the portal login signs in through Cognito
    portal_token = sign_in(cognito, stack["portal_client_id"], email, password)

    # And sees the demo account with exactly the granted sites
    needs_route("GET /portal/me")
    me = anonymous.as_user(portal_token)("GET", "/portal/me")
    assert me.status_code == 200, me.text
    accounts = {a["account_id"]: a for a in me.json()["accounts"]}
    assert list(accounts) == [DEMO_ACCOUNT]
    assert sorted(s["site_id"] for s in accounts[DEMO_ACCOUNT]["sites"]) == granted

    # And the staff see the contact as a portal user, with the invitation accepted
    contact = staff("GET", f"/admin/contacts/{contact_id}").json()
    assert contact["portal_user"] is True
    invitations = staff("GET", f"/admin/contacts/{contact_id}/invitations").json()["items"]
    assert [i["status"] for i in invitations] == ["accepted"]
