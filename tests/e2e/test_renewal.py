"""Renewal over HTTP: an expired link asks for a new one; the hourly job reminds once before
expiry and records the expiry.

Nobody waits a week in a test: the invitation's expiry is moved in the local stack's DynamoDB
(moto, at stack.json's `aws_endpoint_url`), and `POST /_local/schedules` runs the hourly job now.
Against a deployed stack these tests skip."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
import requests

from tests.e2e.conftest import Api, LocalStack, Outbox
from tests.e2e.test_delivery import history_of, invitations_of, new_contact, quiet_account, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
__all__ = ["quiet_account"]  # the fixture, shared with the delivery tests

SIMULATOR = "simulator.amazonses.com"
TOKEN_IN_LINK = re.compile(r"#token=([A-Za-z0-9_.\-]+)")
SAME_ANSWER = {
    "status": "received",
    "message": "If this link was a portal invitation that expired, a new one is on its way to the email address"
    " on record. Links that still work, or were used, are not replaced.",
}


def invited(staff: Api, outbox: Outbox, account_id: str, mailbox: str = "success") -> tuple[str, str, str]:
    """(contact_id, email, token) of a contact staff invited."""
    email = f"{mailbox}+renew-{uuid.uuid4().hex[:8]}@{SIMULATOR}"
    contact_id = new_contact(staff, account_id, email)
    assert staff("POST", f"/admin/contacts/{contact_id}/invitations").status_code == 202
    (sent,) = outbox.wait_for(email)
    match = TOKEN_IN_LINK.search(sent["text"])
    assert match, sent
    return contact_id, email, match.group(1)


def test_an_expired_link_is_renewed_once_and_only_when_expired(
    staff: Api, outbox: Outbox, local: LocalStack, quiet_account: str
) -> None:
    anonymous = staff.as_user(None)
    contact_id, email, token = invited(staff, outbox, quiet_account)
    invitation_id = token.split(".")[0]

    # A link that still works is not replaced
    early = anonymous("POST", "/portal/invitations/refresh", json={"token": token})
    assert early.status_code == 202
    assert early.json() == SAME_ANSWER

    # Given the invitation expired unaccepted
    local.expire_in(invitation_id, -timedelta(hours=1))
    assert (
        anonymous("POST", "/portal/invitations/accept", json={"token": token, "password": "Renew-Me-2026"}).status_code
        == 410
    )

    # When the customer asks for a new link, twice
    for _ in range(2):
        refreshed = anonymous("POST", "/portal/invitations/refresh", json={"token": token})
        assert refreshed.status_code == 202
        assert refreshed.json() == SAME_ANSWER

    # Then exactly one new invitation went to the contact's email
    emails = outbox.wait_for(email, count=2)
    assert len(emails) == 2, [e["subject"] for e in emails]
    new_token = TOKEN_IN_LINK.search(emails[0]["text"]).group(1)  # type: ignore[union-attr]
    assert new_token != token
    # and staff see the old one still listed as expired, the new one sent by the refresh
    listed = {i["invitation_id"]: i for i in invitations_of(staff, contact_id)}
    assert listed[invitation_id]["status"] == "expired"
    assert listed[new_token.split(".")[0]]["status"] == "sent"
    assert listed[new_token.split(".")[0]]["trigger"] == "refresh"
    # and the new link works
    accepted = anonymous("POST", "/portal/invitations/accept", json={"token": new_token, "password": "Renew-Me-2026"})
    assert accepted.status_code == 200, accepted.text


@pytest.mark.parametrize("token", ["not-a-token", "inv_00000000000000000000." + "A" * 43])
def test_any_other_token_gets_the_same_answer_and_no_email(staff: Api, token: str) -> None:
    refreshed = staff.as_user(None)("POST", "/portal/invitations/refresh", json={"token": token})
    assert refreshed.status_code == 202
    assert refreshed.json() == SAME_ANSWER


def test_the_reminder_goes_out_once_before_expiry_and_its_link_works(
    staff: Api, outbox: Outbox, local: LocalStack, quiet_account: str
) -> None:
    contact_id, email, token = invited(staff, outbox, quiet_account)
    invitation_id = token.split(".")[0]

    # Given the invitation expires in a day (InviteReminderDays is 2)
    local.expire_in(invitation_id, timedelta(days=1))

    # When the hourly job runs, twice
    first = local.run_hourly_job()
    second = local.run_hourly_job()

    # Then one reminder went out
    assert invitation_id in first["reminded"]
    assert invitation_id not in second["reminded"]
    emails = outbox.wait_for(email, count=2)
    assert len(emails) == 2
    assert emails[0]["subject"].startswith("Reminder:")
    time.sleep(1)
    assert len(outbox.wait_for(email, count=3, timeout=1)) == 2
    # and staff see it in the list and the history
    (listed,) = invitations_of(staff, contact_id)
    assert listed["reminded_at"]
    assert [e["action"] for e in history_of(staff, contact_id)].count("invite_reminder_sent") == 1
    # and the reminder's own link accepts the invitation
    reminder_token = TOKEN_IN_LINK.search(emails[0]["text"]).group(1)  # type: ignore[union-attr]
    assert reminder_token.split(".")[0] == invitation_id
    accepted = staff.as_user(None)(
        "POST", "/portal/invitations/accept", json={"token": reminder_token, "password": "Remind-Me-2026"}
    )
    assert accepted.status_code == 200, accepted.text


def test_an_undeliverable_invitation_gets_no_reminder_and_the_history_says_why(
    staff: Api, outbox: Outbox, local: LocalStack, quiet_account: str
) -> None:
    contact_id, email, token = invited(staff, outbox, quiet_account, mailbox="bounce")
    invitation_id = token.split(".")[0]
    wait_until(lambda: invitations_of(staff, contact_id)[0], lambda i: i["delivery"] == "bounced")
    local.expire_in(invitation_id, timedelta(days=1))

    report = local.run_hourly_job()

    assert invitation_id in report["skipped"]
    assert len(outbox.wait_for(email, count=2, timeout=2)) == 1
    skipped = [e for e in history_of(staff, contact_id) if e["action"] == "invite_skipped"]
    assert len(skipped) == 1
    assert skipped[0]["details"]["kind"] == "reminder"
    assert "bounced" in skipped[0]["details"]["reason"]


def test_the_job_records_an_expiry_once_and_publishes_it(
    staff: Api, outbox: Outbox, local: LocalStack, quiet_account: str, stack: dict[str, Any]
) -> None:
    contact_id, _, token = invited(staff, outbox, quiet_account)
    invitation_id = token.split(".")[0]
    local.expire_in(invitation_id, -timedelta(minutes=5))

    assert invitation_id in local.run_hourly_job()["expired"]
    assert invitation_id not in local.run_hourly_job()["expired"]

    assert [e["action"] for e in history_of(staff, contact_id)].count("invite_expired") == 1
    events = wait_until(
        lambda: requests.get(stack["events_url"], params={"detail-type": "Invitation Expired"}, timeout=10).json(),
        lambda page: any(e["detail"]["invitation_id"] == invitation_id for e in page["items"]),
    )
    assert [e["detail"]["invitation_id"] for e in events["items"]].count(invitation_id) == 1
