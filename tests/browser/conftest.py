"""Browser tests of the hosted pages: real Chromium (Debian's `chromium` and `chromium-driver`)
driven by Selenium, against a local stack of their own (the same `python -m local` the e2e
tests start), reached only over HTTP as a person's browser reaches it.

Each test gets a fresh browser with an empty profile (so /login's first load is a cold one).
Where Chromium or chromedriver is missing every test here is skipped, saying why; `.ci/run`
installs both. Screenshots go to docs/screenshots/, axe-core results and the page measures to
docs/screenshots/report.json."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from local.template import ROOT
from tests.e2e.conftest import Api, Outbox, _start_local_stack, _stop, cognito_client, sign_in

CHROMIUM = os.environ.get("CHROMIUM_BINARY") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VENDORED = ROOT / "portal" / "vendor" / "amazon-cognito-identity.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
REPORT = SCREENSHOTS / "report.json"
TOKEN_IN_LINK = re.compile(r"https?://[^\s\"'<>]+/invitations/accept#token=[A-Za-z0-9_.\-]+")
WAIT_SECONDS = 20

# This machine's (and CI's) closed network refuses every connection Chromium would make on its
# own: no first-run, sync, component updates or background networking, no QUIC.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
)


def _missing() -> str | None:
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium is not installed ({CHROMIUM}): apt-get install -y chromium chromium-driver (.ci/run does)"
    if not (Path(CHROMEDRIVER).is_file() and os.access(CHROMEDRIVER, os.X_OK)):
        return f"chromedriver is not installed ({CHROMEDRIVER}): apt-get install -y chromium-driver (.ci/run does)"
    if not AXE.is_file() or not VENDORED.is_file():
        return "the npm packages are not installed: run `make vendor` (make pytest does)"
    return None


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A local stack for the browser tests alone (their Request Login attempts count against
    the invoice's rate limit, which the e2e tests must not share)."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    process, facts = _start_local_stack(tmp_path_factory.mktemp("browser-stack"))
    yield facts
    assert _stop(process) == 0


@pytest.fixture(scope="session")
def base_url(stack: dict[str, Any]) -> str:
    return str(stack["api_url"]).rstrip("/")


@pytest.fixture(scope="session")
def cognito(stack: dict[str, Any]) -> Any:
    return cognito_client(stack)


@pytest.fixture(scope="session")
def anonymous(base_url: str) -> Api:
    return Api(base_url)


@pytest.fixture(scope="session")
def staff(stack: dict[str, Any], cognito: Any, anonymous: Api) -> Api:
    return anonymous.as_user(
        sign_in(cognito, stack["staff_client_id"], stack["staff_username"], stack["staff_password"])
    )


@pytest.fixture(scope="session")
def outbox(stack: dict[str, Any]) -> Outbox:
    return Outbox(stack["outbox_url"])


@dataclass(frozen=True)
class Service:
    """The stack as the tests reach it besides the browser: staff API, public API, outbox, Cognito."""

    staff: Api
    anonymous: Api
    outbox: Outbox
    cognito: Any
    portal_client_id: str


@pytest.fixture(scope="session")
def service(staff: Api, anonymous: Api, outbox: Outbox, cognito: Any, stack: dict[str, Any]) -> Service:
    return Service(staff, anonymous, outbox, cognito, str(stack["portal_client_id"]))


@pytest.fixture
def browser(tmp_path: Path, stack: dict[str, Any]) -> Iterator[Any]:
    """A fresh headless Chromium with an empty profile; chromedriver named explicitly, so
    Selenium Manager never looks for (or downloads) a driver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()


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


@pytest.fixture(scope="session")
def report() -> Iterator[Report]:
    collected = Report()
    yield collected
    if collected.entries:
        collected.write()


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
        return str(self.driver.execute_script("return document.getElementById('alert').innerText"))

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
        counts = self.axe(page)
        serious = self.report.entries["axe"][page]["violations"]
        assert counts["critical"] == 0, serious
        assert counts["serious"] == 0, serious

    def screenshot(self, name: str) -> None:
        """The whole page at 1280 px wide, however long it is."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        height = self.driver.execute_script(
            "return Math.ceil(Math.max(document.querySelector('main').getBoundingClientRect().bottom + 40, 640))"
        )
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {"captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1}},
        )
        (SCREENSHOTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))

    def console_errors(self) -> list[str]:
        return [e["message"] for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]


@pytest.fixture
def page(browser: Any, base_url: str, report: Report) -> Page:
    return Page(browser, base_url, report)


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


def outbox_items(outbox: Outbox, email: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = requests.get(outbox.url, params={"to": email}, timeout=10).json()["items"]
    return items
