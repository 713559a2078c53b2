"""Invitation batches' pure rules: what each contact gets (domain/batch_selection.classify, on
states from domain/portal_status.status_of), and the completion event from the batch item."""

from __future__ import annotations

from typing import Any

import pytest

from portal_access.dal.invitation_records import InvitationRecord
from portal_access.domain.batch_selection import classify
from portal_access.domain.lifecycle_events import batch_events
from portal_access.domain.portal_status import AccountPortal, ContactState, status_of
from portal_access.models.contacts import Contact, PortalAccess
from portal_access.models.settings import AccountClass

NOW = "2026-12-01T12:00:00.000Z"
PORTAL_CLASS = AccountClass.model_validate(
    {"class_id": "COMM", "name": "Commercial", "enable_portal_access": True, "updated_at": NOW}
)


def contact(**fields: Any) -> Contact:
    base: dict[str, Any] = {
        "contact_id": "ct_1", "account_id": "49418", "level": "account", "name": "John Doe",
        "email": "john@example.com", "portal_access": PortalAccess(all_sites=True), "version": 1,
        "created_at": NOW, "updated_at": NOW, "enable_portal_access": True,
    }  # fmt: skip
    return Contact.model_validate({**base, **fields})


def invitation(**fields: Any) -> InvitationRecord:
    base: dict[str, Any] = {
        "invitation_id": "inv_1", "contact_id": "ct_1", "account_id": "49418", "email": "john@example.com",
        "trigger": "manual", "actor": "staff:a", "template": "Portal Invite", "status": "sent",
        "secret_hash": "x", "created_at": NOW, "expires_at": "2026-12-08T12:00:00.000Z", "purge_at": 1,
    }  # fmt: skip
    return InvitationRecord.model_validate({**base, **fields})


def verdict(
    person: Contact,
    latest: InvitationRecord | None = None,
    *,
    suppressed: bool = False,
    active: bool = True,
    portal_class: AccountClass | None = PORTAL_CLASS,
    include: tuple[str, ...] = ("never_invited", "expired"),
) -> str | None:
    portal = AccountPortal(account_id="49418", active=active, account_class=portal_class)
    status = status_of(person, portal, latest, suppressed=suppressed, now=NOW)
    state = ContactState(person, status, suppressed, latest.invitation_id if latest else None, latest)
    return classify(state, portal, include)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ({"person": contact()}, "would_invite"),
        ({"person": contact(), "latest": invitation(status="failed")}, "would_invite"),
        ({"person": contact(), "latest": invitation(expires_at="2026-11-30T00:00:00.000Z")}, "would_invite"),
        ({"person": contact(), "latest": invitation()}, "invitation_pending"),
        ({"person": contact(), "latest": invitation(delivery="delivered")}, "invitation_pending"),
        ({"person": contact(email=None)}, "no_email"),
        ({"person": contact(), "suppressed": True}, "email_undeliverable"),
        ({"person": contact(portal_user=True, login_id="l")}, "has_login"),
        ({"person": contact(enable_portal_access=False)}, "portal_access_disabled"),
        ({"person": contact(), "portal_class": None}, "portal_access_disabled"),
        ({"person": contact(), "active": False}, "account_inactive"),
        # the first reason that applies wins: an inactive account's contact without email
        ({"person": contact(email=None), "active": False}, "account_inactive"),
        ({"person": contact(), "include": ("expired",)}, None),
        ({"person": contact(), "latest": invitation(expires_at="2026-11-30T00:00:00.000Z"),
          "include": ("never_invited",)}, None),
    ],
)  # fmt: skip
def test_classify(case: dict[str, Any], expected: str | None) -> None:
    assert verdict(**case) == expected


@pytest.mark.parametrize(
    ("fields", "latest", "suppressed", "expected"),
    [
        ({}, None, False, "none"),
        ({}, {}, False, "invited"),
        ({}, {"delivery": "delivered"}, False, "delivered"),
        ({}, {"delivery": "bounced"}, False, "undeliverable"),
        ({}, None, True, "undeliverable"),
        ({}, {"expires_at": "2026-11-30T00:00:00.000Z"}, False, "expired"),
        ({}, {"status": "revoked"}, False, "expired"),
        ({"portal_user": True}, {"status": "accepted"}, False, "active"),
        ({"portal_user": True, "enable_portal_access": False}, None, False, "disabled"),
    ],
)
def test_portal_status(fields: dict[str, Any], latest: dict[str, Any] | None, suppressed: bool, expected: str) -> None:
    portal = AccountPortal(account_id="49418", active=True, account_class=PORTAL_CLASS)
    record = invitation(**latest) if latest is not None else None
    assert status_of(contact(**fields), portal, record, suppressed=suppressed, now=NOW) == expected


def test_the_completion_event_is_published_once_with_the_counts() -> None:
    running = {"invitation_id": "BATCH#batch_1", "batch_id": "batch_1", "state": "running", "created_at": NOW,
               "actor": "staff:aliena", "total": 5, "sent": 3, "failed": 0, "skipped_no_email": 2}  # fmt: skip
    completed = {**running, "state": "completed", "completed_at": "2026-12-01T12:05:00.000Z"}
    (event,) = batch_events(running, completed)
    assert event.detail_type == "Invitation Batch Completed"
    assert event.detail.model_dump(include={"batch_id", "total", "sent", "skipped", "occurred_at"}) == {
        "batch_id": "batch_1", "total": 5, "sent": 3, "skipped": {"no_email": 2},
        "occurred_at": "2026-12-01T12:05:00.000Z",
    }  # fmt: skip
    assert batch_events(completed, {**completed, "sent": 4}) == []  # already completed: no second event
    assert batch_events(None, running) == []
