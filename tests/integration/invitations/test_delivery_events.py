"""DeliveryEventsFunction against moto: SES's events (as the local mailbox simulator makes
them, in the queue's shape) move an invitation's `delivery` forward once, write its history,
and suppress an email that bounced permanently or was complained about."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from devkit.events import STAFF_CLAIMS, http_event, load_event
from local.mailbox import SentEmail, simulated_events
from portal_access.models.delivery import INVITATION_TAG
from tests.conftest import Function, call

SIMULATOR = "simulator.amazonses.com"


@pytest.fixture
def delivery_function(load_function: Callable[[str], Function]) -> Function:
    return load_function("DeliveryEventsFunction")


def ses_events(invitation_id: str, email: str) -> list[dict[str, Any]]:
    sent = SentEmail(uuid.uuid4().hex, "portal@example.com", (email,), "invitations", {INVITATION_TAG: invitation_id})
    return simulated_events(sent, now=datetime.now(UTC), account_id="123456789012", region="us-east-1")


def queue_batch(*bodies: str) -> dict[str, Any]:
    sample = load_event("delivery_events_queue_batch.json")["Records"][0]
    return {"Records": [{**copy.deepcopy(sample), "messageId": str(uuid.uuid4()), "body": b} for b in bodies]}


@pytest.fixture
def sent_to(invites: Any, add_contact: Any) -> Callable[[str], tuple[str, str, str]]:
    """sent_to("bounce"): (contact_id, invitation_id, email) of an invitation staff sent to that simulator box."""

    def send(mailbox: str) -> tuple[str, str, str]:
        email = f"{mailbox}+{uuid.uuid4().hex[:6]}@{SIMULATOR}"
        contact = add_contact(email=email)
        answer = invites("POST", contact["contact_id"])
        assert answer.status == 202, answer.body
        return contact["contact_id"], answer.body["invitation_id"], email

    return send


def invitation_of(invites: Any, contact_id: str) -> dict[str, Any]:
    return dict(invites("GET", contact_id).body["items"][0])


def actions_of(staff: Any, contact_id: str) -> list[str]:
    return [e["action"] for e in staff("GET", f"/admin/contacts/{contact_id}/activity").body["items"]]


def test_a_delivery_is_recorded_once_however_often_it_comes(delivery_function, sent_to, invites, staff):
    contact_id, invitation_id, email = sent_to("success")
    (delivered,) = ses_events(invitation_id, email)

    # When the same event arrives twice (a redelivered message), in two batches
    for _ in range(2):
        assert delivery_function.invoke(queue_batch(json.dumps(delivered))) == {"batchItemFailures": []}

    # Then the invitation is delivered and the history has one entry for it
    invitation = invitation_of(invites, contact_id)
    assert invitation["delivery"] == "delivered"
    assert invitation["delivered_at"] == delivered["delivery"]["timestamp"]
    assert actions_of(staff, contact_id).count("invite_delivered") == 1


def test_a_complaint_wins_over_a_late_delivery_and_suppresses_the_email(delivery_function, sent_to, invites, staff):
    contact_id, invitation_id, email = sent_to("complaint")
    delivered, complained = ses_events(invitation_id, email)

    # When the complaint arrives before the delivery SES reported first
    batch = queue_batch(json.dumps(complained), json.dumps(delivered))
    assert delivery_function.invoke(batch) == {"batchItemFailures": []}

    # Then `delivery` stays complained: a report never moves it back
    invitation = invitation_of(invites, contact_id)
    assert invitation["delivery"] == "complained"
    assert invitation["delivered_at"] is None
    assert actions_of(staff, contact_id) == ["invite_complained", "invite_sent", "created"]
    # and the email is not invited again
    again = invites("POST", contact_id)
    assert again.status == 409
    assert again.body["error"]["code"] == "email_undeliverable"


def test_a_transient_bounce_does_not_suppress_the_email(delivery_function, sent_to, invites):
    contact_id, invitation_id, email = sent_to("bounce")
    (bounced,) = ses_events(invitation_id, email)
    bounced["bounce"].update(bounceType="Transient", bounceSubType="MailboxFull")

    assert delivery_function.invoke(queue_batch(json.dumps(bounced))) == {"batchItemFailures": []}

    invitation = invitation_of(invites, contact_id)
    assert invitation["delivery"] == "bounced"
    assert invites("POST", contact_id).status == 202


def test_a_message_that_is_not_an_ses_event_or_not_ours_is_dropped(delivery_function, sent_to, invites):
    contact_id, _, email = sent_to("success")
    (foreign,) = ses_events("inv_00000000000000000000", email)
    del foreign["mail"]["tags"][INVITATION_TAG]

    answer = delivery_function.invoke(queue_batch("not json", json.dumps({"eventType": "Bounce"}), json.dumps(foreign)))

    assert answer == {"batchItemFailures": []}
    assert invitation_of(invites, contact_id)["delivery"] == "pending"


def test_a_suppression_is_never_listed_as_an_invitation(invite_admin, sent_to, delivery_function):
    contact_id, invitation_id, email = sent_to("bounce")
    (bounced,) = ses_events(invitation_id, email)
    delivery_function.invoke(queue_batch(json.dumps(bounced)))

    listed = call(invite_admin, http_event("GET", f"/admin/contacts/{contact_id}/invitations", claims=STAFF_CLAIMS))

    assert [i["invitation_id"] for i in listed.body["items"]] == [invitation_id]


def test_a_delay_is_recorded_once_while_the_email_is_pending(delivery_function, sent_to, invites, staff):
    contact_id, invitation_id, email = sent_to("success")
    (delivered,) = ses_events(invitation_id, email)
    delayed = {
        "eventType": "DeliveryDelay",
        "mail": delivered["mail"],
        "deliveryDelay": {
            "timestamp": delivered["delivery"]["timestamp"],
            "delayType": "MailboxFull",
            "delayedRecipients": [{"emailAddress": email, "status": "4.2.2"}],
        },
    }

    batch = queue_batch(json.dumps(delayed), json.dumps(delayed), json.dumps(delivered), json.dumps(delayed))
    assert delivery_function.invoke(batch) == {"batchItemFailures": []}

    assert invitation_of(invites, contact_id)["delivery"] == "delivered"
    actions = actions_of(staff, contact_id)
    assert actions.count("invite_delivery_delayed") == 1
    assert actions[0] == "invite_delivered"
