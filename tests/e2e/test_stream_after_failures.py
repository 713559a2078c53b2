"""The auto-invite stream keeps flowing after creates that fail (issue #11, observed 6): moto
rolls a failed transaction back by putting a copy of the table in place, and the local stack's
poller must follow the table's current stream. Over HTTP, reading the outbox."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Api, Outbox
from tests.e2e.test_journeys import DEMO_ACCOUNT, ensure_demo_account

pytestmark = pytest.mark.e2e


def test_a_contact_created_after_failed_creates_is_still_invited(staff: Api, outbox: Outbox, unique: str) -> None:
    # Given an account on the auto-inviting class, and creates that fail (each a cancelled transaction)
    ensure_demo_account(staff)
    account = {"account_id": DEMO_ACCOUNT, "name": "Again", "class_id": "COMM", "invoice_delivery": "email"}
    assert staff("POST", "/admin/accounts", json=account).status_code == 409
    orphan = {"level": "account", "name": "Nobody", "email": f"orphan-{unique}@example.com"}
    assert staff("POST", f"/admin/accounts/NOPE{unique}/contacts", json=orphan).status_code == 404
    foreign_site = {"level": "site", "site_id": "99999999", "name": "Wrong Site", "email": f"w-{unique}@example.com"}
    assert staff("POST", f"/admin/accounts/{DEMO_ACCOUNT}/contacts", json=foreign_site).status_code == 422

    # When a contact is then created
    email = f"after-failures-{unique}@example.com"
    body = {"level": "account", "name": "After Failures", "email": email}
    assert staff("POST", f"/admin/accounts/{DEMO_ACCOUNT}/contacts", json=body).status_code == 201

    # Then its invitation arrives, once
    assert len(outbox.wait_for(email)) == 1
    assert outbox.wait_for(f"orphan-{unique}@example.com", timeout=1) == []
