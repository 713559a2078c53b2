"""POST /portal/self-registrations and its queue worker (rule 5), against moto.

The HTTP route only decides the answer and queues the request; each test then delivers what
was really enqueued (read back from the moto queue) to the worker, as the event source
mapping would, and looks at what came out: contacts, history, emails, staff's attempt list."""

from __future__ import annotations

import json

import boto3
import pytest

from devkit.streams import stored_images, stream_event
from portal_access.dal import contacts_table
from portal_access.domain.codes import hash_code
from portal_access.models.self_service import SELF_REGISTRATION_RECEIVED
from tests.integration.self_registration.conftest import INVOICE

REQUEST = {
    "invoice_number": "INV-100234",
    "quick_pay_code": "QP7K2M9X",
    "contact_name": "John Doe",
    "email": "somers378@gmail.com",
}
RECEIVED = SELF_REGISTRATION_RECEIVED.model_dump(mode="json")
EVENT = "self_registration_request.json"


def _contacts(staff):
    return staff("GET", "/admin/accounts/49418/contacts").body["items"]


def _history(staff, contact_id):
    return staff("GET", f"/admin/contacts/{contact_id}/activity").body["items"]


def _attempts(staff_lists):
    response = staff_lists("/admin/self-registrations")
    assert response.status == 200, response.body
    return response.body["items"]


@pytest.fixture
def login_page(set_options, invoice):
    """Request Login switched on, and invoice INV-100234 of account 49418 on record."""
    return set_options()


@pytest.mark.usefixtures("login_page")
class TestVerifiedRequests:
    def test_invoice_and_quick_pay_code_create_a_contact_with_portal_access_and_send_one_invitation(
        self, post, drain, staff, outbox, staff_lists
    ):
        # Given Request Login on and an invoice of account 49418
        # When someone asks with the invoice number and its quick-pay code
        response = post(EVENT, REQUEST)
        result = drain()

        # Then the same 202 as always, and the worker did it all
        assert response.status == 202
        assert response.body == RECEIVED
        assert result == {"batchItemFailures": []}
        (contact,) = _contacts(staff)
        assert contact["email"] == "somers378@gmail.com"
        assert contact["name"] == "John Doe"
        assert contact["type"] == "account"
        assert contact["enable_portal_access"] is True
        assert contact["portal_user"] is False  # until the invitation is accepted
        access = staff("GET", f"/admin/contacts/{contact['contact_id']}/portal-access").body
        assert access == {"all_sites": True, "site_ids": [], "roles": {}}
        (email,) = outbox.all()
        assert email.to == ["somers378@gmail.com"]
        assert email.subject == "Your customer portal access for Renovation Gym"
        assert "https://portal.example.com/invitations/accept#token=inv_" in email.body
        history = _history(staff, contact["contact_id"])
        assert [e["action"] for e in history] == ["invite_sent", "self_registered", "created"]
        assert {e["actor"] for e in history} == {"self_registration"}
        assert history[0]["details"]["trigger"] == "self_registration"
        assert history[1]["details"]["invoice_number"] == "INV-100234"
        assert history[2]["details"]["source"] == "self_registration"
        (attempt,) = _attempts(staff_lists)
        assert attempt["outcome"] == "invited"
        assert attempt["source_ip"] == "198.51.100.23"
        assert attempt["proof"] == "quick_pay_code"
        assert attempt["contact_id"] == contact["contact_id"]

    def test_invoice_and_account_number_do_the_same(self, post, drain, staff, outbox, staff_lists):
        body = {**REQUEST, "account_number": "49418"}
        del body["quick_pay_code"]

        response = post(EVENT, body)
        drain()

        assert (response.status, response.body) == (202, RECEIVED)
        (contact,) = _contacts(staff)
        assert contact["email"] == "somers378@gmail.com"
        assert len(outbox.to("somers378@gmail.com")) == 1
        assert _attempts(staff_lists)[0]["outcome"] == "invited"
        assert _attempts(staff_lists)[0]["proof"] == "account_number"

    def test_code_is_compared_as_typed_on_the_invoice_ignoring_case_and_spaces(self, post, drain, outbox):
        post(EVENT, {**REQUEST, "quick_pay_code": " qp7k 2m9x "})
        drain()

        assert len(outbox.all()) == 1

    def test_the_queue_never_carries_the_code(self, post, queue):
        post(EVENT, REQUEST)

        (message,) = queue.receive()
        assert "QP7K2M9X" not in message["Body"]
        assert json.loads(message["Body"])["quick_pay_code_hash"] == hash_code("QP7K2M9X")

    def test_an_existing_contact_with_that_email_is_reused(self, post, drain, staff, outbox):
        created = staff(
            "POST", "/admin/accounts/49418/contacts", body={"name": "John D.", "email": "Somers378@Gmail.com"}
        ).body

        post(EVENT, REQUEST)
        drain()

        (contact,) = _contacts(staff)
        assert contact["contact_id"] == created["contact_id"]
        assert contact["name"] == "John D."  # staff's details stay as they were
        assert len(outbox.to("somers378@gmail.com")) == 1
        actions = [e["action"] for e in _history(staff, created["contact_id"])]
        assert actions == ["invite_sent", "self_registered", "created"]

    def test_more_contacts_with_that_email_than_one_read_takes_is_said(
        self, *, post, drain, staff, outbox, monkeypatch, caplog
    ):
        for name in ("John D.", "J. Doe"):
            body = {"name": name, "email": "somers378@gmail.com"}
            assert staff("POST", "/admin/accounts/49418/contacts", body=body).status == 201
        monkeypatch.setattr(contacts_table, "MAX_CONTACTS_PER_EMAIL", 1)

        post(EVENT, REQUEST)
        assert drain() == {"batchItemFailures": []}

        assert len(_contacts(staff)) == 2  # one of the first read was reused, none created
        assert len(outbox.to("somers378@gmail.com")) == 1
        assert "email's contacts read in part" in [r.getMessage() for r in caplog.records]

    def test_an_email_that_already_has_a_login_gets_you_already_have_a_login(
        self, *, post, drain, staff, outbox, stack, staff_lists
    ):
        created = staff("POST", "/admin/accounts/49418/contacts", body={"name": "John", "email": REQUEST["email"]})
        contact_id = created.body["contact_id"]
        # Given the contact accepted an invitation earlier (linked to a portal login)
        boto3.client("dynamodb").update_item(
            TableName=stack.table("ContactsTable"),
            Key={"contact_id": {"S": contact_id}},
            UpdateExpression="SET portal_user = :t, login_id = :l",
            ExpressionAttributeValues={":t": {"BOOL": True}, ":l": {"S": "login-sub-1"}},
        )

        post(EVENT, REQUEST)
        drain()

        (email,) = outbox.all()
        assert email.subject == "You already have a customer portal login"
        assert "#token=" not in email.body
        assert len(_contacts(staff)) == 1
        assert _history(staff, contact_id)[0]["action"] == "login_reminder_sent"
        assert _attempts(staff_lists)[0]["outcome"] == "login_reminder_sent"

    def test_a_contact_staff_switched_portal_access_off_for_is_not_invited(
        self, post, drain, staff, outbox, staff_lists
    ):
        body = {"name": "John", "email": REQUEST["email"], "enable_portal_access": False}
        assert staff("POST", "/admin/accounts/49418/contacts", body=body).status == 201

        assert post(EVENT, REQUEST).body == RECEIVED
        drain()

        assert outbox.all() == []
        assert _attempts(staff_lists)[0]["outcome"] == "contact_portal_access_disabled"

    def test_an_email_ses_reported_undeliverable_is_not_invited_and_the_history_says_why(
        self, post, drain, staff, *, outbox, staff_lists, stack
    ):
        # Given SES reported the email as bounced (its suppression item, as the consumer writes it)
        boto3.client("dynamodb").put_item(
            TableName=stack.table("InvitationsTable"),
            Item={
                "invitation_id": {"S": f"SUPPRESSED#{REQUEST['email']}"},
                "email": {"S": REQUEST["email"]},
                "reason": {"S": "bounced"},
                "at": {"S": "2026-11-20T10:00:00.000Z"},
                "reported_invitation_id": {"S": "inv_00000000000000000000"},
            },
        )

        assert post(EVENT, REQUEST).body == RECEIVED
        drain()

        assert outbox.all() == []
        attempt = _attempts(staff_lists)[0]
        assert attempt["outcome"] == "email_undeliverable"
        skipped = [e for e in _history(staff, attempt["contact_id"]) if e["action"] == "invite_skipped"]
        assert [e["details"]["trigger"] for e in skipped] == ["self_registration"]

    def test_two_requests_processed_together_create_one_contact(self, post, drain, staff, outbox):
        post(EVENT, REQUEST)
        post(EVENT, {**REQUEST, "email": "SOMERS378@gmail.com"})

        assert drain() == {"batchItemFailures": []}

        assert len(_contacts(staff)) == 1
        assert len(outbox.all()) == 2  # the second revoked the first link, as a resend does

    def test_registering_again_after_staff_removed_the_contact_invites_a_new_one(
        self, *, post, drain, staff, outbox, staff_lists, stack
    ):
        # The new contact gets the same id, whose invitation pointer outlived the removed one:
        # the transaction that creates it and its invitation reads the pointer and is retried.
        post(EVENT, REQUEST)
        drain()
        (first,) = _contacts(staff)
        assert staff("DELETE", f"/admin/contacts/{first['contact_id']}").status == 204

        post(EVENT, REQUEST)
        assert drain() == {"batchItemFailures": []}

        (again,) = _contacts(staff)
        assert again["contact_id"] == first["contact_id"]
        assert [a["outcome"] for a in _attempts(staff_lists)] == ["invited", "invited"]
        assert len(outbox.to("somers378@gmail.com")) == 2
        stored = boto3.client("dynamodb").query(
            TableName=stack.table("InvitationsTable"),
            IndexName="by_contact",
            KeyConditionExpression="contact_id = :c",
            ExpressionAttributeValues={":c": {"S": again["contact_id"]}},
        )["Items"]
        assert sorted(i["status"]["S"] for i in stored) == ["revoked", "sent"]

    def test_a_redelivered_message_sends_no_second_email(self, post, queue, worker, outbox):
        from tests.integration.self_registration.conftest import sqs_event

        post(EVENT, REQUEST)
        messages = queue.receive()

        assert worker.invoke(sqs_event(messages)) == {"batchItemFailures": []}
        assert worker.invoke(sqs_event(messages)) == {"batchItemFailures": []}

        assert len(outbox.all()) == 1

    def test_the_auto_invite_stream_leaves_a_self_registered_contact_alone(
        self, *, post, drain, staff, outbox, stack, load_function
    ):
        post(EVENT, REQUEST)
        drain()
        (contact,) = _contacts(staff)
        images = stored_images(boto3.client("dynamodb"), stack.table("ContactsTable"), [contact["contact_id"]])

        # When the contacts stream delivers the INSERT to auto-invite (class COMM auto-sends)
        result = load_function("AutoInviteFunction").invoke(stream_event(images))

        assert result == {"batchItemFailures": []}
        assert len(outbox.all()) == 1


def _negative_cases():
    return [
        pytest.param({"quick_pay_code": "WRONG123"}, None, "proof_mismatch", id="wrong code"),
        pytest.param({"account_number": "99999", "quick_pay_code": None}, None, "proof_mismatch", id="wrong account"),
        pytest.param({"invoice_number": "INV-404"}, None, "invoice_not_found", id="unknown invoice"),
        pytest.param({"invoice_number": "INV-50001"}, {"status": "inactive"}, "account_inactive", id="inactive"),
        pytest.param(
            {"invoice_number": "INV-50001"},
            {"allow_invoice_verified_self_registration": False},
            "class_not_allowed",
            id="class does not allow it",
        ),
        pytest.param(
            {"invoice_number": "INV-50001"}, {"enable_portal_access": False}, "class_not_allowed", id="no portal"
        ),
    ]


@pytest.mark.usefixtures("login_page")
class TestUnverifiedRequests:
    @pytest.mark.parametrize(("changes", "account", "outcome"), _negative_cases())
    def test_same_answer_no_contact_no_email(
        self, changes, account, outcome, *, post, drain, staff, outbox, other_account, staff_lists
    ):
        if account is not None:
            settings = dict(account)
            other_account("50001", status=settings.pop("status", "active"), **settings)
        body = {k: v for k, v in {**REQUEST, **changes}.items() if v is not None}

        response = post(EVENT, body)
        assert drain() == {"batchItemFailures": []}

        assert (response.status, response.body) == (202, RECEIVED)
        assert outbox.all() == []
        assert _contacts(staff) == []
        assert staff("GET", "/admin/accounts/50001/contacts").body.get("items", []) == []
        (attempt,) = _attempts(staff_lists)
        assert attempt["outcome"] == outcome
        assert "quick_pay_code" not in attempt
        assert "WRONG123" not in json.dumps(attempt)


class TestSwitchesAndLimits:
    def test_404_when_the_request_login_button_is_off(self, post, set_options, invoice, queue):
        set_options(enable_request_login_button=False)

        response = post(EVENT, REQUEST)

        assert response.status == 404
        assert queue.receive() == []

    def test_the_route_costs_two_counter_updates_and_one_message(self, post, public, login_page, count_calls):
        post("login_config_request.json")  # the options are cached from here on
        calls = count_calls(public.module.public.client)

        post(EVENT, REQUEST)

        assert calls.of("dynamodb") == {"UpdateItem": 2}


class TestBadInput:
    @pytest.fixture(autouse=True)
    def _on(self, login_page):
        pass

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            pytest.param({"account_number": "49418"}, "account_number", id="both codes"),
            pytest.param({"quick_pay_code": None}, "account_number", id="neither code"),
            pytest.param({"email": "not-an-email"}, "email", id="bad email"),
            pytest.param({"invoice_number": ""}, "invoice_number", id="empty invoice"),
            pytest.param({"quick_pay_code": "x" * 65}, "quick_pay_code", id="long code"),
            pytest.param({"contact_name": None}, "contact_name", id="no name"),
            pytest.param({"role": "admin"}, "role", id="unknown field"),
        ],
    )
    def test_422_names_the_field(self, changes, field, post, queue):
        body = {k: v for k, v in {**REQUEST, **changes}.items() if v is not None}

        response = post(EVENT, body)

        assert response.status == 422, response.body
        assert response.body["error"]["field"] == field
        assert queue.receive() == []

    def test_oversized_body_is_413(self, post):
        response = post(EVENT, raw_body=json.dumps({**REQUEST, "contact_name": "x" * 20000}))

        assert response.status == 413
        assert response.body["error"]["code"] == "payload_too_large"

    def test_non_utf8_body_is_400(self, post):
        import base64

        response = post(EVENT, raw_body=base64.b64encode(b'{"email": "\xff\xfe"}').decode(), base64=True)

        assert response.status == 400

    def test_body_that_is_not_json_is_400(self, post):
        response = post(EVENT, raw_body="{invoice_number: 1")

        assert response.status == 400
        assert response.body["error"]["field"] == "body"


def test_invoice_fixture_matches_the_sample_event():
    from devkit.events import load_event

    assert json.loads(load_event(EVENT)["body"])["invoice_number"] == INVOICE["invoice_number"]


@pytest.mark.usefixtures("login_page")
class TestWorkerBatches:
    def test_a_message_that_is_not_a_request_is_the_only_one_reported(self, post, queue, worker, outbox):
        from tests.integration.self_registration.conftest import sqs_event

        post(EVENT, REQUEST)
        event = sqs_event(queue.receive())
        poison = {**event["Records"][0], "messageId": "poison-1", "body": '{"kind": "something_else"}'}
        event["Records"].insert(0, poison)

        result = worker.invoke(event)

        assert result == {"batchItemFailures": [{"itemIdentifier": "poison-1"}]}
        assert len(outbox.all()) == 1

    def test_two_requests_before_the_email_index_shows_the_first_contact_still_make_one(
        self, *, post, drain, worker, staff, outbox, monkeypatch
    ):
        # Given the by_email index lags behind (it is eventually consistent)
        contacts = worker.module.worker.self_registrations._contacts
        monkeypatch.setattr(contacts, "find_by_email", lambda *args, **kwargs: ([], False))

        post(EVENT, REQUEST)
        post(EVENT, REQUEST)
        assert drain() == {"batchItemFailures": []}

        (contact,) = _contacts(staff)
        history = [e["action"] for e in _history(staff, contact["contact_id"])]
        assert history.count("created") == 1
        assert history.count("self_registered") == 2

    def test_staff_list_a_day_of_attempts_newest_first(self, post, drain, staff_lists):
        post(EVENT, REQUEST)
        post(EVENT, {**REQUEST, "quick_pay_code": "WRONG123"})
        drain()

        outcomes = [a["outcome"] for a in _attempts(staff_lists)]
        other_day = staff_lists("/admin/self-registrations", query={"date": "2020-01-01"})

        assert outcomes == ["proof_mismatch", "invited"]
        assert other_day.status == 200
        assert other_day.body["items"] == []
        assert staff_lists("/admin/self-registrations", query={"date": "yesterday"}).status == 422
        assert staff_lists("/admin/self-registrations", signed_in=False).status == 401
