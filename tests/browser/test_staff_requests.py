"""The console's Requests screen: what strangers asked on the public forms reaches staff, newest
first: a request by service address made on /request-access appears among the Access requests
with the site it matched, a Request Login made on /request-login among the day's Self-registrations."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.page import Page, fill_request_login, open_console

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_requests_made_on_the_public_forms_reach_the_queues(page: Page, stack: dict[str, Any]) -> None:
    # Given a stranger asks for access by the address of 49418001 on the public form
    page.open("/request-access")
    page.fill("Service Address", "4405 Pheasant Ridge Dr NE")
    page.fill("City", "Blaine")
    page.fill("State", "MN")
    page.fill("ZIP Code", "55449-4531")
    page.fill("Contact Name", "Robin Queue")
    page.fill("Email Address", "robin.queue@example.com")
    page.click("Submit")
    page.wait_for(lambda: "Thank you" in page.text())

    # And another asks for a login with an invoice number that matches nothing
    fill_request_login(page, "7000001", "21638", "Kim Queue", "kim.queue@example.com")
    page.wait_for(lambda: "Thank you" in page.text())

    # When staff open Requests, both are listed, the address request with its matched site
    open_console(page, stack, "/staff/requests")
    page.wait_for(lambda: "robin.queue@example.com" in page.text())
    row = page.driver.execute_script(
        "return [...document.querySelectorAll('#access-rows tr')].map((r) => r.innerText)"
        ".find((t) => t.includes('Robin Queue'))"
    )
    assert "49418001 Renovation Gym" in row
    page.wait_for(lambda: "kim.queue@example.com" in page.text())
    page.assert_accessible("/staff/requests")
    page.screenshot("staff-requests")
