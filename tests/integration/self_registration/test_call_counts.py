"""DynamoDB calls per login-page route and per queued request (docs/data-model.md lists them):
bounded, and none grows with the size of a table."""

from __future__ import annotations

import boto3
import pytest

from tests.integration.self_registration.test_access_requests import REQUEST as ADDRESS_REQUEST
from tests.integration.self_registration.test_self_registration import REQUEST

SELF_REGISTRATION = "self_registration_request.json"
ACCESS_REQUEST = "access_request_request.json"


@pytest.fixture
def counted(*, post, public, worker, set_options, invoice, count_calls):
    """The options saved and cached (one page view), then counters on both functions' clients."""
    set_options()
    post("login_config_request.json")
    return count_calls(public.module.public.client), count_calls(worker.module.worker.client)


class TestPublicRoutes:
    def test_login_config_reads_the_options_once_per_cache_age(self, post, public, set_options, count_calls):
        set_options()
        calls = count_calls(public.module.public.client)

        for _ in range(3):
            post("login_config_request.json")

        assert calls.of("dynamodb") == {"GetItem": 1}

    def test_self_registration_is_two_counter_updates(self, post, counted):
        public_calls, _ = counted

        post(SELF_REGISTRATION, REQUEST)

        assert public_calls.of("dynamodb") == {"UpdateItem": 2}

    def test_a_rate_limited_self_registration_adds_the_attempt_record(self, post, counted):
        public_calls, _ = counted
        for _ in range(5):
            post(SELF_REGISTRATION, REQUEST)
        public_calls.clear()

        assert post(SELF_REGISTRATION, REQUEST).status == 429

        assert public_calls.of("dynamodb") == {"UpdateItem": 1, "PutItem": 1}

    def test_access_request_is_two_counter_updates(self, post, counted):
        public_calls, _ = counted

        post(ACCESS_REQUEST, ADDRESS_REQUEST)

        assert public_calls.of("dynamodb") == {"UpdateItem": 2}


class TestWorker:
    """Idempotency Put + Upd around each message, plus the work itself; two BatchGetItem per batch
    read the suppression entries of the emails its Request Login messages name and their
    addresses' wrong-proof counters; a wrong proof adds to its counter (Upd)."""

    @pytest.mark.parametrize(
        ("changes", "expected"),
        [
            pytest.param(
                {"quick_pay_code": "WRONG123"},
                {"BatchGetItem": 2, "PutItem": 2, "GetItem": 1, "UpdateItem": 2},
                id="wrong code",
            ),
            pytest.param(
                {"invoice_number": "INV-404"},
                {"BatchGetItem": 2, "PutItem": 2, "GetItem": 1, "UpdateItem": 2},
                id="no invoice",
            ),
            pytest.param(
                {},
                # invoice, account, class, options, template; the contact is created in the
                # invitation's transaction, and a new contact's pointer is not read
                {"BatchGetItem": 2, "PutItem": 2, "GetItem": 5, "Query": 1, "TransactWriteItems": 1, "UpdateItem": 2},
                id="new contact invited",
            ),
        ],
    )
    def test_self_registration(self, changes, expected, post, drain, counted):
        _, worker_calls = counted
        post(SELF_REGISTRATION, {**REQUEST, **changes})

        drain()

        assert worker_calls.of("dynamodb") == expected

    def test_self_registration_reusing_a_contact(self, post, drain, counted, staff):
        _, worker_calls = counted
        staff("POST", "/admin/accounts/49418/contacts", body={"name": "John", "email": REQUEST["email"]})
        post(SELF_REGISTRATION, REQUEST)

        drain()

        # the send reads no account or class again: the verification read them
        assert worker_calls.of("dynamodb") == {
            "BatchGetItem": 2,
            "PutItem": 3,
            "GetItem": 6,
            "Query": 1,
            "TransactWriteItems": 1,
            "UpdateItem": 2,
        }

    def test_self_registration_of_a_portal_user(self, post, drain, counted, staff, stack):
        _, worker_calls = counted
        contact_id = staff(
            "POST", "/admin/accounts/49418/contacts", body={"name": "John", "email": REQUEST["email"]}
        ).body["contact_id"]
        boto3.client("dynamodb").update_item(
            TableName=stack.table("ContactsTable"),
            Key={"contact_id": {"S": contact_id}},
            UpdateExpression="SET portal_user = :t",
            ExpressionAttributeValues={":t": {"BOOL": True}},
        )
        post(SELF_REGISTRATION, REQUEST)

        drain()

        assert worker_calls.of("dynamodb") == {
            "BatchGetItem": 2,
            "PutItem": 3,
            "GetItem": 5,
            "Query": 1,
            "UpdateItem": 1,
        }

    @pytest.mark.parametrize(
        ("line1", "expected"),
        [
            pytest.param("425 Rice St", {"PutItem": 2, "Query": 1, "GetItem": 2, "UpdateItem": 1}, id="match"),
            pytest.param("1 Nowhere Rd", {"PutItem": 1, "Query": 1, "UpdateItem": 1}, id="no match"),
        ],
    )
    def test_access_request(self, line1, expected, post, drain, counted):
        _, worker_calls = counted
        post(ACCESS_REQUEST, {**ADDRESS_REQUEST, "address": {**ADDRESS_REQUEST["address"], "line1": line1}})

        drain()

        assert worker_calls.of("dynamodb") == expected


@pytest.mark.parametrize("path", ["/admin/access-requests", "/admin/self-registrations"])
def test_staff_lists_are_one_query(path, staff_lists, staff_lists_function, count_calls):
    calls = count_calls(staff_lists_function.module.lists.client)

    assert staff_lists(path).status == 200

    assert calls.of("dynamodb") == {"Query": 1}
