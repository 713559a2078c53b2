"""Headless Chromium as the browser tests and the page benchmarks drive it: Debian's `chromium`
and `chromium-driver` (or CHROMIUM_BINARY / CHROMEDRIVER), named explicitly so Selenium Manager
never looks for (or downloads) a driver, with an empty profile of its own: every page's first
load is a cold one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService

CHROMIUM = os.environ.get("CHROMIUM_BINARY") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"

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


def missing_browser() -> str | None:
    """Why Chromium cannot be driven here, or None."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium is not installed ({CHROMIUM}): apt-get install -y chromium chromium-driver (.ci/run does)"
    if not (Path(CHROMEDRIVER).is_file() and os.access(CHROMEDRIVER, os.X_OK)):
        return f"chromedriver is not installed ({CHROMEDRIVER}): apt-get install -y chromium-driver (.ci/run does)"
    return None


def cold_chromium(profile: Path) -> webdriver.Chrome:
    """A fresh headless Chromium whose profile (and so cache) is the empty directory `profile`;
    the browser's console is kept for get_log("browser")."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=ChromeService(executable_path=CHROMEDRIVER), options=options)
