"""Over HTTP: what the staff console reads and previews (account search, the classes list, the
login page and email template previews), the accept page's link check, and a contact name typed
on a public form (refused when it carries a web address, markup or control characters; kept as
text and escaped HTML in both parts of the email otherwise)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from markupsafe import escape

from tests.e2e.conftest import Api, Outbox

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_staff_find_an_account_by_number_or_by_any_word_of_its_name(staff: Api, unique: str) -> None:
    account = {"account_id": f"77{unique}", "name": f"Northside Recycling {unique}", "class_id": "COMM"}
    assert staff("POST", "/admin/accounts", json=account).status_code == 201

    for text in (account["account_id"], f"NORTHSIDE RECYCLING {unique[:3]}", unique.upper()):
        found = staff("GET", "/admin/accounts", params={"search": text})
        assert found.status_code == 200, found.text
        assert account["account_id"] in [a["account_id"] for a in found.json()["items"]], text
    too_long = staff("GET", "/admin/accounts", params={"search": "x" * 101})
    assert too_long.status_code == 422
    assert too_long.json()["error"]["field"] == "search"


def test_staff_list_the_account_classes(staff: Api) -> None:
    answer = staff("GET", "/admin/account-classes", params={"limit": "100"})
    assert answer.status_code == 200
    comm = next(c for c in answer.json()["items"] if c["class_id"] == "COMM")
    assert comm == staff("GET", "/admin/account-classes/COMM").json()


def test_the_login_html_preview_is_what_the_login_page_will_show(staff: Api, anonymous: Api) -> None:
    saved = staff("GET", "/admin/system-options/customer-portal").json()
    shown = anonymous("GET", "/portal/login-config").json()

    typed = {"login_message_html": saved["login_message_html"], "login_terms_html": saved["login_terms_html"]}
    preview = staff("POST", "/admin/system-options/customer-portal/preview", json=typed)

    assert preview.status_code == 200
    assert preview.json()["login_message_html"] == shown["login_message_html"]
    hostile = {"login_message_html": '<p onmouseover="x()">Hi<script>x()</script></p>'}
    assert staff("POST", "/admin/system-options/customer-portal/preview", json=hostile).json() == {
        "login_message_html": "<p>Hi</p>",
        "login_terms_html": "",
    }


def test_an_email_template_preview_fills_every_placeholder(staff: Api) -> None:
    name = quote("Portal Invite (All Divisions)", safe="")
    template = staff("GET", f"/admin/email-templates/{name}").json()
    body = {k: template[k] for k in ("subject", "html", "text")}

    preview = staff("POST", f"/admin/email-templates/{name}/preview", json=body)

    assert preview.status_code == 200, preview.text
    assert "{{" not in "".join(preview.json().values())
    assert "John Doe" in preview.json()["text"]
    broken = staff("POST", f"/admin/email-templates/{name}/preview", json={**body, "text": "{{ nobody }}"})
    assert (broken.status_code, broken.json()["error"]["field"]) == (422, "text")


def test_the_accept_page_checks_a_link_before_asking_for_a_password(
    staff: Api, anonymous: Api, outbox: Outbox, unique: str
) -> None:
    email = f"check-{unique}@example.com"
    created = staff(
        "POST", "/admin/accounts/49418/contacts", json={"level": "account", "name": "Link Check", "email": email}
    )
    assert created.status_code == 201, created.text
    assert staff("POST", f"/admin/contacts/{created.json()['contact_id']}/invitations").status_code == 202
    (mail,) = outbox.wait_for(email)
    token = mail["html"].split("#token=")[1].split('"')[0]

    valid = anonymous("POST", "/portal/invitations/check", json={"token": token})
    forged = anonymous("POST", "/portal/invitations/check", json={"token": token[:-4] + "AAAA"})

    assert (valid.status_code, valid.json()) == (200, {"state": "valid", "renewable": False})
    assert forged.json() == {"state": "unknown", "renewable": False}
    assert email not in valid.text
    empty = anonymous("POST", "/portal/invitations/check", json={"token": ""})
    assert (empty.status_code, empty.json()["error"]["field"]) == (422, "token")


RICE_ST = {"line1": "425 Rice St", "city": "Saint Paul", "state": "MN", "postal_code": "55103-2123"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/portal/access-requests", {"address": RICE_ST}),
        ("/portal/self-registrations", {"invoice_number": "1004217", "quick_pay_code": "QP-7K2M-9X4D"}),
    ],
)
def test_a_name_with_a_link_and_markup_is_refused_on_both_public_forms(
    anonymous: Api, path: str, body: dict[str, Any], unique: str
) -> None:
    typed = {**body, "contact_name": "Visit http://evil.example <b>x</b>", "email": f"evil-{unique}@example.com"}
    answer = anonymous("POST", path, json=typed)
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "contact_name"


def test_a_persons_name_arrives_as_text_and_escaped_html_in_the_access_request_email(
    anonymous: Api, outbox: Outbox, unique: str
) -> None:
    name = "Zoë O'Brien-Smith & Sons"
    email = f"stranger-{unique}@example.com"
    typed = {"address": RICE_ST, "contact_name": name, "email": email}
    assert anonymous("POST", "/portal/access-requests", json=typed).status_code == 202

    (mail,) = outbox.wait_for(email)

    assert f"Hello {name}," in mail["text"]
    assert f"Hello {escape(name)}," in mail["html"]
    assert "425 Rice St" not in mail["text"] + mail["html"]
