"""The AWS calls each invitations route makes, as docs/data-model.md states them (rule 7):
fixed numbers, no Scan, whatever the tables hold."""

from __future__ import annotations

from collections import Counter

from tests.integration.invitations.conftest import GOOD_PASSWORD


def test_send(invites, add_contact, calls):
    contact = add_contact()
    calls.clear()
    assert invites("POST", contact["contact_id"]).status == 202
    assert calls.of("dynamodb") == Counter(GetItem=6, TransactWriteItems=1, UpdateItem=1)
    assert calls.of("sesv2") == Counter(SendEmail=1)

    calls.clear()  # a resend revokes the previous one inside the same transaction
    assert invites("POST", contact["contact_id"]).status == 202
    assert calls.count("dynamodb") == 8


def test_list(invites, add_contact, calls):
    contact = add_contact()
    calls.clear()
    assert invites("GET", contact["contact_id"]).status == 200
    assert calls.of("dynamodb") == Counter(Query=1, GetItem=1)  # empty first page: does the contact exist?
    invites("POST", contact["contact_id"])
    calls.clear()
    assert invites("GET", contact["contact_id"]).status == 200
    assert calls.of("dynamodb") == Counter(Query=1)


def test_accept_new_login(invite, add_contact, accept, calls):
    token = invite(add_contact())
    calls.clear()
    assert accept(token, GOOD_PASSWORD).status == 200
    # the email guard's Put and Delete around the login's creation
    assert calls.of("dynamodb") == Counter(GetItem=4, UpdateItem=1, TransactWriteItems=1, PutItem=1, DeleteItem=1)
    assert calls.of("cognito-idp") == Counter(AdminGetUser=2, AdminCreateUser=1, AdminSetUserPassword=1)


def test_auto_invite_per_record(add_contact, deliver, calls):
    contacts = [add_contact(name=f"P{n}", email=f"p{n}@example.com") for n in range(3)]
    calls.clear()
    assert deliver([c["contact_id"] for c in contacts]) == {"batchItemFailures": []}
    calls.made = calls.made[3:]  # the test's own reads of the three stored items
    # per record: idempotency Put + Update, contact, account, class, options, pointer, template,
    # the invitation transaction, sent_at
    assert calls.count("dynamodb") == 3 * 10
    assert calls.of("sesv2") == Counter(SendEmail=3)
