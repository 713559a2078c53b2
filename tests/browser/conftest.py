"""Browser tests of the hosted pages: real Chromium (Debian's `chromium` and `chromium-driver`)
driven by Selenium, against a local stack of their own (the same `python -m local` the e2e
tests start), reached only over HTTP as a person's browser reaches it.

Each test gets a fresh browser with an empty profile (so /login's first load is a cold one).
Where Chromium or chromedriver is missing every test here is skipped, saying why; `.ci/run`
installs both. Screenshots go to docs/screenshots/, axe-core results and the page measures to
docs/screenshots/report.json."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devkit.chromium import cold_chromium, missing_browser
from devkit.template import ROOT
from tests.browser.page import AXE, WAIT_SECONDS, Page, Report, Service
from tests.e2e import conftest as e2e
from tests.e2e.conftest import Api, Outbox, _start_local_stack, _stop, aws_client, sign_in

# A browser step whose route is not in template.yaml yet skips, saying so (as the e2e steps do).
needs_route = e2e.needs_route
local = e2e.local  # the local stack's DynamoDB, to move an invitation's expiry
template_routes = e2e.template_routes

VENDORED = ROOT / "web" / "common" / "vendor" / "amazon-cognito-identity.min.js"


def _missing() -> str | None:
    if reason := missing_browser():
        return reason
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
    """A fresh headless Chromium with an empty profile (devkit/chromium.py)."""
    driver = cold_chromium(tmp_path / "profile")
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
