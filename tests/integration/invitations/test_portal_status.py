"""The contacts' portal state on the Contacts grid and the staff contact view
(domain/portal_status.py): every state from real writes, and the grid's calls per page fixed."""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from tests.integration.invitations.conftest import GOOD_PASSWORD
from tests.integration.invitations.test_delivery_events import SIMULATOR, queue_batch, ses_events


def grid_status(staff: Any) -> dict[str, tuple[str, bool]]:
    rows = staff("GET", "/admin/accounts/49418/contacts", query={"limit": "100"}).body["items"]
    return {r["name"]: (r["portal_status"], r["email_undeliverable"]) for r in rows}


@pytest.fixture
def reported(load_function: Any) -> Callable[[str, str], None]:
    """reported(invitation_id, email): SES's events for that simulator mailbox, consumed."""
    delivery_function = load_function("DeliveryEventsFunction")

    def report(invitation_id: str, email: str) -> None:
        bodies = [json.dumps(e) for e in ses_events(invitation_id, email)]
        assert delivery_function.invoke(queue_batch(*bodies)) == {"batchItemFailures": []}

    return report


@pytest.fixture
def linked(add_contact: Any, invite: Any, accept: Any, portal_pool: Any) -> Callable[[str], dict[str, Any]]:
    """linked(name): a contact that accepted its invitation (a login is linked)."""

    def make(name: str) -> dict[str, Any]:
        contact = dict(add_contact(name=name, email=f"{name.lower()}@example.com"))
        assert accept(invite(contact), GOOD_PASSWORD).status == 200
        return contact

    return make


def test_every_state_on_the_grid_and_the_contact_view(staff, invites, add_contact, reported, linked):
    invitations_table = os.environ["INVITATIONS_TABLE_NAME"]  # set by loading the invite function
    box = uuid.uuid4().hex[:6]
    add_contact(name="Never", email="never@example.com")
    add_contact(name="No Email", email=None)
    invited = add_contact(name="Invited", email="invited@example.com")
    assert invites("POST", invited["contact_id"]).status == 202
    delivered_email = f"success+{box}@{SIMULATOR}"
    delivered = add_contact(name="Delivered", email=delivered_email)
    reported(invites("POST", delivered["contact_id"]).body["invitation_id"], delivered_email)
    bounced_email = f"bounce+{box}@{SIMULATOR}"
    bounced = add_contact(name="Bounced", email=bounced_email)
    reported(invites("POST", bounced["contact_id"]).body["invitation_id"], bounced_email)
    expired = add_contact(name="Expired", email="expired@example.com")
    expired_id = invites("POST", expired["contact_id"]).body["invitation_id"]
    boto3.client("dynamodb").update_item(
        TableName=invitations_table,
        Key={"invitation_id": {"S": expired_id}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"S": "2020-01-01T00:00:00.000Z"}},
    )
    active = linked("Active")
    disabled = linked("Disabled")
    version = staff("GET", f"/admin/contacts/{disabled['contact_id']}").body["version"]
    patched = staff(
        "PATCH",
        f"/admin/contacts/{disabled['contact_id']}",
        body={"enable_portal_access": False},
        headers={"if-match": str(version)},
    )
    assert patched.status == 200, patched.body

    assert grid_status(staff) == {
        "Never": ("none", False),
        "No Email": ("none", False),
        "Invited": ("invited", False),
        "Delivered": ("delivered", False),
        "Bounced": ("undeliverable", True),
        "Expired": ("expired", False),
        "Active": ("active", False),
        "Disabled": ("disabled", False),
    }
    view = staff("GET", f"/admin/contacts/{bounced['contact_id']}").body
    assert (view["portal_status"], view["email_undeliverable"]) == ("undeliverable", True)
    assert staff("GET", f"/admin/contacts/{active['contact_id']}").body["portal_status"] == "active"


def test_the_grid_reads_a_page_in_the_same_calls_whatever_its_size(staff, invites, add_contact, calls):
    def grid_calls() -> Counter[str]:
        calls.clear()
        assert staff("GET", "/admin/accounts/49418/contacts", query={"limit": "100"}).status == 200
        return calls.of("dynamodb")

    first = add_contact(name="P0", email="p0@example.com")
    invites("POST", first["contact_id"])
    small = grid_calls()
    for n in range(1, 30):
        contact = add_contact(name=f"P{n}", email=f"p{n}@example.com")
        invites("POST", contact["contact_id"])
    # account, class; the page; pointers, latest invitations, suppressions
    assert small == grid_calls() == Counter(GetItem=2, Query=1, BatchGetItem=3)
