"""Invitation batches against moto: the dry run's exact counts by reason, a run that invites
exactly those once (through the worker, as the queue delivers it), re-runs and redelivered
messages that send nothing more, a manual invite that got there first, cancel, and the calls a
dry run makes per page."""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from devkit.events import STAFF_CLAIMS, http_event, load_event
from devkit.responses import HttpResponse
from portal_access.email.sender import EmailSendFailed
from tests.conftest import Function, Stack, call
from tests.integration.invitations.conftest import Outbox

SKIPS = ("account_inactive", "has_login", "portal_access_disabled", "no_email", "email_undeliverable",
         "invitation_pending")  # fmt: skip


def skipped(**counts: int) -> dict[str, int]:
    return {reason: counts.get(reason, 0) for reason in SKIPS}


class BatchQueue:
    """The batch queue, delivered to the worker one message at a time (the mapping's BatchSize)."""

    def __init__(self, url: str, worker: Function) -> None:
        self.url = url
        self.worker = worker
        self.sqs = boto3.client("sqs")

    def receive(self) -> list[dict[str, Any]]:
        return [
            dict(m) for m in self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", [])
        ]

    def deliver(self, message: dict[str, Any], *, delete: bool = True) -> dict[str, Any]:
        record = copy.deepcopy(load_event("invitation_batch_queue_batch.json")["Records"][0])
        record.update(messageId=message["MessageId"], receiptHandle=message["ReceiptHandle"], body=message["Body"])
        result: dict[str, Any] = self.worker.invoke({"Records": [record]})
        if delete and not result["batchItemFailures"]:
            self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        return result

    def drain(self) -> int:
        delivered = 0
        while messages := self.receive():
            for message in messages:
                assert self.deliver(message) == {"batchItemFailures": []}
                delivered += 1
        return delivered


@pytest.fixture
def batch_queue(stack: Stack, load_function: Callable[[str], Function], outbox: Outbox) -> BatchQueue:
    worker = load_function("InvitationBatchWorkerFunction")
    return BatchQueue(stack.resolver.physical["InvitationBatchQueue"], worker)


BatchApi = Callable[..., HttpResponse]


@pytest.fixture
def batches(load_function: Callable[[str], Function], batch_queue: BatchQueue) -> BatchApi:
    function = load_function("InvitationBatchesFunction")

    def request(method: str, path: str = "/admin/invitation-batches", **kwargs: Any) -> HttpResponse:
        return call(function, http_event(method, path, claims=STAFF_CLAIMS, **kwargs))

    return request


@pytest.fixture
def customer_base(staff, add_contact, invites, stack) -> dict[str, Any]:
    """On 49418 (class COMM, portal on): 3 never invited, 1 expired, 1 pending, 1 without email,
    1 undeliverable, 1 with a login, 1 with portal access off; 77001 inactive (2 contacts);
    88001 on class NOPORTAL (1 contact)."""
    dynamodb = boto3.client("dynamodb")
    names: dict[str, str] = {}
    for n in range(3):
        names[add_contact(name=f"New {n}", email=f"new{n}@example.com")["contact_id"]] = "would_invite"
    expired = add_contact(name="Expired", email="expired@example.com")
    expired_id = invites("POST", expired["contact_id"]).body["invitation_id"]
    dynamodb.update_item(
        TableName=stack.table("InvitationsTable"),
        Key={"invitation_id": {"S": expired_id}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"S": "2020-01-01T00:00:00.000Z"}},
    )
    names[expired["contact_id"]] = "would_invite"
    pending = add_contact(name="Pending", email="pending@example.com")
    invites("POST", pending["contact_id"])
    add_contact(name="No Email", email=None)
    add_contact(name="Bounced", email="bounced@example.com")
    dynamodb.put_item(
        TableName=stack.table("InvitationsTable"),
        Item={
            "invitation_id": {"S": "SUPPRESSED#bounced@example.com"},
            "email": {"S": "bounced@example.com"},
            "reason": {"S": "bounced"},
            "at": {"S": "2026-01-01T00:00:00.000Z"},
            "reported_invitation_id": {"S": "inv_x"},
        },
    )
    login = add_contact(name="Login", email="login@example.com")
    dynamodb.update_item(
        TableName=stack.table("ContactsTable"),
        Key={"contact_id": {"S": login["contact_id"]}},
        UpdateExpression="SET portal_user = :t, login_id = :l",
        ExpressionAttributeValues={":t": {"BOOL": True}, ":l": {"S": "login-1"}},
    )
    add_contact(name="Off", email="off@example.com", enable_portal_access=False)
    inactive = {"account_id": "77001", "name": "Closed", "class_id": "COMM", "status": "inactive"}
    assert staff("POST", "/admin/accounts", body=inactive).status == 201
    for n in range(2):
        body = {"level": "account", "name": f"Closed {n}", "email": f"closed{n}@example.com"}
        assert staff("POST", "/admin/accounts/77001/contacts", body=body).status == 201
    no_portal = {
        "class_id": "NOPORTAL", "name": "No portal", "enable_portal_access": False,
        "auto_send_portal_invitation": False, "allow_invoice_verified_self_registration": False,
        "enable_viewing_inactive_site": "no",
    }  # fmt: skip
    assert staff("POST", "/admin/account-classes", body=no_portal).status == 201
    assert (
        staff("POST", "/admin/accounts", body={"account_id": "88001", "name": "Resi", "class_id": "NOPORTAL"}).status
        == 201
    )
    body = {"level": "account", "name": "Resi 0", "email": "resi0@example.com"}
    assert staff("POST", "/admin/accounts/88001/contacts", body=body).status == 201
    return {"invite": sorted(names)}


def dry_run(batches: BatchApi, selection: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response = batches("POST", body={"selection": selection, "dry_run": True, **extra})
    assert response.status == 200, response.body
    return dict(response.body)


@pytest.mark.usefixtures("customer_base")
def test_a_dry_run_counts_each_reason_exactly(batches):
    named = dry_run(batches, {"account_ids": ["49418", "77001", "88001"]})
    assert (named["would_invite"], named["skipped"]) == (
        4,
        skipped(account_inactive=2, has_login=1, portal_access_disabled=2, no_email=1, email_undeliverable=1,
                invitation_pending=1),
    )  # fmt: skip
    assert {s["name"] for s in named["samples"]["would_invite"]} == {"New 0", "New 1", "New 2", "Expired"}
    assert [s["name"] for s in named["samples"]["email_undeliverable"]] == ["Bounced"]
    by_class = dry_run(batches, {"class_id": "COMM"})
    assert (by_class["would_invite"], by_class["skipped"]["account_inactive"]) == (4, 2)
    active = dry_run(batches, {"all_active_accounts": True})
    assert (active["would_invite"], active["skipped"]["account_inactive"], active["accounts_examined"]) == (4, 0, 2)
    assert dry_run(batches, {"class_id": "COMM"}, include=["expired"])["would_invite"] == 1
    assert dry_run(batches, {"class_id": "COMM"}, include=["never_invited"])["would_invite"] == 3


def test_a_selection_is_checked(batches, demo_account):
    assert batches("POST", body={"selection": {}}).status == 422
    assert batches("POST", body={"selection": {"class_id": "COMM", "all_active_accounts": True}}).status == 422
    unknown = batches("POST", body={"selection": {"account_ids": ["49418", "nope"]}})
    assert (unknown.status, unknown.body["error"]["field"]) == (422, "selection.account_ids")
    assert batches("GET", "/admin/invitation-batches/batch_unknown").status == 404


def run(batches: BatchApi, selection: dict[str, Any]) -> str:
    response = batches("POST", body={"selection": selection, "dry_run": False})
    assert response.status == 202, response.body
    return str(response.body["batch_id"])


def test_a_run_invites_exactly_those_once_and_a_rerun_nothing(batches, batch_queue, customer_base, outbox):
    before = len(outbox.all())
    batch_id = run(batches, {"class_id": "COMM"})
    batch_queue.drain()
    progress = batches("GET", f"/admin/invitation-batches/{batch_id}").body
    assert (progress["state"], progress["total"], progress["sent"], progress["failed"]) == ("completed", 11, 4, 0)
    assert progress["skipped"] == skipped(account_inactive=2, has_login=1, portal_access_disabled=1, no_email=1,
                                          email_undeliverable=1, invitation_pending=1)  # fmt: skip
    mailed = Counter(m.to[0] for m in outbox.all()[before:])
    assert mailed == Counter({"new0@example.com": 1, "new1@example.com": 1, "new2@example.com": 1,
                              "expired@example.com": 1})  # fmt: skip

    again = run(batches, {"class_id": "COMM"})
    batch_queue.drain()
    rerun = batches("GET", f"/admin/invitation-batches/{again}").body
    assert (rerun["state"], rerun["sent"], rerun["skipped"]["invitation_pending"]) == ("completed", 0, 5)
    assert len(outbox.all()) == before + 4


def test_a_redelivered_send_and_a_manual_invite_first_mail_no_one_twice(
    batches, batch_queue, add_contact, invites, outbox
):
    first = add_contact(name="A", email="a@example.com")
    second = add_contact(name="B", email="b@example.com")
    batch_id = run(batches, {"account_ids": ["49418"]})
    (plan,) = batch_queue.receive()
    batch_queue.deliver(plan)
    (send,) = batch_queue.receive()  # both contacts in one send chunk
    assert invites("POST", second["contact_id"]).status == 202  # staff got there first
    batch_queue.deliver(send, delete=False)
    batch_queue.deliver(send)  # the same message again (a redelivery)
    progress = batches("GET", f"/admin/invitation-batches/{batch_id}").body
    assert (progress["state"], progress["sent"], progress["skipped"]["invitation_pending"]) == ("completed", 1, 1)
    assert [len(outbox.to(c["email"])) for c in (first, second)] == [1, 1]


def test_cancel_stops_what_is_not_sent(batches, batch_queue, add_contact, outbox):
    for n in range(3):
        add_contact(name=f"C{n}", email=f"c{n}@example.com")
    batch_id = run(batches, {"account_ids": ["49418"]})
    (plan,) = batch_queue.receive()
    batch_queue.deliver(plan)
    cancelled = batches("DELETE", f"/admin/invitation-batches/{batch_id}")
    assert (cancelled.status, cancelled.body["state"]) == (202, "cancelled")
    batch_queue.drain()
    progress = batches("GET", f"/admin/invitation-batches/{batch_id}").body
    assert (progress["state"], progress["sent"], progress["cancelled"]) == ("cancelled", 0, 3)
    assert outbox.all() == []


def test_a_dry_run_reads_pages_not_contacts(batches, staff, demo_account, calls):
    def contact_calls(count: int) -> Counter[str]:
        for n in range(count):
            body = {"level": "account", "name": f"P{n}", "email": f"p{n}@example.com"}
            assert staff("POST", "/admin/accounts/49418/contacts", body=body).status == 201
        calls.clear()
        dry_run(batches, {"account_ids": ["49418"]})
        return calls.of("dynamodb")

    # the named accounts (BatchGet), the class, the page (Query), its pointers and suppressions
    # (no latest invitations to read: nobody was invited)
    assert contact_calls(5) == Counter(BatchGetItem=3, GetItem=1, Query=1)
    assert contact_calls(90) == Counter(BatchGetItem=3, GetItem=1, Query=1)  # 95 contacts: one page
    assert contact_calls(10) == Counter(BatchGetItem=5, GetItem=1, Query=2)  # 105: two pages


def test_too_large_a_dry_run_says_how_to_narrow_it(load_function, demo_account, staff, monkeypatch):
    function = load_function("InvitationBatchesFunction")
    monkeypatch.setattr(function.module.batches, "_max_pages", 1)
    for n in range(101):
        assert staff("POST", "/admin/accounts/49418/contacts", body={"name": f"P{n}"}).status == 201
    body = json.dumps({"selection": {"all_active_accounts": True}})
    response = call(
        function, http_event("POST", "/admin/invitation-batches", claims=STAFF_CLAIMS, body=json.loads(body))
    )
    assert response.status == 422
    assert response.body["error"]["code"] == "selection_too_large"
    assert "class_id" in response.body["error"]["message"]


def test_a_dry_run_that_runs_out_of_time_says_so_before_the_gateway_would(
    load_function, demo_account, staff, monkeypatch
):
    # Given a selection of two pages, and DynamoDB slow enough that one page takes 25 s
    function = load_function("InvitationBatchesFunction")
    ticks = iter(datetime(2026, 12, 6, 12, 0, tzinfo=UTC) + timedelta(seconds=25 * n) for n in range(100))
    monkeypatch.setattr(function.module.batches, "_clock", lambda: next(ticks))
    for n in range(101):
        assert staff("POST", "/admin/accounts/49418/contacts", body={"name": f"S{n}"}).status == 201
    # When staff ask for a dry run
    response = call(
        function,
        http_event(
            "POST", "/admin/invitation-batches", claims=STAFF_CLAIMS, body={"selection": {"account_ids": ["49418"]}}
        ),
    )
    # Then it stops after the page that outran its 20 s, with a 422 that says how to narrow it
    assert response.status == 422, response.body
    assert response.body["error"]["code"] == "selection_too_large"
    assert "20 seconds" in response.body["error"]["message"]


def test_ses_throttling_queues_the_rest_again_and_loses_no_one(batches, batch_queue, add_contact, outbox, monkeypatch):
    contacts = [add_contact(name=f"T{n}", email=f"t{n}@example.com") for n in range(3)]
    batch_id = run(batches, {"account_ids": ["49418"]})
    (plan,) = batch_queue.receive()
    batch_queue.deliver(plan)
    sender = batch_queue.worker.module.worker._sending._mail._mail._sender
    real_send = sender.send
    calls = {"n": 0}

    def throttled_once(message: Any) -> str:
        calls["n"] += 1
        if calls["n"] == 2:  # the second email: SES says "not now" after the SDK's retries
            raise EmailSendFailed("TooManyRequestsException", transient=True)
        return str(real_send(message))

    monkeypatch.setattr(sender, "send", throttled_once)
    (send,) = batch_queue.receive()
    assert batch_queue.deliver(send) == {"batchItemFailures": []}  # not failed: queued again, later
    (again,) = batch_queue.sqs.receive_message(QueueUrl=batch_queue.url, WaitTimeSeconds=3).get("Messages", [])
    assert json.loads(again["Body"])["attempt"] == 1
    assert batch_queue.deliver(dict(again)) == {"batchItemFailures": []}
    progress = batches("GET", f"/admin/invitation-batches/{batch_id}").body
    assert (progress["state"], progress["sent"], progress["failed"]) == ("completed", 3, 0)
    assert [len(outbox.to(c["email"])) for c in contacts] == [1, 1, 1]


def test_the_sample_request_is_a_dry_run(load_function, demo_account, add_contact):
    add_contact()
    function = load_function("InvitationBatchesFunction")
    event = load_event("invitation_batch_request.json")
    event["requestContext"]["authorizer"]["jwt"]["claims"] = STAFF_CLAIMS
    response = call(function, event)
    assert (response.status, response.body["would_invite"]) == (200, 1)
