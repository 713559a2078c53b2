"""The input guard (api/input_guard.py): what a caller sends gets 400, 413, 415 or 422, never a
5xx, on staff and public routes alike; a path key that cannot exist never reaches DynamoDB."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest

from devkit.events import http_event
from devkit.responses import HttpResponse
from tests.conftest import Function, call

ACCOUNT = {"account_id": "70001", "name": "Guarded", "class_id": "COMM", "invoice_delivery": "email"}
REGISTRATION = {
    "invoice_number": "1004217",
    "quick_pay_code": "QP-7K2M-9X4D",
    "contact_name": "Pat",
    "email": "pat@example.com",
}
HUGE_INT = "9" * 5000
DEEP = "[" * 5_000 + "]" * 5_000  # far past the recursion limit, under the public 16 KiB


@pytest.fixture
def public(load_function: Callable[[str], Function]) -> Function:
    return load_function("SelfRegisterFunction")


Send = Callable[..., HttpResponse]


@pytest.fixture(params=["staff", "public"])
def send(request: pytest.FixtureRequest, load_function: Callable[[str], Function]) -> Send:
    """send(raw_body, content_type=..., base64=False): a JSON POST on a staff or a public route."""
    staff_route = request.param == "staff"
    function = load_function("ContactsFunction" if staff_route else "SelfRegisterFunction")

    def post(raw_body: str, *, content_type: str = "application/json", encoded: bool = False) -> HttpResponse:
        path = "/admin/accounts" if staff_route else "/portal/self-registrations"
        event = http_event(
            "POST",
            path,
            raw_body=raw_body,
            headers={"content-type": content_type},
            claims=http_event("GET", "/")["requestContext"]["authorizer"]["jwt"]["claims"] if staff_route else None,
        )
        event["isBase64Encoded"] = encoded
        return call(function, event)

    return post


def _error(response: HttpResponse) -> dict[str, Any]:
    assert response.status < 500, response.body
    return dict(response.body["error"])


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded", ""])
def test_a_body_that_is_not_declared_json_is_415(send, content_type):
    response = send(json.dumps(ACCOUNT), content_type=content_type)
    assert response.status == 415
    assert _error(response)["field"] == "Content-Type"


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "APPLICATION/JSON"])
def test_json_with_parameters_or_any_case_is_json(send, content_type):
    response = send(json.dumps({"unexpected": True}), content_type=content_type)
    assert response.status == 422  # reached validation


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("{not json", "not valid JSON"),
        (f'{{"account_id": {HUGE_INT}}}', "4300 digits"),
        ('{"amount": 1e400}', "too large"),
        ('{"amount": NaN}', "not a JSON number"),
        (DEEP, "nested"),
        ("[" * 40 + "]" * 40, "nested"),
        (
            json.dumps({"a": [[{"b": [[[{"c": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]]]}]]}),
            "nested",
        ),
    ],
)
def test_a_body_python_cannot_safely_take_is_400(send, raw, says):
    response = send(raw)
    assert response.status == 400
    assert says in _error(response)["message"]


def test_a_body_that_is_not_utf8_is_400(send):
    response = send(base64.b64encode(b'{"name": "\xff\xfe"}').decode(), encoded=True)
    assert response.status == 400
    assert "UTF-8" in _error(response)["message"]


def test_a_body_that_is_not_base64_when_flagged_is_400(send):
    response = send("not base64 at all!", encoded=True)
    assert response.status == 400


def test_a_body_over_the_limit_is_413(send):
    response = send(json.dumps({"name": "x" * 300_000}))
    assert response.status == 413
    assert _error(response)["code"] == "payload_too_large"


def test_public_routes_have_the_smaller_limit(public):
    event = http_event("POST", "/portal/self-registrations", body={**REGISTRATION, "contact_name": "x" * 17_000})
    event["requestContext"].pop("authorizer", None)
    assert call(public, event).status == 413


def test_staff_bodies_up_to_their_limit_reach_validation(staff):
    response = staff("POST", "/admin/accounts", body={**ACCOUNT, "name": "x" * 100_000})
    assert response.status == 422
    assert response.body["error"]["field"] == "name"


@pytest.mark.parametrize("raw", ["%20", "%20%20", "%09", "%00"])
def test_a_blank_template_name_is_404_before_dynamodb(staff, calls, raw):
    event_path = f"/admin/email-templates/{raw}"
    response = staff("GET", event_path, path_parameters={"name": raw})
    assert response.status == 404
    assert calls.count("dynamodb") == 0


@pytest.mark.parametrize("raw", ["%3Cscript%3E", "a%2Fb", "x" * 150])
def test_a_template_name_no_template_can_have_is_422(staff, calls, raw):
    response = staff("GET", f"/admin/email-templates/{raw}", path_parameters={"name": raw})
    assert response.status == 422
    assert response.body["error"]["field"] == "name"
    assert calls.count("dynamodb") == 0


@pytest.mark.parametrize("contact_id", ["bad id", "ct_1;DROP", "x" * 65])
def test_a_contact_id_the_service_never_hands_out_is_422(staff, calls, contact_id):
    response = staff("GET", f"/admin/contacts/{contact_id}", path_parameters={"contact_id": contact_id})
    assert response.status == 422
    assert response.body["error"]["field"] == "contact_id"
    assert calls.count("dynamodb") == 0
