"""The console's rollout screens: the Access review of an account (who can see it, with last
sign-in, saved as CSV through the browser) and Bulk invite (dry run by skip reason, a run with
its progress). Steps whose routes are not in template.yaml yet (other branches) skip, saying so."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.page import PASSWORD, Page, Service, new_login, open_console
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_access_review_shows_last_sign_in_and_downloads_csv(
    page: Page, stack: dict[str, Any], service: Service, tmp_path: Path, needs_route: Any
) -> None:
    needs_route("GET /admin/accounts/{account_id}/portal-logins")
    email = new_login(service.staff, service.anonymous, service.outbox, "reviewed.login", "Reviewed Login")

    # Given the login signs in (Cognito's API, as the portal pages do through their proxy)
    assert sign_in(service.cognito, service.portal_client_id, email, PASSWORD)

    # When staff open the account's access review
    open_console(page, stack, "/staff/access-review?account_id=49418")
    page.wait_for(lambda: email in page.text())
    row = page.driver.execute_script(
        "return [...document.querySelectorAll('#login-rows tr')].map((r) => r.innerText)"
        ".find((t) => t.includes(arguments[0]))",
        email,
    )
    assert "Never" not in row
    assert "Reviewed Login: account level, Account (All Sites)" in row
    page.assert_accessible("/staff/access-review")
    page.screenshot("staff-access-review")

    # And download the CSV: the browser saves the same logins, one row each
    page.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    page.click("Download CSV")
    saved = tmp_path / "portal-logins-49418.csv"
    page.wait_for(lambda: saved.is_file() and saved.stat().st_size > 0)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    listed = service.staff("GET", "/admin/accounts/49418/portal-logins", params={"limit": 100}).json()["items"]
    assert sorted(r["email"] for r in rows) == sorted(item["email"] for item in listed)
    assert next(r for r in rows if r["email"] == email)["last_sign_in_at"]
    assert "The CSV is saved." in page.alert_text()


def test_bulk_invite_dry_run_then_run_with_progress(
    page: Page, stack: dict[str, Any], service: Service, needs_route: Any
) -> None:
    needs_route("POST /admin/invitation-batches")
    # Given an account whose contacts were never invited (its class does not auto-send)
    klass = {
        "class_id": "BULK",
        "name": "Bulk rollout",
        "enable_portal_access": True,
        "auto_send_portal_invitation": False,
    }
    assert service.staff("POST", "/admin/account-classes", json=klass).status_code == 201
    account = {
        "account_id": "90500",
        "name": "Bulk Co",
        "status": "active",
        "class_id": "BULK",
        "invoice_delivery": "email",
    }
    assert service.staff("POST", "/admin/accounts", json=account).status_code == 201
    for n, email in enumerate(("bulk.one@example.com", "bulk.two@example.com", "bulk.three@example.com", None)):
        body = {"level": "account", "name": f"Bulk Contact {n}", **({"email": email} if email else {})}
        assert service.staff("POST", "/admin/accounts/90500/contacts", json=body).status_code == 201

    open_console(page, stack, "/staff/bulk-invite")
    page.assert_accessible("/staff/bulk-invite")
    assert not page.named("Run").is_enabled()  # a dry run first

    # When the rep dry-runs the account: 3 would be invited, 1 skipped for having no email
    page.fill("Account numbers", "90500")
    page.click("Dry run")
    page.wait_for(lambda: "A run would invite 3 contacts and skip 1." in page.text())
    assert "Skipped: No email" in page.text()
    page.assert_accessible("/staff/bulk-invite dry run")

    # And runs it: progress is polled until the batch completes, each contact mailed once
    page.click("Run")
    page.wait_for(lambda: "Batch completed." in page.text(), timeout=60)
    assert page.driver.execute_script("return document.getElementById('batch-sent').innerText") == "3"
    assert "batch_id=" in page.driver.current_url
    page.assert_accessible("/staff/bulk-invite progress")
    page.screenshot("staff-bulk-invite")
    for email in ("bulk.one@example.com", "bulk.two@example.com", "bulk.three@example.com"):
        assert len(service.outbox.wait_for(email)) == 1
    time.sleep(1)
    assert all(len(service.outbox.wait_for(e, timeout=0)) == 1 for e in ("bulk.one@example.com",))
