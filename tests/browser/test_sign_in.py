"""The login page, sign-in, a wrong password, sign-out and a password reset, in Chromium."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.page import (
    PASSWORD,
    Page,
    Report,
    Service,
    new_login,
    outbox_items,
    staff_sign_in,
)
from tests.e2e.conftest import Api, Outbox

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CODE = re.compile(r"code is (\d{6})")
# What /login may weigh cold and how soon it must be usable (shared 2-core CI machine).
LOGIN_WEIGHT_BUDGET = 200_000
INTERACTIVE_BUDGET_MS = 3_000


def test_the_login_page_renders_login_config_cold_and_fast(page: Page, report: Report) -> None:
    # When a browser with an empty cache opens /login
    page.open("/login")

    # Then it shows the options of login-config: message, terms, Request Login, request by address
    text = page.text()
    assert "Login to Manage your Account" in text
    assert "Welcome! Sign in to see your services" in text  # login_message_html
    assert "Testing login terms" in text  # login_terms_html
    assert page.named("Request Login").get_attribute("href").endswith("/request-login")
    assert page.named("Request access by service address").get_attribute("href").endswith("/request-access")
    # and the contract's labels are the accessible names
    for name in ("Username (email)", "Password", "Show My Password", "Login", "Forgot or Reset Password"):
        assert page.named(name) is not None

    # And its cold weight and time to interactive stay within budget
    measures = page.driver.execute_script(
        "const nav = performance.getEntriesByType('navigation')[0];"
        "const resources = performance.getEntriesByType('resource');"
        "const ready = performance.getEntriesByName('portal-interactive')[0];"
        "return {"
        " bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),"
        " decoded_bytes: nav.decodedBodySize + resources.reduce((sum, r) => sum + r.decodedBodySize, 0),"
        " requests: 1 + resources.length,"
        " dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd),"
        " interactive_ms: Math.round(ready.startTime),"
        " load_ms: Math.round(nav.loadEventEnd),"
        " resources: resources.map((r) => [new URL(r.name).pathname, r.transferSize])};"
    )
    report.entries.setdefault("measures", {})["/login cold"] = measures
    assert 0 < measures["bytes"] < LOGIN_WEIGHT_BUDGET, measures
    assert 0 < measures["interactive_ms"] < INTERACTIVE_BUDGET_MS, measures
    page.assert_accessible("/login")
    page.screenshot("login")
    assert page.console_errors() == []


def test_a_wrong_password_is_refused_in_words_and_keeps_no_token(
    page: Page, staff: Api, anonymous: Api, outbox: Outbox
) -> None:
    email = new_login(staff, anonymous, outbox, "wrong.password")
    page.open("/login")

    # When the person types a wrong password
    page.fill("Username (email)", email)
    page.fill("Password", "Not-The-Password-1")
    page.click("Login")

    # Then the page says so, stays on /login and holds no token
    page.wait_for(lambda: "Incorrect username or password." in page.alert_text())
    assert page.path == "/login"
    assert page.storage()["local"] == {}
    assert not any(k.endswith(("accessToken", "refreshToken", "idToken")) for k in page.storage()["session"])
    page.assert_accessible("/login (wrong password)")
    page.screenshot("login-wrong-password")

    # And an email without a login gets the very same words
    page.fill("Username (email)", "nobody@example.com")
    page.fill("Password", "Not-The-Password-1")
    page.click("Login")
    page.wait_for(lambda: "Incorrect username or password." in page.alert_text() and page.named("Login").is_enabled())

    # When the right password is typed, Show My Password shows it, and Login signs in
    page.fill("Username (email)", email)
    page.fill("Password", PASSWORD)
    page.click("Show My Password")
    assert page.named("Password").get_attribute("type") == "text"
    page.click("Login")
    page.wait_path("/")
    assert email in page.text()


def test_sign_out_clears_the_tokens_and_revokes_the_refresh_token(page: Page, service: Service) -> None:
    email = new_login(service.staff, service.anonymous, service.outbox, "sign.out")
    page.open("/login")
    page.fill("Username (email)", email)
    page.fill("Password", PASSWORD)
    page.click("Login")
    page.wait_path("/")

    # Tokens are in sessionStorage only, never in the URL or localStorage
    storage = page.storage()
    assert storage["local"] == {}
    refresh = next(v for k, v in storage["session"].items() if k.endswith(".refreshToken"))
    access = next(v for k, v in storage["session"].items() if k.endswith(".accessToken"))
    assert access not in page.driver.current_url
    assert not [m for m in page.driver.get_log("browser") if access in m["message"] or refresh in m["message"]]

    # When the person signs out
    page.click("Sign out")
    page.wait_path("/login")

    # Then the tokens are gone from the browser, and Cognito no longer honours the refresh token
    assert page.storage() == {"session": {}, "local": {}}
    with pytest.raises(service.cognito.exceptions.NotAuthorizedException):
        service.cognito.initiate_auth(
            ClientId=service.portal_client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh},
        )
    # and / sends a signed-out browser to /login
    page.open("/")
    page.wait_path("/login")


def test_signing_out_of_the_portal_leaves_the_console_signed_in(
    page: Page, service: Service, stack: dict[str, Any]
) -> None:
    # Given one tab signed in to the staff console and then to the portal (a clerk checking what a
    # customer sees)
    email = new_login(service.staff, service.anonymous, service.outbox, "two.audiences")
    page.open("/staff/login")
    staff_sign_in(page, stack)
    page.wait_path("/staff/")
    page.open("/login")
    page.fill("Username (email)", email)
    page.fill("Password", PASSWORD)
    page.click("Login")
    page.wait_path("/")

    # When the portal signs out
    page.click("Sign out")
    page.wait_path("/login")

    # Then the portal's tokens are gone and the console's are not: it still opens, signed in
    clients = {stack["portal_client_id"]: 0, stack["staff_client_id"]: 0}
    for key in page.storage()["session"]:
        for client in clients:
            clients[client] += key.startswith(f"CognitoIdentityServiceProvider.{client}.")
    assert clients[stack["portal_client_id"]] == 0
    assert clients[stack["staff_client_id"]] > 0
    page.open("/staff/")
    page.wait_for(lambda: "Sign out" in page.text())
    assert page.path == "/staff/"

    # And the console's Sign out leaves nothing behind
    page.click("Sign out")
    page.wait_path("/staff/login")
    assert page.storage() == {"session": {}, "local": {}}


def test_a_forgotten_password_is_reset_with_the_emailed_code(
    page: Page, staff: Api, anonymous: Api, outbox: Outbox
) -> None:
    email = new_login(staff, anonymous, outbox, "forgot.password")
    page.open("/login")
    page.click("Forgot or Reset Password")
    page.wait_path("/forgot-password")
    page.assert_accessible("/forgot-password")
    page.screenshot("forgot-password")

    # When the person asks for a code
    page.fill("Email Address", email)
    page.click("Send Code")
    page.wait_for(lambda: page.named("Code"))
    assert f"If there is a login for {email}, we have emailed it a code" in page.text()
    assert "at least 10 characters" in page.text()  # the pool's policy, before submitting

    # Then the code is in the outbox (moto does not email: the local stack does)
    emails = outbox.wait_for(email, count=2)
    found = CODE.search(emails[0]["text"] or "")
    assert found, emails[0]

    # When a wrong code is typed, the error sits next to the code
    page.fill("Code", "000000")
    page.fill("New Password", "Brand-New-Pass-99")
    page.click("Reset Password")
    page.wait_for(lambda: "not right or has expired" in page.field_error("Code"))
    page.assert_accessible("/forgot-password (code step)")
    page.screenshot("forgot-password-code")

    # When the right code is typed, the password is reset and the person is signed in
    page.fill("Code", found.group(1))
    page.click("Reset Password")
    page.wait_path("/")

    # And the old password no longer works, the new one does
    page.click("Sign out")
    page.wait_path("/login")
    page.fill("Username (email)", email)
    page.fill("Password", PASSWORD)
    page.click("Login")
    page.wait_for(lambda: "Incorrect username or password." in page.alert_text())
    page.fill("Password", "Brand-New-Pass-99")
    page.click("Login")
    page.wait_path("/")


def test_a_reset_for_an_email_without_a_login_says_the_same_and_sends_nothing(page: Page, outbox: Outbox) -> None:
    email = "no.login@example.com"
    page.open("/forgot-password")
    page.fill("Email Address", email)
    page.click("Send Code")
    page.wait_for(lambda: f"If there is a login for {email}, we have emailed it a code" in page.text())
    assert outbox_items(outbox, email) == []


def test_the_login_page_follows_the_options_staff_turn_off(page: Page) -> None:
    """login-config is cached for a minute per instance, so staff's change is played here by
    answering the page's own request with the options off (and a logo), before any script runs."""
    logo = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnLz4="
    page.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "const real = window.fetch.bind(window);"
            "window.fetch = async (url, init) => {"
            "  const answer = await real(url, init);"
            "  if (!String(url).endsWith('/portal/login-config')) return answer;"
            "  const config = await answer.json();"
            "  Object.assign(config, {request_login_enabled: false, account_request_via_address_enabled: false,"
            f"    login_terms_html: '', login_logo_url: '{logo}'}});"
            "  return new Response(JSON.stringify(config), {status: 200, headers: answer.headers});"
            "};"
        },
    )
    page.open("/login")
    assert "Request Login" not in page.text()
    assert "Request access by service address" not in page.text()
    assert "Testing login terms" not in page.text()
    assert page.driver.execute_script("return document.querySelector('#logo img').alt") == "Company logo"

    page.open("/request-login")
    assert "Request Login is not available" in page.text()
    assert not page.driver.execute_script("return document.getElementById('request').checkVisibility()")
    page.open("/request-access")
    assert "Requests by service address are not available" in page.text()
