"""Lifecycle events over HTTP: a full journey of a contact publishes the contract's events on the
stack's bus, each valid against its schema in docs/events/, with no secret in any of them.

The local stack lists what was put on the bus at `GET /_local/events` (newest first); a deployed
stack has no such list, so these tests skip there."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests

from tests.e2e.conftest import Api, Outbox
from tests.e2e.test_journeys import DEMO_ACCOUNT, TOKEN_IN_LINK, ensure_demo_account

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

EVENTS_DIR = Path(__file__).resolve().parents[2] / "docs" / "events"
SIMULATOR = "simulator.amazonses.com"


def schema_of(detail_type: str) -> dict[str, Any]:
    path = EVENTS_DIR / (detail_type.lower().replace(" ", "-") + ".json")
    assert path.exists(), f"no schema for {detail_type!r} in docs/events"
    return dict(json.loads(path.read_text(encoding="utf-8")))


class Bus:
    def __init__(self, url: str) -> None:
        self.url = url

    def items(self) -> list[dict[str, Any]]:
        return list(requests.get(self.url, timeout=10).json()["items"])

    def wait_for(self, wanted: Callable[[list[dict[str, Any]]], bool], *, timeout: float = 45) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        items = self.items()
        while not wanted(items) and time.monotonic() < deadline:
            time.sleep(0.25)
            items = self.items()
        return items


@pytest.fixture(scope="module")
def bus(stack: dict[str, Any]) -> Bus:
    if not stack.get("events_url"):
        pytest.skip("this stack lists no bus events (a deployed bus needs a rule and a target to read it)")
    return Bus(stack["events_url"])


def kinds_for(items: list[dict[str, Any]], **ids: str) -> list[str]:
    """The detail-types of the events about these ids, oldest first."""
    return [
        e["detail-type"] for e in reversed(items) if all(e["detail"].get(name) == value for name, value in ids.items())
    ]


def test_a_contacts_journey_publishes_each_lifecycle_event_valid_against_its_schema(
    stack: dict[str, Any], staff: Api, outbox: Outbox, bus: Bus
) -> None:
    ensure_demo_account(staff)
    anonymous = staff.as_user(None)
    unique = uuid.uuid4().hex[:8]
    email = f"success+journey-{unique}@{SIMULATOR}"
    password = f"Events-{unique}-Pw1"

    # Given a contact created on an account whose class auto-invites, with two of three sites
    created = staff("POST", f"/admin/accounts/{DEMO_ACCOUNT}/contacts", json={"name": "Eve Ents", "email": email})
    assert created.status_code == 201, created.text
    contact_id = created.json()["contact_id"]
    access = {"all_sites": False, "site_ids": ["49418001", "49418002"]}
    assert staff("PUT", f"/admin/contacts/{contact_id}/portal-access", json=access).status_code == 200

    # When the invitation is delivered and accepted
    (invitation,) = outbox.wait_for(email)
    token = TOKEN_IN_LINK.search(invitation["text"]).group(1)  # type: ignore[union-attr]
    bus.wait_for(lambda items: "Invitation Delivered" in kinds_for(items, contact_id=contact_id))
    accepted = anonymous("POST", "/portal/invitations/accept", json={"token": token, "password": password})
    assert accepted.status_code == 200, accepted.text

    # and staff switch its portal access off and on, then unlink it
    for enabled in (False, True):
        version = staff("GET", f"/admin/contacts/{contact_id}").json()["version"]
        patched = staff(
            "PATCH",
            f"/admin/contacts/{contact_id}",
            json={"enable_portal_access": enabled},
            headers={"If-Match": str(version)},
        )
        assert patched.status_code == 200, patched.text
    assert staff("DELETE", f"/admin/contacts/{contact_id}").status_code == 204

    # Then the bus has the contact's events, in order
    wanted = [
        "Portal Access Changed",
        "Invitation Sent",
        "Invitation Delivered",
        "Invitation Accepted",
        "Portal Login Created",
        "Portal Login Disabled",
        "Portal Login Enabled",
        "Contact Unlinked",
        "Portal Login Disabled",  # unlinking its last contact with portal access disables the login
    ]
    items = bus.wait_for(lambda items: len(kinds_for(items, contact_id=contact_id)) >= len(wanted))
    seen = kinds_for(items, contact_id=contact_id)
    assert sorted(seen) == sorted(wanted), seen
    # each stream publishes in commit order (the two streams interleave as they are polled)
    assert [k for k in seen if k.startswith("Invitation ")] == wanted[1:4]
    assert [k for k in seen if not k.startswith("Invitation ")] == [wanted[0], *wanted[4:]]
    ours = [e for e in items if e["detail"].get("contact_id") == contact_id]
    # and no event carries the token, the password or the email
    for event in ours:
        text = json.dumps(event)
        assert token not in text
        assert password not in text
        assert email not in text
        assert event["source"] == "portal-access"
    login_created = next(e for e in ours if e["detail-type"] == "Portal Login Created")
    assert login_created["detail"]["login_id"]
    assert {e["detail"]["event_id"] for e in ours}.__len__() == len(ours)  # one id per event
    # and every event on the bus so far validates against its schema in docs/events
    assert set(wanted) <= validate_all(bus)


def test_resends_self_registration_and_address_requests_publish_their_events(staff: Api, bus: Bus) -> None:
    ensure_demo_account(staff)
    anonymous = staff.as_user(None)
    unique = uuid.uuid4().hex[:8]

    # Given a contact invited twice by staff: the first invitation is revoked
    created = staff(
        "POST",
        "/admin/accounts/21638/contacts",
        json={"name": "Re Send", "email": f"success+resend-{unique}@{SIMULATOR}"},
    )
    assert created.status_code == 201, created.text
    contact_id = created.json()["contact_id"]
    bus.wait_for(lambda items: "Invitation Sent" in kinds_for(items, contact_id=contact_id))
    assert staff("POST", f"/admin/contacts/{contact_id}/invitations").status_code == 202

    # And a Request Login with an invoice of the demo account
    invoice = f"INV{unique}"
    recorded = staff(
        "POST",
        "/admin/invoices",
        json={
            "invoice_number": invoice,
            "account_id": DEMO_ACCOUNT,
            "quick_pay_code": f"QP{unique.upper()}",
            "amount": "10.00",
            "invoice_date": "2026-11-01",
        },
    )
    assert recorded.status_code == 201, recorded.text
    registration = {
        "invoice_number": invoice,
        "account_number": DEMO_ACCOUNT,
        "contact_name": "Self Starter",
        "email": f"success+self-{unique}@{SIMULATOR}",
    }
    assert anonymous("POST", "/portal/self-registrations", json=registration).status_code == 202

    # And a request by the address of a demo site
    address = {"line1": "60 E Broadway", "city": "Bloomington", "state": "MN", "postal_code": "55425"}
    request = {"address": address, "contact_name": "Addie Ress", "email": f"addie.{unique}@example.com"}
    assert anonymous("POST", "/portal/access-requests", json=request).status_code == 202

    # Then the bus has the revoked invitation, the completed self-registration and the request
    # (other tests on this stack request other sites: ours matched Reno Gym Southtown, 49418002)
    def our_request(event: dict[str, Any]) -> bool:
        detail = event["detail"]
        return (
            event["detail-type"] == "Access Request Received"
            and detail["account_id"] == DEMO_ACCOUNT
            and "49418002" in detail["site_ids"]
        )

    def done(items: list[dict[str, Any]]) -> bool:
        kinds = set(kinds_for(items))
        ours = set(kinds_for(items, contact_id=contact_id))
        return "Self Registration Completed" in kinds and any(map(our_request, items)) and "Invitation Revoked" in ours

    items = bus.wait_for(done)
    assert kinds_for(items, contact_id=contact_id).count("Invitation Sent") == 2
    revoked = next(e for e in items if e["detail-type"] == "Invitation Revoked")
    assert revoked["detail"]["replaced_by"]
    assert {"Self Registration Completed", "Access Request Received"} <= set(kinds_for(items))
    assert {"Invitation Revoked", "Self Registration Completed", "Access Request Received"} <= validate_all(bus)


def validate_all(bus: Bus) -> set[str]:
    """Every event on the bus so far (this session's journeys) against its schema; their kinds."""
    items = bus.items()
    assert items, "no event was published"
    for event in items:
        assert event["source"] == "portal-access"
        jsonschema.validate(event, schema_of(event["detail-type"]))
    return {e["detail-type"] for e in items}


def test_every_event_the_e2e_journeys_published_validates_against_its_schema(bus: Bus) -> None:
    # Whatever ran before it in this session (delivery, renewal, journeys): all of it validates
    assert validate_all(bus)
