"""The console's settings screens, as a rep uses them: Update Account Class's Customer Portal tab
decides whether a contact created afterwards is invited; System Options' Login Message (HTML)
appears, sanitised, on the public login page (and its preview shows it so first); an email
template is edited and previewed with sample values, its HTML in a frame that runs no script."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.page import Page, Service, choose, open_console, outbox_items

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AUTO_INVITE = "Auto Send Portal Invitation on Contact Creation"
INVITE_TEMPLATE = "Portal Invite (All Divisions)"


def _new_contact(service: Service, account_id: str, name: str, email: str) -> None:
    body = {"level": "account", "name": name, "email": email}
    created = service.staff("POST", f"/admin/accounts/{account_id}/contacts", json=body)
    assert created.status_code == 201, created.text


def _sentinel_account(service: Service) -> str:
    """An account of a class of its own that always auto-invites: its contact's email, once in the
    outbox, says the contacts' stream has handed over every insert made before it."""
    klass = {
        "class_id": "SENTINEL",
        "name": "Sentinel",
        "enable_portal_access": True,
        "auto_send_portal_invitation": True,
    }
    assert service.staff("POST", "/admin/account-classes", json=klass).status_code in (201, 409)
    account = {
        "account_id": "90001",
        "name": "Sentinel Co",
        "status": "active",
        "class_id": "SENTINEL",
        "invoice_delivery": "email",
    }
    assert service.staff("POST", "/admin/accounts", json=account).status_code in (201, 409)
    return "90001"


def _set_auto_invite(page: Page, value: str) -> None:
    choose(page, AUTO_INVITE, value)
    page.click("Save")
    page.wait_for(lambda: "Account class COMM saved." in page.alert_text())


def test_account_class_auto_invite_decides_whether_a_new_contact_is_invited(
    page: Page, stack: dict[str, Any], service: Service
) -> None:
    # Given the account classes, with COMM (49418's class) among them
    open_console(page, stack, "/staff/account-classes")
    page.wait_for(lambda: "Commercial" in page.text())
    page.assert_accessible("/staff/account-classes")
    page.click("COMM")
    page.wait_path("/staff/account-classes")
    page.wait_for(lambda: page.named("Customer Portal", role="tab"))
    for label in (
        "Enable Portal Access", "Enable Add Sites", "New Location Bundle", "New Location Template",
        "Enable Report Access", "Default Work Order Photo - Display in Customer Portal",
        "Default Work Order Attachment - Display in Customer Portal", AUTO_INVITE,
        "Allow Invoice-Verified Self Registration", "Customer Portal Home Page", "Enable On Call Orders",
        "Enable Viewing Inactive Site",
    ):  # fmt: skip
        assert page.named(label) is not None
    assert page.named(AUTO_INVITE).get_attribute("value") == "yes"  # as seeded
    page.assert_accessible("/staff/account-classes?class_id=COMM")
    page.screenshot("staff-account-class")

    try:
        # When the rep sets auto-invite to No and saves, a contact created then is not invited
        _set_auto_invite(page, "No")
        assert service.staff("GET", "/admin/account-classes/COMM").json()["auto_send_portal_invitation"] is False
        _new_contact(service, "49418", "Quiet Contact", "quiet.contact@example.com")
        _new_contact(service, _sentinel_account(service), "Sentinel Contact", "sentinel.contact@example.com")
        assert len(service.outbox.wait_for("sentinel.contact@example.com")) == 1
        assert outbox_items(service.outbox, "quiet.contact@example.com") == []  # handed over before, not sent

        # And when they set it back to Yes, the next contact is invited (once)
        page.open("/staff/account-classes?class_id=COMM")
        _set_auto_invite(page, "Yes")
        _new_contact(service, "49418", "Loud Contact", "loud.contact@example.com")
        assert len(service.outbox.wait_for("loud.contact@example.com")) == 1
    finally:
        assert service.staff("GET", "/admin/account-classes/COMM").json()["auto_send_portal_invitation"] is True


def test_login_message_preview_and_the_public_login_page(page: Page, stack: dict[str, Any], service: Service) -> None:
    seeded = service.staff("GET", "/admin/system-options/customer-portal").json()
    open_console(page, stack, "/staff/system-options")
    for label in (
        "Enable Request Login Button", "Account Invite From Email", "Invite Email Template",
        "Account Request Address Found Template", "Login Message (HTML)", "Login Terms (HTML)", "Display Login Terms",
    ):  # fmt: skip
        assert page.named(label) is not None
    assert page.named("Invite Email Template").get_attribute("value") == INVITE_TEMPLATE
    page.assert_accessible("/staff/system-options")
    try:
        # When the rep types a from-address SES cannot send from, the refusal is on that field
        page.fill("Account Invite From Email", "billing@not-verified.example")
        page.click("Save")
        page.wait_for(lambda: page.field_error("Account Invite From Email"))
        page.assert_accessible("/staff/system-options from-address refused")
        page.fill("Account Invite From Email", seeded["account_invite_from_email"])

        # And a message with markup and a script, previewed: sanitised as the login page will show it
        message = '<p>Holiday hours: <b>closed Dec 25</b></p><img src="x" alt="" onerror="alert(1)"><script>1</script>'
        page.fill("Login Message (HTML)", message)
        page.click("Preview login page")
        page.wait_for(lambda: "Holiday hours: closed Dec 25" in page.text())
        preview = page.driver.execute_script("return document.getElementById('preview-message').innerHTML")
        assert "<b>closed Dec 25</b>" in preview
        assert "onerror" not in preview
        assert "<script" not in preview
        page.assert_accessible("/staff/system-options preview")
        page.driver.execute_script("window.scrollTo(0, 0)")  # the shot measures the page from its top
        page.screenshot("staff-system-options")

        # When saved, the public login page shows it, sanitised
        page.click("Save")
        page.wait_for(lambda: "System options saved." in page.alert_text())
        page.open("/login")
        page.wait_for(lambda: "Holiday hours: closed Dec 25" in page.text())
        shown = page.driver.execute_script("return document.getElementById('login-message').innerHTML")
        assert "<b>closed Dec 25</b>" in shown
        assert "onerror" not in shown
        assert "<script" not in shown
    finally:
        body = {k: v for k, v in seeded.items() if k != "built_in"}
        assert service.staff("PUT", "/admin/system-options/customer-portal", json=body).status_code == 200


def test_email_template_edit_and_preview(page: Page, stack: dict[str, Any], service: Service) -> None:
    path = "/admin/email-templates/Portal%20Invite%20(All%20Divisions)"
    seeded = service.staff("GET", path).json()
    open_console(page, stack, "/staff/email-templates")
    page.wait_for(lambda: INVITE_TEMPLATE in page.text())
    page.assert_accessible("/staff/email-templates")
    page.click(INVITE_TEMPLATE)
    page.wait_path("/staff/email-templates")
    assert page.named("Subject").get_attribute("value") == seeded["subject"]
    try:
        # When the rep edits the subject and the HTML (with a script) and previews
        page.fill("Subject", "Your portal access to {{account_name}}")
        html = page.named("HTML")
        html.clear()
        html.send_keys(
            '<p>Hello {{contact_name}}, <a href="{{invite_link}}">accept</a></p>'
            "<script>parent.document.title = 'ran'</script>"
        )
        page.click("Preview")
        page.wait_for(lambda: page.driver.execute_script("return document.getElementById('preview-subject').innerText"))
        subject = page.driver.execute_script("return document.getElementById('preview-subject').innerText")
        assert subject.startswith("Your portal access to ")
        assert "{{" not in subject
        frame = page.driver.find_element("id", "preview-html")
        assert frame.get_attribute("sandbox") == ""  # no scripts, no same origin
        srcdoc = frame.get_attribute("srcdoc")
        assert "Content-Security-Policy" in srcdoc
        assert "{{contact_name}}" not in srcdoc
        assert page.driver.title == "Email templates: Staff console"  # the script did not run
        page.assert_accessible("/staff/email-templates?name=preview")
        tall = page.driver.execute_script("return document.documentElement.scrollHeight")
        page.driver.set_window_size(1280, tall + 140)  # the frame is painted only inside the window
        page.screenshot("staff-email-template")

        # And a placeholder that does not render is refused next to the part that has it
        page.fill("Subject", "Hello {{contact_name")
        page.click("Preview")
        page.wait_for(lambda: page.field_error("Subject"))

        # When they save, the service has the new version
        page.fill("Subject", "Your portal access to {{account_name}}")
        page.click("Save")
        page.wait_for(lambda: "saved" in page.alert_text())
        assert service.staff("GET", path).json()["subject"] == "Your portal access to {{account_name}}"
    finally:
        body = {part: seeded[part] for part in ("subject", "html", "text")}
        assert service.staff("PUT", path, json=body).status_code == 200
