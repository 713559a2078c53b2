"""Delivery over HTTP: invitations to SES's mailbox simulator addresses come back `delivered`,
`bounced` or `complained`, the Activity History says so, and an undeliverable email is not
invited again until the contact's email changes.

Locally the stack emulates the simulator (local/mailbox.py); a deployed stack sends to SES's
real one, which answers the same way."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.e2e.test_journeys import DEMO_ACCOUNT, ensure_demo_account

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

SIMULATOR = "simulator.amazonses.com"


@pytest.fixture(scope="module")
def quiet_account(staff: Api) -> str:
    """An account whose class has portal access but no auto-invite: staff send by hand."""
    unique = uuid.uuid4().hex[:8]
    class_id = f"DLV{unique}"
    body = {"class_id": class_id, "name": "Delivery e2e", "enable_portal_access": True}
    assert staff("POST", "/admin/account-classes", json=body).status_code == 201
    account_id = f"8{int(unique, 16) % 10**7:07d}"
    account = {"account_id": account_id, "name": "Delivery Hauling", "class_id": class_id, "invoice_delivery": "email"}
    assert staff("POST", "/admin/accounts", json=account).status_code == 201
    return account_id


def new_contact(staff: Api, account_id: str, email: str) -> str:
    created = staff(
        "POST",
        f"/admin/accounts/{account_id}/contacts",
        json={"level": "account", "name": "Dee Livery", "email": email},
    )
    assert created.status_code == 201, created.text
    return str(created.json()["contact_id"])


def wait_until[T](read: Callable[[], T], done: Callable[[T], bool], *, timeout: float = 30) -> T:
    deadline = time.monotonic() + timeout
    value = read()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(0.25)
        value = read()
    return value


def invitations_of(staff: Api, contact_id: str) -> list[dict[str, Any]]:
    answer = staff("GET", f"/admin/contacts/{contact_id}/invitations")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def history_of(staff: Api, contact_id: str) -> list[dict[str, Any]]:
    answer = staff("GET", f"/admin/contacts/{contact_id}/activity")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def invite_and_wait(staff: Api, contact_id: str, until: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    sent = staff("POST", f"/admin/contacts/{contact_id}/invitations")
    assert sent.status_code == 202, sent.text
    assert sent.json()["status"] == "sent"
    invitation_id = sent.json()["invitation_id"]

    def latest() -> dict[str, Any]:
        return next(i for i in invitations_of(staff, contact_id) if i["invitation_id"] == invitation_id)

    return wait_until(latest, until)


def test_an_invitation_to_the_success_simulator_is_delivered(staff: Api, quiet_account: str) -> None:
    # Given a contact whose email is SES's success simulator address (with a label)
    contact_id = new_contact(staff, quiet_account, f"success+{uuid.uuid4().hex[:8]}@{SIMULATOR}")

    # When staff invite it and SES reports
    invitation = invite_and_wait(staff, contact_id, lambda i: i["delivery"] != "pending")

    # Then the invitation is delivered, with the time SES gave
    assert invitation["delivery"] == "delivered", invitation
    assert invitation["delivered_at"]
    assert invitation["bounced_at"] is None
    # and the history says so, once
    actions = [e["action"] for e in history_of(staff, contact_id)]
    assert actions.count("invite_delivered") == 1, actions
    # and the contact can be invited again
    assert staff("POST", f"/admin/contacts/{contact_id}/invitations").status_code == 202


@pytest.mark.parametrize(
    ("mailbox", "delivery", "action"),
    [
        ("bounce", "bounced", "invite_bounced"),
        ("suppressionlist", "bounced", "invite_bounced"),
        ("complaint", "complained", "invite_complained"),
    ],
)
def test_a_bounce_or_complaint_marks_the_email_undeliverable_until_it_changes(
    staff: Api, quiet_account: str, mailbox: str, delivery: str, action: str
) -> None:
    # Given a contact whose email SES's simulator bounces or complains about
    email = f"{mailbox}+{uuid.uuid4().hex[:8]}@{SIMULATOR}"
    contact_id = new_contact(staff, quiet_account, email)

    # When staff invite it and SES reports
    invitation = invite_and_wait(staff, contact_id, lambda i: i["delivery"] == delivery)

    # Then the invitation says what SES said
    assert invitation["delivery"] == delivery, invitation
    stamp = "bounced_at" if delivery == "bounced" else "complained_at"
    assert invitation[stamp], invitation
    # and the Activity History records it (a complaint follows the delivery SES reports first)
    history = wait_until(lambda: history_of(staff, contact_id), lambda h: any(e["action"] == action for e in h))
    entry = next(e for e in history if e["action"] == action)
    assert entry["details"]["invitation_id"] == invitation["invitation_id"]
    assert entry["details"]["undeliverable"] is True
    if mailbox == "complaint":
        assert any(e["action"] == "invite_delivered" for e in history)

    # When staff try again with the same email
    again = staff("POST", f"/admin/contacts/{contact_id}/invitations")

    # Then it is refused: 409 email_undeliverable, naming the email
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "email_undeliverable"
    assert email in again.json()["error"]["message"]

    # When the contact's email is changed
    version = staff("GET", f"/admin/contacts/{contact_id}").json()["version"]
    changed = staff(
        "PATCH",
        f"/admin/contacts/{contact_id}",
        json={"email": f"success+{uuid.uuid4().hex[:8]}@{SIMULATOR}"},
        headers={"If-Match": str(version)},
    )
    assert changed.status_code == 200, changed.text

    # Then the contact can be invited again
    assert staff("POST", f"/admin/contacts/{contact_id}/invitations").status_code == 202


def test_auto_invite_skips_an_undeliverable_email_and_says_why(staff: Api, quiet_account: str) -> None:
    # Given an email that bounced
    email = f"bounce+{uuid.uuid4().hex[:8]}@{SIMULATOR}"
    first = new_contact(staff, quiet_account, email)
    invite_and_wait(staff, first, lambda i: i["delivery"] == "bounced")

    # When a contact with that email is created on an account whose class auto-invites
    ensure_demo_account(staff)
    second = new_contact(staff, DEMO_ACCOUNT, email)

    # Then no invitation is sent, and its history says why
    history = wait_until(lambda: history_of(staff, second), lambda h: any(e["action"] == "invite_skipped" for e in h))
    skipped = next(e for e in history if e["action"] == "invite_skipped")
    assert skipped["details"]["trigger"] == "auto"
    assert "bounced" in skipped["details"]["reason"]
    assert invitations_of(staff, second) == []
