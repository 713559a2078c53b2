"""The local mailbox simulator: which SES events a send to each simulator address produces."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from local.mailbox import SentEmail, simulated_events
from portal_access.models.delivery import SesEvent

NOW = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)


def events_for(address: str) -> list[dict[str, Any]]:
    sent = SentEmail("m-1", "portal@example.com", (address,), "invitations", {"invitation_id": "inv_1"})
    return simulated_events(sent, now=NOW, account_id="123456789012", region="us-east-1")


@pytest.mark.parametrize(
    ("address", "kinds"),
    [
        ("success@simulator.amazonses.com", ["Delivery"]),
        ("success+label-1@simulator.amazonses.com", ["Delivery"]),
        ("Bounce+x@Simulator.AmazonSES.com", ["Bounce"]),
        ("complaint@simulator.amazonses.com", ["Delivery", "Complaint"]),
        ("suppressionlist+y@simulator.amazonses.com", ["Bounce"]),
        ("ooto@simulator.amazonses.com", ["Delivery"]),
        ("someone@example.com", []),
        ("success@simulator.amazonses.com.evil.example", []),
    ],
)
def test_each_simulator_address_produces_the_events_ses_would(address, kinds):
    assert [e["eventType"] for e in events_for(address)] == kinds


def test_the_events_carry_the_sends_tags_and_parse_as_ses_events():
    bounce = SesEvent.model_validate(events_for("suppressionlist@simulator.amazonses.com")[0])

    assert bounce.mail.tag("invitation_id") == "inv_1"
    assert bounce.mail.tag("ses:configuration-set") == "invitations"
    assert bounce.bounce is not None
    assert (bounce.bounce.bounce_type, bounce.bounce.bounce_sub_type) == ("Permanent", "Suppressed")
