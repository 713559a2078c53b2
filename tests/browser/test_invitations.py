"""Invitations in Chromium: staff invite a contact who sets a password and sees exactly the
granted sites, an existing login signs in to take a second account, dead links say why (an
expired one at once, offering a new link), and a login with ten accounts picks any of them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.page import (
    PASSWORD,
    Page,
    Service,
    accept_by_http,
    count_of,
    fresh_email,
    invitation_link,
    open_dead_link,
    options,
    set_password,
)
from tests.e2e.conftest import Api, LocalStack, Outbox, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DEMO_ACCOUNT = "49418"  # Renovation Gym, class COMM (auto-invite on), seeded


def test_staff_invite_a_contact_who_sets_a_password_and_sees_exactly_the_granted_sites(
    page: Page, staff: Api, outbox: Outbox, base_url: str
) -> None:
    # Given staff create a contact on Renovation Gym (its class auto-invites) with two of three sites
    email = fresh_email("jo.park")
    created = staff(
        "POST", f"/admin/accounts/{DEMO_ACCOUNT}/contacts", json={"level": "account", "name": "Jo Park", "email": email}
    )
    assert created.status_code == 201, created.text
    granted = {"all_sites": False, "site_ids": ["49418001", "49418003"]}
    assert (
        staff("PUT", f"/admin/contacts/{created.json()['contact_id']}/portal-access", json=granted).status_code == 200
    )

    # When the invitation email arrives, its link is the hosted accept page
    link = invitation_link(outbox, email)
    assert link.startswith(f"{base_url}/invitations/accept#token=")

    # Then the page shows the pool's password policy before anything is submitted
    page.open(link)
    assert "#token=" not in page.driver.current_url
    for rule in ("at least 10 characters", "a lowercase letter", "an uppercase letter", "a number"):
        assert rule in page.text()
    page.assert_accessible("/invitations/accept")
    page.screenshot("accept-new-login")

    # And a password that breaks the policy is refused next to the field
    page.fill("New Password", "short")
    page.click("Set Password and Sign In")
    page.wait_for(lambda: "at least 10 characters" in page.field_error("New Password"))

    # When a good password is set, the person is signed in on / and sees exactly the granted sites
    page.fill("New Password", PASSWORD)
    page.click("Set Password and Sign In")
    page.wait_path("/")
    assert options(page, "SELECT ACCOUNT") == ["49418 Renovation Gym"]
    assert count_of(page, "account") == "1 of 1"
    assert options(page, "SELECT SERVICE LOCATION") == [
        "49418001 Renovation Gym, 4405 Pheasant Ridge Dr NE, Blaine MN, 55449-4531",
        "49418003 Total Body Wellness Chiropractic, 425 Rice St, Saint Paul MN, 55103-2123",
    ]
    assert count_of(page, "site") == "1 of 2"
    text = page.text()
    for shown in ("Renovation Gym", "4405 Pheasant Ridge Dr NE", "Active", "Full", "Reports and documents: yes"):
        assert shown in text
    page.assert_accessible("/")
    page.screenshot("home")

    # And picking the second site shows it, 2 of 2
    from selenium.webdriver.support.ui import Select

    Select(page.named("SELECT SERVICE LOCATION")).select_by_index(1)
    page.wait_for(lambda: count_of(page, "site") == "2 of 2")
    assert "Total Body Wellness Chiropractic" in page.text()
    assert page.storage()["local"] == {}


def test_an_existing_login_signs_in_to_accept_a_second_accounts_invitation(page: Page, service: Service) -> None:
    staff, anonymous, outbox, cognito = service.staff, service.anonymous, service.outbox, service.cognito
    # Given a login on The Mill
    email = fresh_email("kim.lee")
    first = staff(
        "POST", "/admin/accounts/21638/contacts", json={"level": "account", "name": "Kim Lee", "email": email}
    )
    assert first.status_code == 201, first.text
    accept_by_http(anonymous, invitation_link(outbox, email), PASSWORD)

    # When Renovation Gym invites the same email and the person opens the link
    second = staff(
        "POST", f"/admin/accounts/{DEMO_ACCOUNT}/contacts", json={"level": "account", "name": "Kim Lee", "email": email}
    )
    assert second.status_code == 201, second.text
    link = invitation_link(outbox, email, count=2)

    # and types a new password as if new: the page asks them to sign in instead
    set_password(page, link, "Another-Password-77")
    page.wait_for(lambda: "already has a portal login" in page.alert_text())
    page.assert_accessible("/invitations/accept (sign in first)")
    page.screenshot("accept-existing-login")

    # When they sign in with their existing password, the account is added and they land on /
    page.fill("Username (email)", email)
    page.fill("Password", PASSWORD)
    page.click("Sign In and Accept")
    page.wait_path("/")
    assert options(page, "SELECT ACCOUNT") == ["21638 The Mill", "49418 Renovation Gym"]
    assert count_of(page, "account") == "1 of 2"

    # And their password did not change: the one typed on the accept page does not sign in
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        sign_in(cognito, service.portal_client_id, email, "Another-Password-77")
    assert sign_in(cognito, service.portal_client_id, email, PASSWORD)


def test_used_revoked_and_broken_links_say_so_in_words(page: Page, staff: Api, outbox: Outbox) -> None:
    # Given a contact invited twice: the first link is revoked by the second
    email = fresh_email("ray.cole")
    created = staff(
        "POST",
        f"/admin/accounts/{DEMO_ACCOUNT}/contacts",
        json={"level": "account", "name": "Ray Cole", "email": email},
    )
    assert created.status_code == 201, created.text
    first_link = invitation_link(outbox, email)
    resent = staff("POST", f"/admin/contacts/{created.json()['contact_id']}/invitations")
    assert resent.status_code == 202, resent.text
    second_link = invitation_link(outbox, email, count=2)
    assert second_link != first_link

    # When the person uses the first link, the page says it no longer works, in words
    open_dead_link(page, first_link)
    assert "replaced by a newer one" in page.text()
    # a replaced link is not renewable (the check says so): the newer email's link is the one to use
    assert "Send Me a New Link" not in page.text()
    page.assert_accessible("/invitations/accept (link no longer works)")
    page.screenshot("accept-link-gone")

    # When the second link is used, it works once; used again, it says so
    set_password(page, second_link)
    page.wait_path("/")
    page.click("Sign out")
    page.wait_path("/login")
    open_dead_link(page, second_link)
    assert "used" in page.text().lower() or "accepted" in page.text().lower()

    # And a link cut short is called incomplete, one without a token asks for the email's link
    open_dead_link(page, f"{page.base_url}/invitations/accept#token=abc")
    assert "incomplete" in page.text() or "not valid" in page.text()
    page.open("/invitations/accept")
    assert "needs the link from your invitation email" in page.text()


def test_an_expired_link_says_so_at_once_and_sends_a_new_one(
    page: Page, staff: Api, outbox: Outbox, local: LocalStack
) -> None:
    # Given a contact whose invitation expired unaccepted (its expiry moved into the past, as the
    # e2e renewal tests do)
    email = fresh_email("eve.late")
    body = {"level": "account", "name": "Eve Late", "email": email}
    assert staff("POST", f"/admin/accounts/{DEMO_ACCOUNT}/contacts", json=body).status_code == 201
    link = invitation_link(outbox, email)
    local.expire_in(link.split("#token=", 1)[1].split(".")[0], -timedelta(hours=1))

    # When its holder opens the link, the page checks it first; while it does, it says so
    # (the check is held back by the browser until axe has run on that state)
    page.driver.get("about:blank")
    page.driver.execute_cdp_cmd("Fetch.enable", {"patterns": [{"urlPattern": "*/portal/invitations/check*"}]})
    try:
        page.driver.get(link)
        page.wait_for(lambda: page.driver.find_element("id", "checking").is_displayed())
        assert not page.driver.find_element("id", "new-password").is_displayed()
        page.assert_accessible("/invitations/accept (checking the link)")
    finally:
        page.driver.execute_cdp_cmd("Fetch.disable", {})  # the held check goes on

    # Then it says the link expired, before any password is asked for, and offers a new link
    page.wait_for(lambda: "This invitation link has expired." in page.text())
    page.wait_ready()
    assert not page.driver.find_element("id", "new-password").is_displayed()
    assert page.named("Send Me a New Link").is_enabled()
    page.assert_accessible("/invitations/accept (expired link)")
    page.screenshot("accept-link-expired")

    # When they ask for one, a new invitation is emailed, and its link asks for a password
    page.click("Send Me a New Link")
    page.wait_for(lambda: "a new link is on its way" in page.text())
    assert not page.driver.find_element("id", "refresh").is_displayed()
    new_link = invitation_link(outbox, email, count=2)
    assert new_link != link
    page.driver.get("about:blank")
    page.open(new_link)
    page.wait_for(lambda: page.named("New Password").is_displayed())
    assert "expired" not in page.text()


def test_a_login_with_ten_accounts_picks_any_of_them(page: Page, service: Service) -> None:
    staff, anonymous, outbox, cognito = service.staff, service.anonymous, service.outbox, service.cognito
    # Given one email invited on ten accounts (a class without auto-invite; staff send each)
    email = fresh_email("ten.accounts")
    quiet = {
        "class_id": "TEN",
        "name": "Ten",
        "enable_portal_access": True,
        "enable_viewing_inactive_site": "service_history_only",
    }
    assert staff("POST", "/admin/account-classes", json=quiet).status_code == 201
    links = []
    for n in range(10):
        account_id = f"70000{n:02d}"
        account = {
            "account_id": account_id,
            "name": f"Hauling Site Group {n + 1}",
            "class_id": quiet["class_id"],
            "invoice_delivery": "email",
        }
        assert staff("POST", "/admin/accounts", json=account).status_code == 201
        site = {
            "site_id": f"{account_id}001",
            "name": f"Yard {n + 1}",
            "address": {"line1": f"{100 + n} Main St", "city": "Houston", "state": "TX", "postal_code": "77065"},
            "status": "inactive" if n == 6 else "active",
        }
        assert staff("POST", f"/admin/accounts/{account_id}/sites", json=site).status_code == 201
        contact = staff(
            "POST",
            f"/admin/accounts/{account_id}/contacts",
            json={"level": "account", "name": "Ten Tester", "email": email},
        )
        assert contact.status_code == 201, contact.text
        assert staff("POST", f"/admin/contacts/{contact.json()['contact_id']}/invitations").status_code == 202
        links.append(invitation_link(outbox, email, count=n + 1))
    accept_by_http(anonymous, links[0], PASSWORD)
    access_token = sign_in(cognito, service.portal_client_id, email, PASSWORD)
    for link in links[1:]:
        token = link.split("#token=", 1)[1]
        answer = anonymous(
            "POST",
            "/portal/invitations/accept",
            json={"token": token},
            headers={"Authorization": f"Bearer {access_token}"},
        )
        assert answer.status_code == 200, answer.text

    # When the person signs in
    page.open("/login")
    page.fill("Username (email)", email)
    page.fill("Password", PASSWORD)
    page.click("Login")
    page.wait_path("/")

    # Then SELECT ACCOUNT lists all ten, 1 of 10, and picking the seventh shows its (inactive) site
    assert len(options(page, "SELECT ACCOUNT")) == 10
    assert count_of(page, "account") == "1 of 10"
    from selenium.webdriver.support.ui import Select

    Select(page.named("SELECT ACCOUNT")).select_by_index(6)
    page.wait_for(lambda: count_of(page, "account") == "7 of 10")
    shown = page.text()
    for expected in ("Yard 7", "106 Main St", "Inactive", "Service history only"):
        assert expected in shown
    page.assert_accessible("/ (ten accounts)")
    page.screenshot("home-ten-accounts")

    # And the choice survives a reload of the page
    page.driver.refresh()
    page.wait_ready()
    assert count_of(page, "account") == "7 of 10"
