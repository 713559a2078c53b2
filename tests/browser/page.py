"""The browser tests' view of the portal: one Chromium on the pages (navigation, waits,
accessible names, axe-core, screenshots), the report it writes, and the steps the journeys share."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from devkit.template import ROOT
from tests.e2e.conftest import Api, Outbox

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
REPORT = SCREENSHOTS / "report.json"
TOKEN_IN_LINK = re.compile(r"https?://[^\s\"'<>]+/invitations/accept#token=[A-Za-z0-9_.\-]+")
WAIT_SECONDS = 20
PASSWORD = "Portal-Login-2026"


@dataclass(frozen=True)
class Service:
    """The stack as the tests reach it besides the browser: staff API, public API, outbox, Cognito."""

    staff: Api
    anonymous: Api
    outbox: Outbox
    cognito: Any
    portal_client_id: str


@dataclass
class Report:
    """axe-core results per page and the page measures, merged into report.json."""

    entries: dict[str, Any] = field(default_factory=dict)

    def write(self) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        known = json.loads(REPORT.read_text(encoding="utf-8")) if REPORT.is_file() else {}
        for section, values in self.entries.items():
            known.setdefault(section, {}).update(values)
        REPORT.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n", encoding="utf-8")


class Page:
    """One browser on the portal: navigation, waits, accessible names, axe, screenshots."""

    def __init__(self, driver: Any, base_url: str, report: Report) -> None:
        self.driver = driver
        self.base_url = base_url
        self.report = report

    def open(self, path: str) -> None:
        self.driver.get(path if path.startswith("http") else f"{self.base_url}{path}")
        self.wait_ready()

    def wait_ready(self) -> None:
        self.wait_for(lambda: self.driver.execute_script("return document.documentElement.dataset.ready") == "true")

    def wait_for(self, condition: Callable[[], Any], timeout: float = WAIT_SECONDS) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            try:
                found = condition()
            except Exception:  # an element not there yet, a page being replaced
                found = None
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out on {self.driver.current_url}:\n{self.text()[:2000]}")
            time.sleep(0.1)

    def wait_path(self, path: str) -> None:
        self.wait_for(lambda: self.path == path)
        self.wait_ready()

    @property
    def path(self) -> str:
        return str(self.driver.execute_script("return location.pathname"))

    def text(self) -> str:
        return str(self.driver.execute_script("return document.body ? document.body.innerText : ''"))

    def named(self, name: str, role: str | None = None) -> Any:
        """The visible element whose accessible name is `name` (as a screen reader says it)."""
        from selenium.webdriver.common.by import By

        def find() -> Any:
            for element in self.driver.find_elements(By.CSS_SELECTOR, "input, button, a, select, textarea"):
                if element.is_displayed() and element.accessible_name == name and role in (None, element.aria_role):
                    return element
            return None

        return self.wait_for(find)

    def fill(self, name: str, value: str) -> None:
        element = self.named(name)
        element.clear()
        element.send_keys(value)

    def click(self, name: str) -> None:
        self.named(name).click()

    def alert_text(self) -> str:
        return self.alert_text_of("alert")

    def alert_text_of(self, element_id: str) -> str:
        return str(self.driver.execute_script("return document.getElementById(arguments[0]).innerText", element_id))

    def field_error(self, name: str) -> str:
        element = self.named(name)
        holder = self.driver.execute_script(
            "const id = arguments[0].id; const e = document.getElementById(id + '-error'); return e ? e.innerText : ''",
            element,
        )
        assert element.get_attribute("aria-invalid") == "true", f"{name} is not marked invalid"
        return str(holder)

    def storage(self) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = self.driver.execute_script(
            "const dump = (s) => Object.fromEntries(Object.keys(s).map((k) => [k, s.getItem(k)]));"
            "return {session: dump(sessionStorage), local: dump(localStorage)}"
        )
        return found

    def axe(self, page: str) -> dict[str, int]:
        """axe-core on the page as it is now; its violations counted by impact, recorded."""
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        violations: list[dict[str, Any]] = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then((r) => done(r.violations.map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))))"
            ".catch((e) => done([{id: 'axe-error: ' + e, impact: 'critical', nodes: 0}]));"
        )
        counts = dict.fromkeys(("critical", "serious", "moderate", "minor"), 0)
        for violation in violations:
            counts[str(violation["impact"])] = counts.get(str(violation["impact"]), 0) + 1
        self.report.entries.setdefault("axe", {})[page] = {"counts": counts, "violations": violations}
        return counts

    def assert_accessible(self, page: str) -> None:
        """axe-core finds nothing, of any impact (minor included)."""
        counts = self.axe(page)
        violations = self.report.entries["axe"][page]["violations"]
        assert not any(counts.values()), violations

    def screenshot(self, name: str) -> None:
        """The whole page at 1280 px wide, however long it is, with an open dialog to its bottom."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        height = self.driver.execute_script(
            "const bottom = (e) => (e ? e.getBoundingClientRect().bottom : 0);"
            "return Math.ceil(Math.max(bottom(document.querySelector('main')) + 40,"
            " bottom(document.querySelector('dialog[open]')) + 20, 640))"
        )
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {"captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1}},
        )
        (SCREENSHOTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))

    def console_errors(self) -> list[str]:
        return [e["message"] for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]


def invitation_link(outbox: Outbox, email: str, *, count: int = 1) -> str:
    """The newest invitation link emailed to `email`, once `count` emails have arrived."""
    emails = outbox.wait_for(email, count=count)
    assert len(emails) >= count, f"no email for {email}"
    found = TOKEN_IN_LINK.search(emails[0]["text"] or emails[0]["html"] or "")
    assert found, emails[0]
    return found.group(0)


def accept_by_http(anonymous: Api, link: str, password: str) -> None:
    token = link.split("#token=", 1)[1]
    answer = anonymous("POST", "/portal/invitations/accept", json={"token": token, "password": password})
    assert answer.status_code == 200, answer.text


def new_login(staff: Api, anonymous: Api, outbox: Outbox, name: str, contact_name: str = "Pat Doe") -> str:
    """A contact of 49418 (auto-invited: its class COMM auto-sends) named `contact_name`, accepted
    with PASSWORD: a ready portal login's email, `name`@example.com (one name per test: each
    browser session has a stack of its own)."""
    email = f"{name}@example.com"
    created = staff(
        "POST", "/admin/accounts/49418/contacts", json={"level": "account", "name": contact_name, "email": email}
    )
    assert created.status_code == 201, created.text
    accept_by_http(anonymous, invitation_link(outbox, email), PASSWORD)
    return email


def fill_request_login(page: Page, invoice_number: str, proof: str, name: str, email: str) -> None:
    """Fills in /request-login and submits it."""
    page.open("/request-login")
    page.fill("Invoice #", invoice_number)
    page.fill("Quick Pay Code / Account #", proof)
    page.fill("Contact Name", name)
    page.fill("Email Address", email)
    page.click("Submit")


def outbox_items(outbox: Outbox, email: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = requests.get(outbox.url, params={"to": email}, timeout=10).json()["items"]
    return items


def fresh_email(label: str) -> str:
    """One address per test: every browser session starts a stack of its own, so the same names
    (and the same screenshots) come back run after run."""
    return f"{label}@example.com"


def options(page: Page, label: str) -> list[str]:
    select = page.named(label)
    return [str(o.text) for o in select.find_elements("tag name", "option")]


def count_of(page: Page, select_id: str) -> str:
    return str(page.driver.execute_script(f"return document.getElementById('{select_id}-count').innerText"))


def set_password(page: Page, link: str, password: str = PASSWORD) -> None:
    page.driver.get("about:blank")  # a new document, as a link opened from an email gets
    page.open(link)
    assert "#token=" not in page.driver.current_url  # the page keeps the token in memory only
    page.fill("New Password", password)
    page.click("Set Password and Sign In")


def staff_sign_in(page: Page, stack: dict[str, Any]) -> None:
    """Signs in on /staff/login (the page must be open) as the seeded admin, aliena.somers."""
    page.fill("Username", str(stack["staff_username"]))
    page.fill("Password", str(stack["staff_password"]))
    page.click("Sign in")


def choose(page: Page, label: str, text: str) -> None:
    """Picks the option whose text is `text` in the select named `label`."""
    from selenium.webdriver.support.select import Select

    Select(page.named(label)).select_by_visible_text(text)


def open_console(page: Page, stack: dict[str, Any], path: str) -> None:
    """A console page, signing in as the seeded admin first when the browser has no session."""
    page.open(path)
    if page.path == "/staff/login":
        staff_sign_in(page, stack)
    page.wait_for(lambda: page.driver.execute_script("return location.pathname + location.search") == path)
    page.wait_ready()


def open_dead_link(page: Page, link: str) -> None:
    """Opens an invitation link that no longer works, as its holder would, until the page says so."""
    page.driver.get("about:blank")
    page.open(link)
    # POST /portal/invitations/check answers before any password is asked for
    page.wait_for(lambda: "This invitation link no longer works" in page.text())
    assert not page.driver.find_element("id", "new-password").is_displayed()
