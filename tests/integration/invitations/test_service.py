"""InvitationSending, as the composition root builds it, with an injected fake sender and clock
over moto tables: the public API other work reuses (self-registration sends through it), SES
failures, and the write races it guards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from portal_access.config import InviteAdminConfig
from portal_access.dal.invitations_table import InvitationsTable
from portal_access.dal.invitations_table_pointers import InvitationPointers
from portal_access.domain.clock import Clock, iso, system_clock
from portal_access.domain.invitation_views import InvitationListing
from portal_access.domain.login_reminder import LoginReminders
from portal_access.domain.sending import InvitationSending
from portal_access.email.sender import EmailMessage, EmailSendFailed
from portal_access.models.contacts import Contact
from portal_access.wiring.sending import build_sending


class FakeSender:
    def __init__(self, error: Exception | None = None) -> None:
        self.sent: list[EmailMessage] = []
        self.error = error

    def send(self, message: EmailMessage) -> str:
        if self.error:
            raise self.error
        self.sent.append(message)
        return f"fake-{len(self.sent)}"


@dataclass(frozen=True)
class Service:
    sending: InvitationSending
    listing: InvitationListing
    login_reminders: LoginReminders


@pytest.fixture
def build(stack, monkeypatch):
    def make(sender: FakeSender, clock: Clock = system_clock, **env: str) -> Service:
        variables = {
            "ACCOUNTS_TABLE_NAME": stack.table("AccountsTable"),
            "SETTINGS_TABLE_NAME": stack.table("SettingsTable"),
            "CONTACTS_TABLE_NAME": stack.table("ContactsTable"),
            "ACTIVITY_TABLE_NAME": stack.table("ActivityTable"),
            "INVITATIONS_TABLE_NAME": stack.table("InvitationsTable"),
            "SES_FROM_ADDRESS": "portal@example.com",
            "PORTAL_URL": "https://portal.example.com",
            **env,
        }
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        graph = build_sending(InviteAdminConfig.from_env(), client=boto3.client("dynamodb"), clock=clock, sender=sender)
        tables = graph.tables
        return Service(
            sending=graph.sending,
            listing=InvitationListing(invitations=tables.invitations, contacts=tables.contacts, clock=clock),
            login_reminders=LoginReminders(mail=graph.mail, activity_log=tables.activity, clock=clock),
        )

    return make


@pytest.fixture
def contact(add_contact) -> Contact:
    return Contact.model_validate(add_contact(name="Tom & Jerry"))


def _history(staff, contact_id: str) -> list[dict[str, Any]]:
    return list(staff("GET", f"/admin/contacts/{contact_id}/activity").body["items"])


def test_self_registration_sends_through_the_same_service(build, contact, staff):
    sender = FakeSender()
    service = build(sender)

    record = service.sending.send(contact, trigger="self_registration", actor="self-registration:203.0.113.10")

    (message,) = sender.sent
    assert message.to == "somers378@gmail.com"
    assert message.sender == "portal@example.com"
    assert f"#token={record.invitation_id}." in message.html
    assert f"#token={record.invitation_id}." in message.text
    assert "Tom &amp; Jerry" in message.html
    assert "Tom & Jerry" in message.text
    entry = _history(staff, contact.contact_id)[0]
    assert entry["action"] == "invite_sent"
    assert entry["details"]["trigger"] == "self_registration"
    assert record.status == "sent"
    assert record.message_id == "fake-1"


def test_login_reminder_for_an_email_that_already_has_a_login(build, contact, staff):
    sender = FakeSender()

    assert build(sender).login_reminders.send(contact, actor="self-registration:203.0.113.10") is True

    (message,) = sender.sent
    assert message.subject == "You already have a customer portal login"
    assert "https://portal.example.com" in message.text
    assert "#token=" not in message.html
    assert _history(staff, contact.contact_id)[0]["action"] == "login_reminder_sent"
    assert build(FakeSender(EmailSendFailed("Throttling"))).login_reminders.send(contact, actor="x") is False


def test_ses_failure_keeps_the_invitation_as_failed_with_the_reason(build, contact, staff):
    service = build(FakeSender(EmailSendFailed("TooManyRequestsException: Maximum sending rate exceeded")))

    record = service.sending.send(contact, trigger="manual", actor="staff:aliena.somers")

    assert record.status == "failed"
    (listed,), _ = service.listing.list(contact.contact_id, cursor=None, limit=10)
    assert listed.status == "failed"
    assert listed.failure_reason == "TooManyRequestsException: Maximum sending rate exceeded"
    assert [e["action"] for e in _history(staff, contact.contact_id)][:2] == ["invite_failed", "invite_sent"]


def test_an_unexpected_sender_error_is_recorded_then_raised(build, contact):
    service = build(FakeSender(ConnectionResetError("peer reset")))
    with pytest.raises(ConnectionResetError):
        service.sending.send(contact, trigger="auto", actor="system:auto-invite")
    (listed,), _ = service.listing.list(contact.contact_id, cursor=None, limit=10)
    assert listed.status == "failed"


def test_ttl_comes_from_the_settings(build, contact):
    record = build(FakeSender(), INVITATION_TTL_DAYS="3").sending.send(contact, trigger="manual", actor="staff:x")
    created = datetime.fromisoformat(record.created_at)
    assert datetime.fromisoformat(record.expires_at) - created == timedelta(days=3)


def test_a_send_racing_another_reads_the_pointer_again(build, contact, monkeypatch):
    service = build(FakeSender())
    first = service.sending.send(contact, trigger="manual", actor="staff:x")
    real = InvitationPointers.latest_invitation_id
    calls: list[str | None] = []

    def stale_once(self, contact_id):
        # The first read misses the invitation a concurrent send has just written.
        value = None if not calls else real(self, contact_id)
        calls.append(value)
        return value

    monkeypatch.setattr(InvitationPointers, "latest_invitation_id", stale_once)
    second = service.sending.send(contact, trigger="manual", actor="staff:x")

    assert calls == [None, first.invitation_id]
    listed, _ = service.listing.list(contact.contact_id, cursor=None, limit=10)
    assert [(i.invitation_id, i.status) for i in listed] == [
        (second.invitation_id, "sent"),
        (first.invitation_id, "revoked"),
    ]


def test_a_claim_is_single_use_and_a_lapsed_lease_frees_it(build, contact, stack):
    service = build(FakeSender())
    record = service.sending.send(contact, trigger="manual", actor="staff:x")
    table = InvitationsTable(boto3.client("dynamodb"), stack.table("InvitationsTable"))
    now = datetime.now().astimezone()
    soon = iso(now + timedelta(seconds=60))

    assert table.claim(record, claim_id="a", now=iso(now), until=soon) is True
    assert table.claim(record, claim_id="b", now=iso(now), until=soon) is False
    table.release(record.invitation_id, claim_id="b")  # not b's: nothing happens
    assert table.claim(record, claim_id="c", now=iso(now), until=soon) is False
    # After the lease, a crashed holder no longer blocks the link.
    later = now + timedelta(seconds=61)
    assert table.claim(record, claim_id="d", now=iso(later), until=iso(later + timedelta(seconds=60))) is True
    table.release(record.invitation_id, claim_id="d")
    assert table.claim(record, claim_id="e", now=iso(later), until=iso(later + timedelta(seconds=60))) is True


def test_the_injected_clock_stamps_the_invitation_its_history_and_its_email(build, contact, staff):
    # One clock for the whole graph: the composition root's (here a fixed one), not the wall's.
    moment = datetime(2031, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)
    sender = FakeSender()
    service = build(sender, clock=lambda: moment, INVITATION_TTL_DAYS="2")

    record = service.sending.send(contact, trigger="manual", actor="staff:x")

    assert (record.created_at, record.sent_at) == ("2031-03-04T05:06:07.890Z", "2031-03-04T05:06:07.890Z")
    assert (record.expires_at, record.expiry_day) == ("2031-03-06T05:06:07.890Z", "2031-03-06")
    assert _history(staff, contact.contact_id)[0]["at"] == "2031-03-04T05:06:07.890Z"
    assert "March 6, 2031 05:06 UTC" in sender.sent[0].text
    # Listed as of the same clock: still unused two days on, expired from the moment it ends.
    (listed,), _ = service.listing.list(contact.contact_id, cursor=None, limit=10)
    assert listed.status == "sent"
    later = build(FakeSender(), clock=lambda: moment + timedelta(days=2))
    (listed,), _ = later.listing.list(contact.contact_id, cursor=None, limit=10)
    assert listed.status == "expired"
