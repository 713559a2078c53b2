"""Fixtures of the login-page tests: the public function, the queue worker (fed with what the
public routes really enqueued, read back from the moto queue), the staff lists, the system
options, invoices, a moto SES outbox and a DynamoDB call counter."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest

from devkit.aws_calls import AwsCalls, listening
from devkit.events import load_event
from devkit.responses import HttpResponse
from tests.conftest import Function, Stack, call
from tests.integration.conftest import PORTAL_CLASS, StaffApi
from tests.integration.invitations.conftest import Outbox

INVOICE = {
    "invoice_number": "INV-100234",
    "account_id": "49418",
    "quick_pay_code": "QP7K2M9X",
    "amount": "125.50",
    "invoice_date": "2026-11-01",
}
LOGIN_PAGE_OPTIONS = {
    "customer_portal_url": "https://portal.example.com/",
    "enable_request_login_button": True,
    "enable_account_request_via_address": True,
    "enable_payment_as_guest": True,
    "login_message_html": "<p>Welcome to the <strong>customer portal</strong></p>",
    "login_terms_html": "<p>Testing login terms</p>",
    "login_logo_url": "https://portal.example.com/logo.png",
}


@pytest.fixture
def outbox(stack: Stack) -> Outbox:
    """moto SES with the template's default from-address verified, as a deployment has it."""
    boto3.client("sesv2").create_email_identity(EmailIdentity=stack.resolver.parameters["SesFromAddress"])
    return Outbox()


OptionsApi = Callable[..., dict[str, Any]]


@pytest.fixture
def set_options(staff: StaffApi) -> OptionsApi:
    """set_options(**overrides): save the login page's options through the staff API."""

    def save(**overrides: Any) -> dict[str, Any]:
        body = {**LOGIN_PAGE_OPTIONS, **overrides}
        response = staff("PUT", "/admin/system-options/customer-portal", body=body)
        assert response.status == 200, response.body
        return body

    return save


@pytest.fixture
def invoice(staff: StaffApi, demo_account: dict[str, Any]) -> dict[str, Any]:
    """Invoice INV-100234 of the demo account 49418 (class COMM allows self-registration)."""
    response = staff("POST", "/admin/invoices", body=INVOICE)
    assert response.status == 201, response.body
    return dict(INVOICE)


@pytest.fixture
def other_account(staff: StaffApi, demo_account: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """other_account(account_id, status=..., class_overrides=...): an account with one invoice."""

    def create(account_id: str, *, status: str = "active", **class_settings: Any) -> dict[str, Any]:
        class_id = f"C{account_id}"
        assert staff("POST", "/admin/account-classes", body={**PORTAL_CLASS, **class_settings, "class_id": class_id})
        account = {"account_id": account_id, "name": f"Account {account_id}", "class_id": class_id, "status": status}
        assert staff("POST", "/admin/accounts", body=account).status == 201
        body = {**INVOICE, "invoice_number": f"INV-{account_id}", "account_id": account_id}
        assert staff("POST", "/admin/invoices", body=body).status == 201
        return body

    return create


@pytest.fixture
def public(load_function: Callable[[str], Function]) -> Function:
    """The public function. It caches the system options from its first request on: save them
    before (or clear `public.module.public.options` after changing them)."""
    return load_function("SelfRegisterFunction")


PublicApi = Callable[..., HttpResponse]


@pytest.fixture
def post(public: Function) -> PublicApi:
    """post(event_name, body=..., source_ip=...): the sample event of a public route, with a body."""

    def request(name: str, body: Any = None, *, raw_body: str | None = None, **context: Any) -> HttpResponse:
        event = load_event(name)
        if raw_body is not None:
            event["body"] = raw_body
        elif body is not None:
            event["body"] = json.dumps(body)
        if "source_ip" in context:
            event["requestContext"]["http"]["sourceIp"] = context["source_ip"]
        if context.get("base64"):
            event["isBase64Encoded"] = True
        return call(public, event)

    return request


@pytest.fixture
def worker(load_function: Callable[[str], Function], outbox: Outbox) -> Function:
    return load_function("SelfRegistrationWorkerFunction")


@dataclass
class Queue:
    url: str

    def receive(self) -> list[dict[str, Any]]:
        """Every message waiting (as the event source mapping would receive them)."""
        sqs = boto3.client("sqs")
        messages: list[dict[str, Any]] = []
        while True:
            batch = sqs.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"]
            ).get("Messages", [])
            if not batch:
                return messages
            messages.extend(dict(m) for m in batch)

    def delete(self, messages: list[dict[str, Any]]) -> None:
        sqs = boto3.client("sqs")
        for message in messages:
            sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def queue(stack: Stack) -> Queue:
    return Queue(url=stack.resolver.physical["SelfRegistrationQueue"])


def sqs_event(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The Lambda event for received messages, shaped like events/self_registration_queue_batch.json."""
    template = load_event("self_registration_queue_batch.json")["Records"][0]
    records = []
    for message in messages:
        record = copy.deepcopy(template)
        record["messageId"] = message["MessageId"]
        record["receiptHandle"] = message["ReceiptHandle"]
        record["body"] = message["Body"]
        record["md5OfBody"] = message["MD5OfBody"]
        record["attributes"] = dict(message.get("Attributes", {}))
        record["messageAttributes"] = {
            name: {"stringValue": value["StringValue"], "dataType": value["DataType"]}
            for name, value in message.get("MessageAttributes", {}).items()
        }
        records.append(record)
    return {"Records": records}


Drain = Callable[[], dict[str, Any]]


@pytest.fixture
def drain(worker: Function, queue: Queue) -> Drain:
    """Deliver what the public routes enqueued to the worker, in one batch, and delete what it
    processed (the event source mapping's job); returns the worker's partial-failure answer."""

    def run() -> dict[str, Any]:
        messages = queue.receive()
        if not messages:
            return {"batchItemFailures": []}
        result: dict[str, Any] = worker.invoke(sqs_event(messages))
        failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
        queue.delete([m for m in messages if m["MessageId"] not in failed])
        return result

    return run


@pytest.fixture
def staff_lists_function(load_function: Callable[[str], Function]) -> Function:
    return load_function("PortalRequestsAdminFunction")


@pytest.fixture
def staff_lists(staff_lists_function: Function) -> StaffApi:
    """The staff routes of the login page: GET /admin/access-requests, /admin/self-registrations."""
    function = staff_lists_function

    def request(path: str, *, query: dict[str, str] | None = None, signed_in: bool = True) -> HttpResponse:
        event = load_event("access_requests_list_request.json")
        event["routeKey"] = event["requestContext"]["routeKey"] = f"GET {path}"
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
        event["rawQueryString"] = urlencode(query or {})
        event["queryStringParameters"] = dict(query) if query else None
        if not signed_in:
            event["requestContext"].pop("authorizer")
        return call(function, event)

    return request


@pytest.fixture
def count_calls() -> Iterator[Callable[[Any], AwsCalls]]:
    """count_calls(client): start recording the DynamoDB calls that client makes."""
    with ExitStack() as stack:
        yield lambda client: stack.enter_context(listening(client.meta.events, AwsCalls(), service="dynamodb"))
