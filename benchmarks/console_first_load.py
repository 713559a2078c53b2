"""`python -m benchmarks.console_first_load`: the staff console's sign-in page (/staff/login) loaded
cold in headless Chromium on the local stack; bytes and requests by type (HTML, JS, CSS, the
Cognito library, other) and the times to DOM interactive, to a usable Sign in and to the load
event, from the page's own Navigation and Resource Timing entries. Writes its section of
docs/benchmarks.md (the rest of the file is `make bench`'s, which keeps this section).

Each run is a new browser with an empty profile (an empty cache); the times are the median of the
runs, once over loopback and once with Chromium's network emulation of a slow mobile link (the
local stack is on this machine, so loopback shows the browser's own work only). Sign in is usable
when login.js has attached its submit handler: it marks `portal-interactive` (forms.js's
interactive()) after the fields are rendered (<form-field>, elements.js). Until then the page has
no fields to type into, so nothing typed is lost or sent anywhere.

Against a running stack (make dev): --stack-json .local/stack.json; otherwise a `python -m local`
of its own on a free port.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from benchmarks.__main__ import BENCHMARKS_PATH, KEPT_BELOW, log, machine
from benchmarks.local_api_run import wait_for_stack
from devkit.chromium import cold_chromium, missing_browser
from devkit.template import ROOT

PAGE = "/staff/login"
HEADING = "## Staff console: first load of the sign-in page"
TYPES = ("HTML", "JS", "Cognito library", "CSS", "other")
# Chromium's emulation of a slow mobile link (Lighthouse's "slow 4G"): 150 ms round trip,
# 1.6 Mbit/s down, 750 kbit/s up.
SLOW = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}

MEASURE = """
const nav = performance.getEntriesByType('navigation')[0];
const ready = performance.getEntriesByName('portal-interactive')[0];
const button = document.getElementById('sign-in-button');
const entry = (e, path) => ({path, type: e.initiatorType, transfer: e.transferSize,
  encoded: e.encodedBodySize, decoded: e.decodedBodySize, end: e.responseEnd});
return {
  entries: [entry(nav, location.pathname)].concat(performance.getEntriesByType('resource')
    .map((r) => entry(r, new URL(r.name).pathname))),
  dom_interactive: nav.domInteractive,
  dom_content_loaded: nav.domContentLoadedEventEnd,
  load: nav.loadEventEnd,
  sign_in_usable: ready ? ready.startTime : null,
  button_enabled: Boolean(button) && !button.disabled && Boolean(document.getElementById('password')),
};
"""


def kind(path: str) -> str:
    if path.endswith("amazon-cognito-identity.min.js"):
        return "Cognito library"
    if path.endswith(".js"):
        return "JS"
    if path.endswith(".css"):
        return "CSS"
    if path == PAGE or path.endswith(".html"):
        return "HTML"
    return "other"


@dataclass
class Run:
    entries: list[dict[str, Any]]
    times: dict[str, float]


@dataclass
class Profile:
    name: str
    runs: list[Run] = field(default_factory=list)

    def median(self, key: str) -> float:
        return statistics.median(r.times[key] for r in self.runs)


def load_once(base_url: str, profile_dir: Path, network: dict[str, Any] | None) -> Run:
    driver = cold_chromium(profile_dir)
    try:
        driver.set_page_load_timeout(120)
        if network:
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.emulateNetworkConditions", network)
        driver.get(f"{base_url}{PAGE}")
        deadline = time.monotonic() + 60
        found: dict[str, Any] = driver.execute_script(MEASURE)
        while (found["sign_in_usable"] is None or not found["load"]) and time.monotonic() < deadline:
            time.sleep(0.1)
            found = driver.execute_script(MEASURE)
        if not found.get("button_enabled"):
            raise RuntimeError(f"{PAGE} never offered an enabled Sign in: {found}")
        times = {k: float(found[k]) for k in ("dom_interactive", "dom_content_loaded", "sign_in_usable", "load")}
        times["cognito"] = max(float(e["end"]) for e in found["entries"] if kind(e["path"]) == "Cognito library")
        return Run(found["entries"], times)
    finally:
        driver.quit()


def gzipped(base_url: str, path: str) -> int:
    """What the response would weigh gzip'ed (level 6), for a server or CDN that compresses."""
    return len(gzip.compress(requests.get(f"{base_url}{path}", timeout=30).content, compresslevel=6))


@contextmanager
def local_stack(stack_json: Path | None) -> Iterator[str]:
    """The API's URL: of the stack `stack_json` describes, or of a `python -m local` started here."""
    if stack_json:
        yield str(wait_for_stack(stack_json)["api_url"]).rstrip("/")
        return
    with (
        tempfile.TemporaryDirectory(prefix="bench-console-") as directory,
        (Path(directory) / "stack.log").open("wb") as stack_log,
    ):
        process = subprocess.Popen(
            [sys.executable, "-m", "local", "--port", "0", "--state-dir", directory],
            cwd=ROOT,
            stdout=stack_log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield str(wait_for_stack(Path(directory) / "stack.json")["api_url"]).rstrip("/")
        finally:
            process.terminate()
            process.wait(timeout=30)


def by_type(run: Run, base_url: str) -> dict[str, dict[str, int]]:
    totals = {t: {"requests": 0, "transfer": 0, "decoded": 0, "gzip": 0} for t in TYPES}
    for entry in run.entries:
        into = totals[kind(entry["path"])]
        into["requests"] += 1
        into["transfer"] += int(entry["transfer"])
        into["decoded"] += int(entry["decoded"])
        into["gzip"] += gzipped(base_url, entry["path"]) if entry["decoded"] else 0
    return totals


def kb(size: float) -> str:
    return f"{size / 1024:.1f} kB"


def section(profiles: list[Profile], totals: dict[str, dict[str, int]], *, started: datetime) -> str:
    whole = {key: sum(t[key] for t in totals.values()) for key in ("requests", "transfer", "decoded", "gzip")}
    cognito = totals["Cognito library"]
    lines = [
        HEADING,
        "",
        "Written by `make bench-console` (`python -m benchmarks.console_first_load`; `make bench` keeps it).",
        "A new headless",
        "Chromium with an empty profile (cold cache) opens `/staff/login` on the local stack; bytes and",
        "requests come from the page's Navigation and Resource Timing entries (`transferSize`: headers and",
        "body as they crossed the wire; `decodedBodySize`: the body), times are the median of the runs,",
        "from the start of the navigation. *Sign in usable*: login.js has rendered the fields and attached",
        "its handler (the `portal-interactive` mark) and the Sign in button is enabled.",
        "",
        f"Run: {started:%Y-%m-%d %H:%M} UTC, {len(profiles[0].runs)} cold loads per network.",
        f"Machine: {machine()}, Chromium headless, shared with other work (times are for scale).",
        "",
        "| type | requests | transferred | body | gzip'ed (level 6) | share of the bytes |",
        "|---|---|---|---|---|---|",
    ]
    for name in TYPES:
        t = totals[name]
        if not t["requests"]:
            continue
        share = t["transfer"] / whole["transfer"]
        lines.append(
            f"| {name} | {t['requests']} | {kb(t['transfer'])} | {kb(t['decoded'])} | {kb(t['gzip'])} | {share:.0%} |"
        )
    lines.append(
        f"| **total** | **{whole['requests']}** | **{kb(whole['transfer'])}** | {kb(whole['decoded'])}"
        f" | {kb(whole['gzip'])} | 100% |"
    )
    lines += [
        "",
        "| network | DOM interactive | Sign in usable | Cognito library loaded | load event |",
        "|---|---|---|---|---|",
    ]
    for profile in profiles:
        times = [profile.median(key) for key in ("dom_interactive", "sign_in_usable", "cognito", "load")]
        lines.append(f"| {profile.name} | " + " | ".join(f"{t:.0f} ms" for t in times) + " |")
    dominates = cognito["transfer"] / whole["transfer"]
    lines += [
        "",
        f"The Cognito library (`amazon-cognito-identity.min.js`, vendored, for SRP) is {dominates:.0%} of the"
        f" bytes ({kb(cognito['transfer'])} of {kb(whole['transfer'])})"
        + (": it dominates the first load." if dominates >= 0.5 else "."),
        "session.js adds it as a classic script of its own, so it does not hold the modules back: Sign in is",
        "usable before it has arrived (a sign-in started earlier waits for it). What Sign in waits for is the",
        "module graph's depth (login.js, console.js, screens.js, api.js: one round trip each), not its bytes.",
        f"The local stack sends every file uncompressed; gzip'ed the whole page would be {kb(whole['gzip'])}.",
        "",
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    """This section, below docs/benchmarks.md's KEPT_BELOW mark (make bench keeps what is below it),
    replacing its older run; the rest of the file stays as it is."""
    document = BENCHMARKS_PATH.read_text(encoding="utf-8") if BENCHMARKS_PATH.is_file() else ""
    head, _, kept = document.partition(KEPT_BELOW)
    others = [s for s in re.split(r"\n(?=## )", kept.strip("\n")) if s.strip() and not s.startswith(HEADING)]
    body = "\n\n".join(part.strip("\n") for part in [text, *others])
    BENCHMARKS_PATH.write_text(f"{head.rstrip()}\n\n{KEPT_BELOW}\n\n{body}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="cold loads per network (default 5)")
    parser.add_argument("--stack-json", type=Path, help="measure this running stack (make dev's stack.json)")
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    args = parser.parse_args(argv)
    if reason := missing_browser():
        print(reason, file=sys.stderr)
        return 2
    started = datetime.now(UTC)
    profiles = [Profile("loopback"), Profile("slow 4G emulated (150 ms RTT, 1.6 Mbit/s)")]
    with (
        local_stack(args.stack_json) as base_url,
        tempfile.TemporaryDirectory(prefix="bench-chromium-") as browsers,
    ):
        for number in range(args.runs):
            for profile, network in zip(profiles, (None, SLOW), strict=True):
                log(f"console first load: {profile.name}, run {number + 1} of {args.runs}")
                profile.runs.append(load_once(base_url, Path(browsers) / f"{profile.name[:4]}-{number}", network))
        totals = by_type(profiles[0].runs[-1], base_url)
    text = section(profiles, totals, started=started)
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
