"""Access review and staff roles over HTTP on the local stack: a portal login signs in through
the pages' same-origin Cognito proxy (SRP, as the pages do), the local Cognito runs the portal
pool's Post Authentication trigger, and the account's access review shows that sign-in, in JSON
and as the same rows in CSV; a login staff unlink leaves the account's review and reads disabled
in the logins list at once; each seeded staff role gets what the matrix says."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Api, Outbox, sign_in
from tests.support.srp import srp_sign_in

DEMO_ACCOUNT = "49418"
TOKEN_IN_LINK = re.compile(r"[#?&]token=([A-Za-z0-9_.\-]+)")
REVIEW = f"/admin/accounts/{DEMO_ACCOUNT}/portal-logins"


def _all_pages(staff: Api, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(50):
        answer = staff("GET", path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        items.extend(answer.json()["items"])
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("more than 50 pages")


def _csv(staff: Api, path: str, params: dict[str, str]) -> tuple[list[dict[str, str]], str | None]:
    """One page as CSV: its rows and the next page's cursor (`X-Next-Cursor`)."""
    answer = staff("GET", path, params=params, headers={"Accept": "text/csv"})
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"), newline="")))
    return rows, answer.headers.get("X-Next-Cursor")


def _csv_pages(staff: Api, path: str, params: dict[str, str]) -> list[dict[str, str]]:
    """Every CSV page of a list, following `X-Next-Cursor`."""
    found: list[dict[str, str]] = []
    cursor = None
    for _ in range(50):
        rows, cursor = _csv(staff, path, {**params, "limit": "100", **({"cursor": cursor} if cursor else {})})
        found.extend(rows)
        if not cursor:
            return found
    raise AssertionError("more than 50 pages")


def _accepted(stack: dict[str, Any], staff: Api, outbox: Outbox, name: str) -> tuple[str, str, str]:
    """A contact on the demo account, auto-invited, whose person accepts with a password:
    (email, password, contact id)."""
    if "staff_logins" not in stack:
        pytest.skip("the local stack's seeded staff logins are needed")
    unique = uuid.uuid4().hex[:8]
    email = f"review.{unique}@example.com"
    created = staff(
        "POST", f"/admin/accounts/{DEMO_ACCOUNT}/contacts", json={"level": "account", "name": name, "email": email}
    )
    assert created.status_code == 201, created.text
    token = TOKEN_IN_LINK.search(outbox.wait_for(email)[0]["text"]).group(1)  # type: ignore[union-attr]
    password = f"Review-{unique}-Pw1"
    accepted = staff.as_user(None)("POST", "/portal/invitations/accept", json={"token": token, "password": password})
    assert accepted.status_code == 200, accepted.text
    return email, password, created.json()["contact_id"]


def _portal_sign_in(stack: dict[str, Any], email: str, password: str) -> None:
    """As the portal page does: SRP through the same-origin proxy (/_local/cognito)."""
    tokens = srp_sign_in(stack["api_url"], stack["portal_user_pool_id"], stack["portal_client_id"], email, password)
    assert tokens["AccessToken"]


def test_a_sign_in_through_the_pages_proxy_shows_in_the_access_review(
    stack: dict[str, Any], staff: Api, outbox: Outbox
) -> None:
    # Given a contact on the demo account, auto-invited, whose person accepts with a password
    email, password, _ = _accepted(stack, staff, outbox, "+Review Tester")
    before = datetime.now(UTC).isoformat()

    # When the person signs in on the portal page
    _portal_sign_in(stack, email, password)

    # Then the account's access review lists the login with that sign-in
    rows = _all_pages(staff, REVIEW, {"limit": "100"})
    mine = [r for r in rows if r["email"] == email]
    assert len(mine) == 1, rows
    assert mine[0]["last_sign_in_at"] is not None
    assert mine[0]["last_sign_in_at"] >= before[:19]
    assert mine[0]["enabled"] is True
    assert mine[0]["invitation"]["status"] == "accepted"
    assert mine[0]["contacts"][0]["name"] == "+Review Tester"

    # And the CSV is the same rows (the name beginning with + escaped for spreadsheets)
    parsed, _ = _csv(staff, REVIEW, {"limit": "100"})
    first_page = staff("GET", REVIEW, params={"limit": "100"}).json()["items"]
    assert [r["login_id"] for r in parsed] == [r["login_id"] for r in first_page]
    row = next(r for r in parsed if r["email"] == email)
    assert row["contact_names"] == "'+Review Tester"
    assert row["last_sign_in_at"] == mine[0]["last_sign_in_at"]
    assert (row["enabled"], row["invitation_status"]) == ("true", "accepted")

    # And it is not dormant since yesterday, but it is before tomorrow
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert email not in {r["email"] for r in _all_pages(staff, "/admin/portal-logins", {"signed_in_before": yesterday})}
    assert email in {r["email"] for r in _all_pages(staff, "/admin/portal-logins", {"signed_in_before": tomorrow})}


def test_a_signed_in_login_unlinked_by_staff_leaves_the_account_review_and_reads_disabled(
    stack: dict[str, Any], staff: Api, outbox: Outbox
) -> None:
    # Given a login that signed in through the portal page, listed on the account, enabled
    email, password, contact_id = _accepted(stack, staff, outbox, "Unlinked Tester")
    _portal_sign_in(stack, email, password)
    tomorrow = {"signed_in_before": (datetime.now(UTC) + timedelta(days=1)).date().isoformat()}
    assert [r["enabled"] for r in _all_pages(staff, REVIEW, {"limit": "100"}) if r["email"] == email] == [True]

    # When staff unlink its one contact
    assert staff("DELETE", f"/admin/contacts/{contact_id}").status_code == 204

    # Then it can no longer see the account: no row of the account's review, in JSON or CSV
    assert email not in {r["email"] for r in _all_pages(staff, REVIEW, {"limit": "100"})}
    assert email not in {r["email"] for r in _csv_pages(staff, REVIEW, {})}
    # And the logins list shows it switched off at once, in JSON and CSV alike
    listed = [r for r in _all_pages(staff, "/admin/portal-logins", {**tomorrow, "limit": "100"}) if r["email"] == email]
    assert [(r["enabled"], r["last_sign_in_at"] is not None) for r in listed] == [(False, True)]
    cells = _csv_pages(staff, "/admin/portal-logins", tomorrow)
    assert [(r["enabled"], r["last_sign_in_at"]) for r in cells if r["email"] == email] == [
        ("false", listed[0]["last_sign_in_at"])
    ]


# (role, method, path, body) -> the status the matrix gives; the probes change nothing that matters
ROLE_PROBES: list[tuple[str, str, Any, dict[str, int]]] = [
    (
        "GET",
        "/admin/system-options/customer-portal",
        None,
        {"portal-admins": 200, "customer-service": 200, "auditors": 200},
    ),
    ("PUT", "/admin/email-templates/Role Probe", {"subject": "x"}, {"customer-service": 403, "auditors": 403}),
    ("POST", "/admin/account-classes", [], {"customer-service": 403, "auditors": 403, "portal-admins": 422}),
    (
        "POST",
        f"/admin/accounts/{DEMO_ACCOUNT}/contacts",
        [],
        {"portal-admins": 422, "customer-service": 422, "auditors": 403},
    ),
    ("GET", REVIEW, None, {"portal-admins": 200, "customer-service": 200, "auditors": 200}),
]


def test_each_seeded_staff_role_gets_what_the_matrix_says(stack: dict[str, Any], cognito: Any, anonymous: Api) -> None:
    logins = stack.get("staff_logins")
    if not logins:
        pytest.skip("stack.json names no staff login per role")
    assert set(logins) == {"portal-admins", "customer-service", "auditors"}
    assert logins["portal-admins"]["username"] == stack["staff_username"]
    for role, login in logins.items():
        api = anonymous.as_user(sign_in(cognito, stack["staff_client_id"], login["username"], login["password"]))
        for method, path, body, expected in ROLE_PROBES:
            if role not in expected:
                continue
            answer = api(method, path, json=body) if body is not None else api(method, path)
            assert answer.status_code == expected[role], (role, method, path, answer.text)
            if expected[role] == 403:
                assert answer.json()["error"]["code"] == "forbidden"
