"""The staff console's sign-in: the staff pool with SRP through the same-origin proxy, tokens in
sessionStorage only, Sign out, and an expired session that comes back to the page it was on."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.page import Page, staff_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_staff_sign_in_returns_to_the_page_and_signs_out(page: Page, stack: dict[str, Any]) -> None:
    # When a signed-out person opens a console page, it sends them to sign in
    page.open("/staff/?search=49418")
    page.wait_path("/staff/login")
    for name in ("Username", "Password", "Sign in"):
        assert page.named(name) is not None
    page.assert_accessible("/staff/login")
    page.screenshot("staff-login")

    # And a wrong password is refused in words, keeping no token
    page.fill("Username", stack["staff_username"])
    page.fill("Password", "Not-The-Password-1")
    page.click("Sign in")
    page.wait_for(lambda: "Incorrect username or password." in page.alert_text())
    assert page.path == "/staff/login"
    assert not any("Token" in key for key in page.storage()["session"])

    # When they sign in with the staff login, they are back on the page they asked for
    staff_sign_in(page, stack)
    page.wait_path("/staff/")
    assert page.driver.execute_script("return location.search") == "?search=49418"
    page.wait_for(lambda: "Renovation Gym" in page.text())
    assert stack["staff_username"] in page.text()  # who is signed in, in the top bar
    stored = page.storage()
    assert any(key.endswith(".accessToken") for key in stored["session"])
    assert stored["local"] == {}  # never localStorage
    assert "token" not in page.driver.current_url.lower()

    # When the session is gone (expired), the next page goes back to sign-in, then returns
    page.driver.execute_script("sessionStorage.clear()")
    page.open("/staff/?search=Renovation")
    page.wait_path("/staff/login")
    staff_sign_in(page, stack)
    page.wait_path("/staff/")
    assert page.driver.execute_script("return location.search") == "?search=Renovation"

    # And Sign out signs out: the console sends them to sign in again
    page.click("Sign out")
    page.wait_path("/staff/login")
    assert not any(key.endswith(".accessToken") for key in page.storage()["session"])
    page.open("/staff/")
    page.wait_path("/staff/login")
    # no script error (the wrong password's 400 is a failed request, not a script error)
    assert [e for e in page.console_errors() if "Failed to load resource" not in e] == []
