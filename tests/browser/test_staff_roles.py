"""The console offers each staff role what its groups allow (web/staff/js/console.js's can(), from
the token's cognito:groups) and says why the rest is disabled; what slips past (a control enabled
by hand) meets the service's 403 forbidden, shown in words. Needs the per-role logins that
stack.json lists as `staff_logins` (skips, saying so, on a stack without them)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.page import Page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _sign_in_as(page: Page, stack: dict[str, Any], role: str, path: str) -> None:
    logins = stack.get("staff_logins") or {}
    if role not in logins:
        pytest.skip(f"this stack seeds no {role} login (stack.json staff_logins: the staff roles' branch)")
    page.open(path)
    page.wait_path("/staff/login")
    page.fill("Username", logins[role]["username"])
    page.fill("Password", logins[role]["password"])
    page.click("Sign in")
    page.wait_for(lambda: page.driver.execute_script("return location.pathname + location.search") == path)
    page.wait_ready()


def _reason(page: Page, element_id: str) -> str:
    return str(page.driver.execute_script("return document.getElementById(arguments[0]).innerText", element_id))


def test_customer_service_reads_settings_and_runs_batches(page: Page, stack: dict[str, Any]) -> None:
    # Given a customer-service rep on Update Account Class
    _sign_in_as(page, stack, "customer-service", "/staff/account-classes?class_id=COMM")
    save = page.named("Save")
    assert not save.is_enabled()
    assert not page.named("Enable Portal Access").is_enabled()
    assert "Customer service can read account classes" in _reason(page, "save-reason")
    assert save.get_attribute("aria-describedby") == "save-reason"
    page.assert_accessible("/staff/account-classes?class_id=COMM as customer-service")
    page.screenshot("staff-role-customer-service")

    # When the Save button is enabled by hand, the service refuses and the page says so
    page.driver.execute_script("for (const c of document.querySelectorAll('#class-form [disabled]')) c.disabled = 0")
    page.click("Save")
    page.wait_for(lambda: "Your role may not do this (forbidden)." in page.alert_text())

    # And bulk invites are theirs to run
    page.open("/staff/bulk-invite")
    assert page.named("Dry run").is_enabled()


def test_auditors_read_only(page: Page, stack: dict[str, Any]) -> None:
    _sign_in_as(page, stack, "auditors", "/staff/system-options")
    assert not page.named("Save").is_enabled()
    assert "Auditors can read, not change." in _reason(page, "save-reason")
    assert page.named("Preview login page").is_enabled()  # a preview changes nothing
    page.assert_accessible("/staff/system-options as auditors")

    page.open("/staff/bulk-invite")
    assert not page.named("Dry run").is_enabled()
    assert not page.named("Run").is_enabled()
    assert "Auditors can read, not change." in _reason(page, "run-reason")
    page.assert_accessible("/staff/bulk-invite as auditors")
