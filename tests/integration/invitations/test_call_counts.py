"""The AWS calls each invitations route makes, as docs/data-model.md states them (rule 7):
fixed numbers, no Scan, whatever the tables hold."""

from __future__ import annotations

from collections import Counter

from tests.integration.invitations.conftest import GOOD_PASSWORD


def test_send(invites, add_contact, calls):
    contact = add_contact()
    calls.clear()
    assert invites("POST", contact["contact_id"]).status == 202
    # contact, account, class, the email's suppression, options, pointer, template
    assert calls.of("dynamodb") == Counter(GetItem=7, TransactWriteItems=1, UpdateItem=1)
    assert calls.of("sesv2") == Counter(SendEmail=1)

    calls.clear()  # a resend revokes the previous one inside the same transaction
    assert invites("POST", contact["contact_id"]).status == 202
    assert calls.count("dynamodb") == 9


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
    # per batch: the contacts, their pointers and their emails' suppression entries (one
    # BatchGetItem each), the account, its class, the options and the template; per record:
    # idempotency Put + Update, the invitation transaction, sent_at (or, as here where SES
    # refuses, the `failed` transaction)
    made = calls.of("dynamodb")
    assert (made["BatchGetItem"], made["GetItem"]) == (3, 4)
    assert calls.count("dynamodb") == 7 + 3 * 4
    assert calls.of("sesv2") == Counter(SendEmail=3)


def test_auto_invite_reads_each_account_once_per_batch(add_contact, deliver, calls, staff):
    other = {"account_id": "77001", "name": "Second Account", "class_id": "COMM"}
    assert staff("POST", "/admin/accounts", body=other).status == 201
    first = [add_contact(name=f"P{n}", email=f"p{n}@example.com") for n in range(2)]
    second = staff("POST", "/admin/accounts/77001/contacts", body={"name": "Q", "email": "q@example.com"}).body
    calls.clear()
    assert deliver([c["contact_id"] for c in [*first, second]]) == {"batchItemFailures": []}
    calls.made = calls.made[3:]  # the test's own reads of the three stored items
    # the two accounts and (one) class, the options and the template: 5 GetItem for the batch
    made = calls.of("dynamodb")
    assert (made["BatchGetItem"], made["GetItem"]) == (3, 5)
    assert calls.count("dynamodb") == 8 + 3 * 4
