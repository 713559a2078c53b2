"""Lifecycle events from stored items (domain/lifecycle_events.py), and their published schemas."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from portal_access.domain.lifecycle_events import access_request_events, activity_events, invitation_events
from scripts.event_schemas import EVENTS_DIR, render_all
from tests.support.invitations import SENT_INVITATION

SENT = SENT_INVITATION


def envelope(event: Any) -> dict[str, Any]:
    """The event as a bus target gets it."""
    return {
        "source": "portal-access",
        "detail-type": event.detail_type,
        "time": "2026-11-24T14:30:00Z",
        "detail": json.loads(event.detail.model_dump_json()),
    }


def schema_of(detail_type: str) -> dict[str, Any]:
    return dict(json.loads((EVENTS_DIR / (detail_type.lower().replace(" ", "-") + ".json")).read_text()))


def test_the_committed_schemas_are_current():
    rendered = render_all()
    committed = {p.name: p.read_text(encoding="utf-8") for p in EVENTS_DIR.glob("*.json")}
    assert committed == rendered, "docs/events is stale: run `make openapi` and commit it"


def test_each_transition_of_an_invitation_is_one_event_with_a_stable_id():
    sent = {**SENT, "sent_at": "2026-11-24T14:30:01.000Z", "message_id": "m-1"}
    delivered = {**sent, "delivery": "delivered", "delivered_at": "2026-11-24T14:30:02.000Z"}
    accepted = {**delivered, "status": "accepted", "accepted_at": "2026-11-24T15:00:00.000Z", "login_id": "sub-1"}

    steps = [invitation_events(SENT, sent), invitation_events(sent, delivered), invitation_events(delivered, accepted)]

    assert [[e.detail_type for e in step] for step in steps] == [
        ["Invitation Sent"],
        ["Invitation Delivered"],
        ["Invitation Accepted"],
    ]
    # a redelivered record gives the same ids; another invitation other ids
    assert invitation_events(SENT, sent)[0].detail.event_id == steps[0][0].detail.event_id
    other = {**sent, "invitation_id": "inv_ffffffffffffffffffff"}
    assert invitation_events({**SENT, "invitation_id": other["invitation_id"]}, other)[0].detail.event_id != (
        steps[0][0].detail.event_id
    )
    # a change that is no transition (a claim taken) publishes nothing
    assert invitation_events(sent, {**sent, "claim_id": "c", "claim_until": "x"}) == []


def test_pointer_and_suppression_items_publish_nothing():
    assert invitation_events(None, {"invitation_id": "CONTACT#ct_1", "latest_invitation_id": "inv_1"}) == []
    assert invitation_events(None, {"invitation_id": "SUPPRESSED#a@b.c", "email": "a@b.c", "reason": "bounced"}) == []


@pytest.mark.parametrize(
    ("action", "details", "detail_type"),
    [
        ("invite_accepted", {"new_login": True, "login_id": "sub-1", "invitation_id": "inv_1"}, "Portal Login Created"),
        ("login_disabled", {"login_id": "sub-1"}, "Portal Login Disabled"),
        ("login_enabled", {"login_id": "sub-1"}, "Portal Login Enabled"),
        ("access_changed", {"all_sites": False, "site_ids": ["49418001"]}, "Portal Access Changed"),
        ("unlinked", {}, "Contact Unlinked"),
        (
            "self_registered",
            {"request_id": "sr_1", "contact_created": True, "invoice_number": "1004217", "proof": "quick_pay_code"},
            "Self Registration Completed",
        ),
    ],
)
def test_activity_entries_that_matter_elsewhere_become_events_valid_against_their_schema(action, details, detail_type):
    entry = {
        "contact_id": "ct_1",
        "activity_id": "act_1",
        "at": "2026-11-24T14:30:00.000Z",
        "actor": "staff:aliena.somers",
        "action": action,
        "details": {**details, "account_id": "49418"},
    }

    (event,) = activity_events(entry)

    assert event.detail_type == detail_type
    jsonschema.validate(envelope(event), schema_of(detail_type))
    assert "invoice_number" not in event.detail.model_dump()  # only ids leave the service


def test_an_access_request_names_its_account_and_sites_never_the_requester():
    site = {"account_id": "49418", "site_id": "49418001", "name": "Gym", "status": "active"}
    item = {
        "pk": "ACCESS_REQUEST#ar_1",
        "request_id": "ar_1",
        "received_at": "2026-11-24T14:30:00.000Z",
        "email": "someone@example.com",
        "contact_name": "Some One",
        "site": site,
        "matched_sites": [site, {**site, "account_id": "21638", "site_id": "21638001"}],
    }

    (event,) = access_request_events(item)

    jsonschema.validate(envelope(event), schema_of("Access Request Received"))
    assert event.detail.model_dump()["site_ids"] == ["49418001"]
    assert "someone@example.com" not in event.detail.model_dump_json()
    assert access_request_events({**item, "pk": "ATTEMPT#sr_1"}) == []
