"""A contact name typed on a public form is a person's name: a web address, markup or control
characters are refused (422 on `contact_name`) before anything is queued, so no email relays a
stranger's words. Every email these flows send is checked, HTML and plain-text part, for what a
stranger can put in it: the name (escaped in HTML) and the email address, nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
import botocore.client
import pytest
from markupsafe import escape

from tests.integration.self_registration.conftest import INVOICE
from tests.integration.self_registration.test_access_requests import REQUEST as ACCESS_REQUEST

SELF_REGISTRATION = {
    "invoice_number": INVOICE["invoice_number"],
    "quick_pay_code": INVOICE["quick_pay_code"],
    "contact_name": "John Doe",
    "email": "somers378@gmail.com",
}
FORMS = {
    "self_registration_request.json": SELF_REGISTRATION,
    "access_request_request.json": ACCESS_REQUEST,
}
THE_ISSUES_NAME = "Visit http://evil.example <b>x</b>"
REFUSED = [
    THE_ISSUES_NAME,
    "Visit HTTPS://evil.example now",
    "see ftp://files.example",
    "Go to www.evil.example",
    "John <script>",
    "John > Jane",
    "John\nDoe",
    "John\tDoe",
    "John\x07Doe",
    "John\u202eeoD",  # a right-to-left override turns what follows around
    "John\x85Doe",
]
# Names people have, with what HTML must escape and a mail client must not act on.
ACCEPTED = ["Zoë O'Brien-Smith & Sons", 'J. R. "Bob" Smith', "Ng Wei Ling (Accounts)", "Renée d'Arc, Jr."]


@dataclass
class Parts:
    to: str
    subject: str
    html: str
    text: str


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[Parts]:
    """Both parts of every SESv2 SendEmail the code under test makes (moto keeps only the HTML)."""
    captured: list[Parts] = []
    real = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]

    def capturing(self: Any, operation_name: str, params: Any) -> Any:
        if self.meta.service_model.service_name == "sesv2" and operation_name == "SendEmail":
            simple = params["Content"]["Simple"]
            captured.append(
                Parts(
                    to=params["Destination"]["ToAddresses"][0],
                    subject=simple["Subject"]["Data"],
                    html=simple["Body"]["Html"]["Data"],
                    text=simple["Body"]["Text"]["Data"],
                )
            )
        return real(self, operation_name, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", capturing)
    return captured


@pytest.fixture
def forms_on(set_options, invoice):
    """Request Login and requests by address on; invoice INV-100234 of account 49418 on record."""
    return set_options()


@pytest.mark.usefixtures("forms_on")
class TestContactNames:
    @pytest.mark.parametrize("event", sorted(FORMS))
    @pytest.mark.parametrize("name", REFUSED)
    def test_a_name_with_a_web_address_markup_or_control_characters_is_422_and_nothing_is_queued(
        self, event, name, post, queue
    ):
        response = post(event, {**FORMS[event], "contact_name": name})

        assert response.status == 422, response.body
        assert response.body["error"]["field"] == "contact_name"
        assert response.body["error"]["message"].startswith("contact_name: ")
        assert queue.receive() == []

    @pytest.mark.parametrize("event", sorted(FORMS))
    def test_the_issues_example_sends_no_email(self, event, post, drain, sent):
        assert post(event, {**FORMS[event], "contact_name": THE_ISSUES_NAME}).status == 422
        drain()
        assert sent == []

    @pytest.mark.parametrize("name", ACCEPTED)
    def test_the_access_request_email_carries_the_name_as_text_and_escaped_html_and_nothing_else_typed(
        self, name, post, drain, sent
    ):
        address = "stranger+tag@example.com"
        assert post("access_request_request.json", {**ACCESS_REQUEST, "contact_name": name, "email": address}).status
        drain()

        (email,) = sent
        assert email.to == address
        assert_only_the_name_and_email(email, name, address, typed_elsewhere=ACCESS_REQUEST["address"])

    @pytest.mark.parametrize("name", ACCEPTED)
    def test_the_self_registration_invitation_carries_the_name_as_text_and_escaped_html(
        self, name, post, drain, sent, staff
    ):
        address = "new.person@example.com"
        assert post("self_registration_request.json", {**SELF_REGISTRATION, "contact_name": name, "email": address})
        drain()

        (email,) = sent
        assert email.to == address
        assert_only_the_name_and_email(email, name, address, typed_elsewhere={"invoice": INVOICE["invoice_number"]})
        assert email.subject == "Your customer portal access for Renovation Gym"

    def test_the_login_reminder_names_the_contact_staff_saved_not_the_one_typed(self, post, drain, sent, staff, stack):
        created = staff("POST", "/admin/accounts/49418/contacts", body={"name": "John Doe", "email": "j@example.com"})
        boto3.client("dynamodb").update_item(
            TableName=stack.table("ContactsTable"),
            Key={"contact_id": {"S": created.body["contact_id"]}},
            UpdateExpression="SET portal_user = :t, login_id = :l",
            ExpressionAttributeValues={":t": {"BOOL": True}, ":l": {"S": "login-sub-1"}},
        )
        typed = "Zoë O'Brien-Smith & Sons"
        post("self_registration_request.json", {**SELF_REGISTRATION, "contact_name": typed, "email": "j@example.com"})
        drain()

        (email,) = sent
        assert email.subject == "You already have a customer portal login"
        assert "Hello John Doe," in email.text
        assert "Hello John Doe," in email.html
        assert "O'Brien" not in email.text + email.html


def assert_only_the_name_and_email(email: Parts, name: str, address: str, *, typed_elsewhere: dict[str, Any]) -> None:
    """The name is in the text part as typed and in the HTML part escaped; the email address as
    given; nothing else the stranger typed; no markup, link or control character of theirs."""
    assert f"Hello {name}," in email.text
    assert f"Hello {escape(name)}," in email.html
    assert name not in email.html or escape(name) == name  # never unescaped where HTML escapes it
    for value in typed_elsewhere.values():
        if isinstance(value, str) and value not in ("MN",):
            assert value not in email.text
            assert value not in email.html
    assert "http://evil" not in email.text + email.html
    for part in (email.text, email.html, email.subject):
        assert not any(ord(c) < 32 and c not in "\n" for c in part)
    links = [word for word in email.text.split() if "://" in word]
    assert all(link.startswith(("https://portal.example.com", "http://127.0.0.1")) for link in links), links
