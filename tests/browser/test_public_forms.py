"""The public forms in Chromium: Request Login with the seed's real invoice through to signed in,
the same confirmation when nothing matches, 429 as "try again", and a request by address."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.browser.page import (
    Page,
    Service,
    count_of,
    fill_request_login,
    fresh_email,
    invitation_link,
    options,
    outbox_items,
    set_password,
)
from tests.e2e.conftest import Api, Outbox

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

INVOICE = {"invoice_number": "1004217", "quick_pay_code": "QP-7K2M-9X4D", "account": "21638 The Mill"}


def test_request_login_with_a_real_invoice_then_accept_and_sign_in(page: Page, outbox: Outbox) -> None:
    email = fresh_email("sam.miller")
    page.open("/login")
    page.click("Request Login")
    page.wait_path("/request-login")
    page.assert_accessible("/request-login")
    page.screenshot("request-login")

    # When the form is sent empty, the API's 422 shows next to the fields
    page.click("Submit")
    page.wait_for(lambda: page.field_error("Invoice #"))
    page.assert_accessible("/request-login (field errors)")
    page.screenshot("request-login-errors")

    # When the person types the seed's invoice and quick pay code
    page.fill("Invoice #", INVOICE["invoice_number"])
    page.fill("Quick Pay Code / Account #", INVOICE["quick_pay_code"])
    page.fill("Contact Name", "Sam Miller")
    page.fill("Email Address", email)
    page.click("Submit")

    # Then the page confirms in the words it uses whatever matched
    page.wait_for(lambda: "If the details match a recent invoice" in page.text())
    page.screenshot("request-login-sent")

    # And the invitation arrives; accepting it signs the person in to The Mill
    set_password(page, invitation_link(outbox, email))
    page.wait_path("/")
    assert options(page, "SELECT ACCOUNT") == [INVOICE["account"]]
    assert count_of(page, "site") == "1 of 2"


def test_a_request_login_that_matches_nothing_gets_the_same_confirmation(page: Page, service: Service) -> None:
    email = fresh_email("stranger")
    fill_request_login(page, "999999", "21638", "Nobody", email)
    page.wait_for(lambda: "If the details match a recent invoice" in page.text())

    # Once the worker has decided the attempt (staff see it), no email went out
    today = datetime.now(UTC).date().isoformat()

    def decided() -> list[dict[str, Any]]:
        attempts = service.staff("GET", f"/admin/self-registrations?date={today}").json()["items"]
        return [a for a in attempts if a["email"] == email]

    (attempt,) = page.wait_for(decided)
    assert attempt["outcome"] != "invited"
    assert outbox_items(service.outbox, email) == []


def test_too_many_requests_say_try_again_later(page: Page, anonymous: Api) -> None:
    email = fresh_email("hasty")
    body = {"invoice_number": "424242", "account_number": "21638", "contact_name": "Hasty", "email": email}
    statuses = [anonymous("POST", "/portal/self-registrations", json=body).status_code for _ in range(5)]
    assert statuses == [202] * 5
    fill_request_login(page, "424242", "21638", "Hasty", email)
    page.wait_for(lambda: "Too many requests. Please try again" in page.alert_text())


def test_request_access_by_service_address(page: Page) -> None:
    page.open("/login")
    page.click("Request access by service address")
    page.wait_path("/request-access")
    page.assert_accessible("/request-access")
    page.screenshot("request-access")
    page.fill("Service Address", "60 E Broadway")
    page.fill("City", "Bloomington")
    page.fill("State", "MN")
    page.fill("ZIP Code", "55425-5510")
    page.fill("Contact Name", "Lee Gym")
    page.fill("Email Address", fresh_email("address"))
    page.click("Submit")
    page.wait_for(lambda: "If the address matches a service location" in page.text())
