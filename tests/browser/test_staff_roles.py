"""The console offers each staff role what its groups allow (web/staff/js/console.js's can(), from
the token's cognito:groups) and says why the rest is disabled; what slips past (a control enabled
by hand) meets the service's 403 forbidden, shown in words. Needs the per-role logins that
stack.json lists as `staff_logins` (skips, saying so, on a stack without them)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.page import Page, fresh_email
from tests.e2e.conftest import Api

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROLES_ACCOUNT = "77003"  # an account of its own (no auto-invite), so its one contact is on the grid's first page


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


def test_customer_service_reads_settings_and_runs_batches(page: Page, stack: dict[str, Any]) -> None:
    # Given a customer-service rep on Update Account Class
    _sign_in_as(page, stack, "customer-service", "/staff/account-classes?class_id=COMM")
    save = page.named("Save")
    assert not save.is_enabled()
    assert not page.named("Enable Portal Access").is_enabled()
    assert "Customer service can read account classes" in page.alert_text_of("save-reason")
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
    assert "Auditors can read, not change." in page.alert_text_of("save-reason")
    assert page.named("Preview login page").is_enabled()  # a preview changes nothing
    page.assert_accessible("/staff/system-options as auditors")

    page.open("/staff/bulk-invite")
    assert not page.named("Dry run").is_enabled()
    assert not page.named("Run").is_enabled()
    assert "Auditors can read, not change." in page.alert_text_of("run-reason")
    page.assert_accessible("/staff/bulk-invite as auditors")


@pytest.fixture(scope="module")
def roles_account(staff: Api) -> str:
    """Account 77003 of class ROLES (portal access, no auto-invite) with one contact, Rita Reader."""
    klass = staff("POST", "/admin/account-classes", json={"class_id": "ROLES", "enable_portal_access": True})
    assert klass.status_code in (201, 409), klass.text
    account = {"account_id": ROLES_ACCOUNT, "name": "Role Call Ltd", "class_id": "ROLES", "invoice_delivery": "email"}
    assert staff("POST", "/admin/accounts", json=account).status_code in (201, 409)
    contact = {"level": "account", "name": "Rita Reader", "email": fresh_email("rita.reader")}
    assert staff("POST", f"/admin/accounts/{ROLES_ACCOUNT}/contacts", json=contact).status_code == 201
    return ROLES_ACCOUNT


def _account_links(page: Page) -> dict[str, str]:
    links: dict[str, str] = page.driver.execute_script(
        "return {cls: document.getElementById('account-class').getAttribute('href'),"
        " review: document.getElementById('access-review').getAttribute('href')}"
    )
    return links


def _open_rita(page: Page) -> None:
    page.named("Rita Reader").click()
    page.wait_for(lambda: page.named("Email").get_attribute("value") == fresh_email("rita.reader"))


def test_auditors_open_and_read_an_account_but_change_nothing(
    page: Page, stack: dict[str, Any], roles_account: str
) -> None:
    # Given an auditor on the account page
    _sign_in_as(page, stack, "auditors", f"/staff/account?id={roles_account}")
    page.wait_for(lambda: "Rita Reader" in page.text())
    # it links to its account class and its access review, which auditors may read
    assert _account_links(page) == {
        "cls": "/staff/account-classes?class_id=ROLES",
        "review": f"/staff/access-review?account_id={roles_account}",
    }
    # and Add Contact is disabled, saying why
    add = page.named("Add Contact")
    assert not add.is_enabled()
    assert page.alert_text_of("add-reason") == "Auditors can read, not change."
    assert add.get_attribute("aria-describedby") == "add-reason"
    page.assert_accessible(f"/staff/account?id={roles_account} as auditors")

    # When they open a contact, they read its details, but Save, the invite and Unlink are disabled
    _open_rita(page)
    for name in ("Save", "Send Portal Access Invite", "Unlink from Account"):
        assert not page.named(name).is_enabled(), name
    assert page.alert_text_of("details-reason") == "Auditors can read, not change."
    assert page.alert_text_of("invite-reason") == "Auditors can read, not change."
    assert page.named("Save").get_attribute("aria-describedby") == "details-reason"
    page.assert_accessible("edit contact dialog as auditors")
    page.driver.execute_script("document.getElementById('details-reason').scrollIntoView({block: 'center'})")
    page.screenshot("staff-role-auditor-contact")

    # And on Customer Portal Access they see the sites granted, and its Save is disabled too
    page.click("Customer Portal Access")
    page.wait_for(lambda: page.named("Account (All Sites)").is_selected())
    assert not page.named("Save").is_enabled()
    assert page.alert_text_of("access-reason") == "Auditors can read, not change."
    page.assert_accessible("edit contact dialog, customer portal access as auditors")

    # And the history reads as for everyone
    page.click("Activity History")
    page.wait_for(lambda: "Created" in page.alert_text_of("history"))

    # And the class link opens Update Account Class, read-only
    page.click("Close")
    page.click("ROLES")
    page.wait_path("/staff/account-classes")
    page.wait_for(lambda: not page.named("Save").is_enabled())


def test_customer_service_changes_contacts_and_sends_invites(
    page: Page, stack: dict[str, Any], roles_account: str
) -> None:
    _sign_in_as(page, stack, "customer-service", f"/staff/account?id={roles_account}")
    page.wait_for(lambda: "Rita Reader" in page.text())
    assert page.named("Add Contact").is_enabled()
    assert page.alert_text_of("add-reason") == ""

    # The dialog offers everything; the invite goes out
    _open_rita(page)
    for name in ("Save", "Send Portal Access Invite", "Unlink from Account"):
        assert page.named(name).is_enabled(), name
    assert page.alert_text_of("details-reason") == ""
    page.click("Send Portal Access Invite")
    page.wait_for(lambda: f"Invite sent to {fresh_email('rita.reader')}" in page.alert_text_of("dialog-alert"))
    page.click("Customer Portal Access")
    page.wait_for(lambda: page.named("Account (All Sites)").is_selected())
    assert page.named("Save").is_enabled()
    page.click("Save")
    page.wait_for(lambda: "Portal access saved" in page.alert_text_of("dialog-alert"))

    # And the access review link opens this account's review
    page.click("Close")
    page.click("Access review of this account")
    page.wait_path("/staff/access-review")
    page.wait_for(lambda: "Portal logins" in page.text())
