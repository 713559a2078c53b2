"""Auto-invite on the contacts stream (rule 1): moto keeps the stream but never delivers it, so
each test wraps the items a route stored as the event source mapping would, and invokes."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from devkit.events import load_event
from devkit.streams import stored_images, stream_event
from portal_access.email.sender import SesEmailSender


def _invitation_triggers(invites, contact_id):
    return [(i["trigger"], i["status"]) for i in invites("GET", contact_id).body["items"]]


class TestInvites:
    def test_a_contact_created_alone_gets_exactly_one_email(self, add_contact, deliver, outbox, invites, staff):
        contact = add_contact()

        result = deliver([contact["contact_id"]])

        assert result == {"batchItemFailures": []}
        (email,) = outbox.all()
        assert email.to == ["somers378@gmail.com"]
        assert "#token=inv_" in email.body
        assert _invitation_triggers(invites, contact["contact_id"]) == [("auto", "sent")]
        history = staff("GET", f"/admin/contacts/{contact['contact_id']}/activity").body["items"]
        assert [e["action"] for e in history] == ["invite_auto_sent", "created"]
        assert history[0]["actor"] == "system:auto-invite"

    def test_contacts_created_with_a_new_account_are_invited_the_same_way(self, staff, deliver, outbox, demo_account):
        account = {
            "account_id": "21638",
            "name": "The Mill",
            "class_id": "COMM",
            "contacts": [
                {"name": "Mill Manager", "email": "manager@themill.example.com"},
                {"name": "Mill Office", "email": "office@themill.example.com"},
                {"name": "No Email Yet"},
            ],
        }
        created = staff("POST", "/admin/accounts", body=account)
        assert created.status == 201

        result = deliver([c["contact_id"] for c in created.body["contacts"]])

        assert result == {"batchItemFailures": []}
        assert sorted(a for m in outbox.all() for a in m.to) == [
            "manager@themill.example.com",
            "office@themill.example.com",
        ]
        assert all("The Mill" in m.subject for m in outbox.all())

    def test_a_failed_read_ahead_fails_no_record(self, add_contact, deliver, outbox, auto_invite, monkeypatch):
        # The batch's contacts are read up front; when that read fails, each record reads its own.
        contacts = [add_contact(name=f"Person {n}", email=f"person{n}@example.com") for n in range(2)]
        throttled = ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "BatchGetItem")

        def fail(*_: object, **__: object) -> None:
            raise throttled

        reads = auto_invite.module.graph.reads
        monkeypatch.setattr(reads._contacts, "get_many", fail)

        assert deliver([c["contact_id"] for c in contacts]) == {"batchItemFailures": []}

        assert sorted(a for m in outbox.all() for a in m.to) == ["person0@example.com", "person1@example.com"]

    def test_the_same_batch_delivered_twice_sends_each_email_once(self, add_contact, deliver, outbox, stack, invites):
        contacts = [add_contact(name=f"Person {n}", email=f"person{n}@example.com") for n in range(3)]
        images = stored_images(
            boto3.client("dynamodb"), stack.table("ContactsTable"), [c["contact_id"] for c in contacts]
        )
        batch = stream_event(images)

        assert deliver([], event=batch) == {"batchItemFailures": []}
        assert deliver([], event=batch) == {"batchItemFailures": []}

        assert sorted(a for m in outbox.all() for a in m.to) == [f"person{n}@example.com" for n in range(3)]
        for contact in contacts:
            assert _invitation_triggers(invites, contact["contact_id"]) == [("auto", "sent")]

    def test_one_failing_record_in_ten_is_the_only_one_reported_and_its_retry_sends_once(
        self, add_contact, deliver, outbox, stack, monkeypatch
    ):
        contacts = [add_contact(name=f"Person {n}", email=f"person{n}@example.com") for n in range(10)]
        images = stored_images(
            boto3.client("dynamodb"), stack.table("ContactsTable"), [c["contact_id"] for c in contacts]
        )
        batch = stream_event(images)
        real_send = SesEmailSender.send

        def flaky_send(self, message):
            if message.to == "person6@example.com":
                raise ConnectionError("network went away")
            return real_send(self, message)

        monkeypatch.setattr(SesEmailSender, "send", flaky_send)
        result = deliver([], event=batch)

        assert result == {"batchItemFailures": [{"itemIdentifier": batch["Records"][6]["dynamodb"]["SequenceNumber"]}]}
        assert len(outbox.all()) == 9
        assert outbox.to("person6@example.com") == []

        # The event source mapping retries; now SES works. The nine are not mailed again.
        monkeypatch.setattr(SesEmailSender, "send", real_send)
        assert deliver([], event=batch) == {"batchItemFailures": []}
        assert len(outbox.all()) == 10
        assert len(outbox.to("person6@example.com")) == 1

    def test_the_sample_event_is_a_valid_batch(self, deliver, outbox, demo_account):
        # Its contacts are not in the table (deleted before the record was processed): skipped.
        assert deliver([], event=load_event("contacts_stream_insert.json")) == {"batchItemFailures": []}
        assert outbox.all() == []


class TestDoesNotInvite:
    def test_an_update_never_invites(self, add_contact, staff, deliver, outbox):
        contact = add_contact()
        patched = staff(
            "PATCH", f"/admin/contacts/{contact['contact_id']}", body={"title": "Owner"}, headers={"If-Match": "1"}
        )
        assert patched.status == 200

        # The stream filter drops MODIFY records; one that reaches the handler anyway is skipped.
        assert deliver([contact["contact_id"]], event_name="MODIFY") == {"batchItemFailures": []}
        assert deliver([contact["contact_id"]], event_name="REMOVE") == {"batchItemFailures": []}

        assert outbox.all() == []

    def test_inactive_account(self, staff, deliver, outbox, demo_account):
        account = {
            "account_id": "30002",
            "name": "Closed Gym",
            "status": "inactive",
            "class_id": "COMM",
            "contacts": [{"name": "Former Owner", "email": "owner@closed.example.com"}],
        }
        contact = staff("POST", "/admin/accounts", body=account).body["contacts"][0]

        assert deliver([contact["contact_id"]]) == {"batchItemFailures": []}

        assert outbox.all() == []

    @pytest.mark.parametrize(
        "switches",
        [
            {"enable_portal_access": True, "auto_send_portal_invitation": False},
            {"enable_portal_access": False, "auto_send_portal_invitation": True},
        ],
    )
    def test_class_switch_off(self, staff, deliver, outbox, switches):
        assert staff("POST", "/admin/account-classes", body={"class_id": "RES", **switches}).status == 201
        account = {
            "account_id": "30003",
            "name": "Home",
            "class_id": "RES",
            "contacts": [{"name": "Ann", "email": "ann@example.com"}],
        }
        contact = staff("POST", "/admin/accounts", body=account).body["contacts"][0]

        assert deliver([contact["contact_id"]]) == {"batchItemFailures": []}

        assert outbox.all() == []

    def test_contact_with_portal_access_disabled(self, add_contact, deliver, outbox):
        contact = add_contact(enable_portal_access=False)
        assert deliver([contact["contact_id"]]) == {"batchItemFailures": []}
        assert outbox.all() == []

    def test_missing_email_is_skipped_not_failed(self, add_contact, deliver, outbox, invites):
        contact = add_contact(email=None)
        assert deliver([contact["contact_id"]]) == {"batchItemFailures": []}
        assert outbox.all() == []
        assert invites("GET", contact["contact_id"]).body["items"] == []

    @pytest.mark.parametrize("email", ["not-an-email", "two@@example.com", ""])
    def test_invalid_email_in_the_record_is_skipped_not_failed(self, add_contact, deliver, outbox, stack, email):
        # The API never stores one; a record written some other way must not retry forever.
        contact = add_contact()
        images = stored_images(boto3.client("dynamodb"), stack.table("ContactsTable"), [contact["contact_id"]])
        images[0]["email"] = {"S": email}
        event = stream_event(images)

        assert deliver([], event=event) == {"batchItemFailures": []}

        assert outbox.all() == []

    def test_a_record_that_is_not_a_contact_is_skipped_not_failed(self, deliver, outbox, demo_account):
        event = stream_event([{"contact_id": {"S": "ct_x"}, "something": {"S": "else"}}])
        assert deliver([], event=event) == {"batchItemFailures": []}
        assert outbox.all() == []
