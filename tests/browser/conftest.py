"""Browser tests of the hosted pages: real Chromium (Debian's `chromium` and `chromium-driver`)
driven by Selenium, against a local stack of their own (the same `python -m local` the e2e
tests start), reached only over HTTP as a person's browser reaches it.

Each test gets a fresh browser with an empty profile (so /login's first load is a cold one).
Where Chromium or chromedriver is missing every test here is skipped, saying why; `.ci/run`
installs both. Screenshots go to docs/screenshots/, axe-core results and the page measures to
docs/screenshots/report.json."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devkit.template import ROOT
from tests.browser.page import AXE, WAIT_SECONDS, Page, Report, Service
from tests.e2e.conftest import Api, Outbox, _start_local_stack, _stop, aws_client, sign_in

CHROMIUM = os.environ.get("CHROMIUM_BINARY") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
VENDORED = ROOT / "web" / "common" / "vendor" / "amazon-cognito-identity.min.js"

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
    return aws_client(stack, "cognito-idp")


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


@pytest.fixture(scope="session")
def service(staff: Api, anonymous: Api, outbox: Outbox, cognito: Any, stack: dict[str, Any]) -> Service:
    return Service(staff, anonymous, outbox, cognito, str(stack["portal_client_id"]))


@pytest.fixture
def browser(tmp_path: Path, stack: dict[str, Any]) -> Iterator[Any]:
    """A fresh headless Chromium with an empty profile; chromedriver named explicitly, so
    Selenium Manager never looks for (or downloads) a driver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as ChromeService

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=ChromeService(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def report() -> Iterator[Report]:
    collected = Report()
    yield collected
    if collected.entries:
        collected.write()


@pytest.fixture
def page(browser: Any, base_url: str, report: Report) -> Page:
    return Page(browser, base_url, report)
