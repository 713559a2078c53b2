"""Invitation batches end to end over HTTP, on stacks of their own (a higher send rate, so the
runs take seconds): a dry run over the seed data plus a few hundred generated contacts with exact
counts by reason; a run that invites exactly those, each once (outbox), at no more than the rate;
a re-run that sends nothing; cancel; and a run under fault injection that loses and duplicates none.
"""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import requests

from tests.e2e.conftest import _start_local_stack, _stop, stack_log_tail

RATE = 40
FAULTS = "dynamodb=0.1,sesv2=0.2"
SETTLE_SECONDS = 300  # a bound, not a wait

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("batches")]


class Stack:
    def __init__(self, facts: dict[str, Any], process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.api = facts["api_url"].rstrip("/")
        self.outbox_url = facts["outbox_url"]
        self.headers = {"Authorization": f"Bearer {facts['staff_access_token']}"}

    def call(
        self,
        method: str,
        path: str,
        *,
        ok: tuple[int, ...] = (200, 201, 202),
        if_match: int | None = None,
        **kwargs: Any,
    ) -> Any:
        """A staff call; a 5xx (a fault past the SDK's retries) is tried again, as an operator would."""
        headers = {**self.headers, **({"If-Match": str(if_match)} if if_match is not None else {})}
        for _ in range(20):
            response = requests.request(method, f"{self.api}{path}", headers=headers, timeout=180, **kwargs)
            if response.status_code < 500:
                assert response.status_code in ok, (response.status_code, response.text)
                return response.json() if response.content else None
        pytest.fail(f"{method} {path} kept failing")

    def emails(self, prefix: str) -> list[dict[str, Any]]:
        items = requests.get(self.outbox_url, timeout=30).json()["items"]
        return [i for i in items if str(i["to"]).startswith(prefix)]

    def wait_done(self, batch_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            progress = self.call("GET", f"/admin/invitation-batches/{batch_id}")
            if progress["state"] != "running":
                return dict(progress)
            time.sleep(0.5)
        pytest.fail(
            f"batch {batch_id} still running after {SETTLE_SECONDS} s: {progress}\n{stack_log_tail(self.process)}"
        )

    def generate(self, prefix: str, class_id: str, accounts: int, per_account: int, **account: Any) -> None:
        """`accounts` accounts of `per_account` contacts each, created with their contacts (409: an
        earlier try that failed late was committed)."""
        for a in range(accounts):
            body = {
                "account_id": f"{prefix.upper()}{a:03d}", "name": f"{prefix} {a}", "class_id": class_id,
                "contacts": [{"name": f"{prefix} {a}-{n}", "email": f"{prefix}{a}-{n}@example.com"}
                             for n in range(per_account)],
                **account,
            }  # fmt: skip
            self.call("POST", "/admin/accounts", json=body, ok=(201, 409))


def portal_class(class_id: str) -> dict[str, Any]:
    # auto-send off: the generated contacts are not invited on insert (the batch is the rollout)
    return {"class_id": class_id, "name": class_id, "enable_portal_access": True,
            "auto_send_portal_invitation": False}  # fmt: skip


def start(facts_dir: Any, *args: str) -> tuple[Any, Stack]:
    process, facts = _start_local_stack(facts_dir, "--parameter", f"InviteSendRatePerSecond={RATE}", *args)
    return process, Stack(facts, process)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    process, stack = start(tmp_path_factory.mktemp("batches-stack"))
    yield stack
    assert _stop(process) == 0


def dry_run(stack: Stack, selection: dict[str, Any]) -> dict[str, Any]:
    return dict(stack.call("POST", "/admin/invitation-batches", json={"selection": selection, "dry_run": True}))


def run(stack: Stack, selection: dict[str, Any]) -> str:
    body = {"selection": selection, "dry_run": False}
    return str(stack.call("POST", "/admin/invitation-batches", json=body, ok=(202,))["batch_id"])


def plus(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in a.keys() | b.keys()}


def test_a_rollout_over_the_seed_and_generated_contacts(stack: Stack) -> None:
    # Given the seed data, and 150 generated contacts on 6 active accounts of class BULK, among
    # them 4 without email, 3 with portal access off, 2 already invited; and an inactive account
    stack.call("POST", "/admin/account-classes", json=portal_class("BULK"))
    stack.generate("bulk", "BULK", accounts=6, per_account=25)
    stack.generate("closed", "BULK", accounts=1, per_account=3, status="inactive")
    grid = stack.call("GET", "/admin/accounts/BULK000/contacts", params={"limit": "25"})["items"]
    for row in grid[:4]:
        stack.call("PATCH", f"/admin/contacts/{row['contact_id']}", json={"email": None}, if_match=1)
    for row in grid[4:7]:
        stack.call("PATCH", f"/admin/contacts/{row['contact_id']}", json={"enable_portal_access": False}, if_match=1)
    for row in grid[7:9]:
        stack.call("POST", f"/admin/contacts/{row['contact_id']}/invitations", ok=(202,))
    seed = dry_run(stack, {"account_ids": ["21638", "49418"]})

    # When staff dry-run every active account, and the class (which holds the inactive one)
    everyone = dry_run(stack, {"all_active_accounts": True})
    bulk = dry_run(stack, {"class_id": "BULK"})

    # Then the counts are exact, by reason
    generated = {"no_email": 4, "portal_access_disabled": 3, "invitation_pending": 2}
    assert bulk["would_invite"] == 150 - 9
    assert bulk["skipped"] == plus(dict.fromkeys(seed["skipped"], 0), {**generated, "account_inactive": 3})
    assert everyone["would_invite"] == seed["would_invite"] + 141
    assert everyone["skipped"] == plus(seed["skipped"], generated)
    assert len(bulk["samples"]["would_invite"]) == 5

    # When the class is run
    before = len(stack.emails("bulk"))
    started = time.monotonic()
    batch_id = run(stack, {"class_id": "BULK"})
    progress = stack.wait_done(batch_id)
    elapsed = time.monotonic() - started

    # Then exactly those are invited, once each, at no more than the rate
    assert (progress["state"], progress["sent"], progress["failed"]) == ("completed", 141, 0)
    assert progress["skipped"] == bulk["skipped"]
    every = stack.emails("bulk")  # newest first
    emails = every[: len(every) - before]
    mailed = Counter(str(e["to"]) for e in every)
    assert set(mailed.values()) == {1}
    assert len(mailed) == 141 + 2  # with the two staff invited before
    times = sorted(datetime.fromisoformat(e["sent_at"].replace("Z", "+00:00")).timestamp() for e in emails)
    per_second = Counter(int(t) for t in times)
    assert len(times) <= RATE * (times[-1] - times[0] + 1), (len(times), times[-1] - times[0])
    assert max(per_second.values()) <= 2 * RATE  # a chunk begun in one second may end in the next
    print(f"\nrun of 141 at {RATE}/s: {elapsed:.1f} s, busiest second {max(per_second.values())}")

    # And a re-run sends nothing
    again = stack.wait_done(run(stack, {"class_id": "BULK"}))
    assert (again["sent"], again["skipped"]["invitation_pending"]) == (0, 143)
    assert len(stack.emails("bulk")) == 143


def test_cancel_stops_what_is_not_sent(stack: Stack) -> None:
    stack.call("POST", "/admin/account-classes", json=portal_class("HALT"))
    stack.generate("halt", "HALT", accounts=4, per_account=25)
    batch_id = run(stack, {"class_id": "HALT"})
    time.sleep(1)
    cancelled = stack.call("DELETE", f"/admin/invitation-batches/{batch_id}", ok=(202,))
    assert cancelled["state"] == "cancelled"
    time.sleep(4)  # what was queued is settled as cancelled, nothing more goes out
    progress = stack.call("GET", f"/admin/invitation-batches/{batch_id}")
    sent = len(stack.emails("halt"))
    assert progress["sent"] == sent < 100
    time.sleep(2)
    assert len(stack.emails("halt")) == sent


def test_a_run_under_faults_loses_none_and_duplicates_none(tmp_path_factory: pytest.TempPathFactory) -> None:
    process, stack = start(tmp_path_factory.mktemp("batches-faulty"), "--faults", FAULTS, "--fault-seed", "20")
    try:
        stack.call("POST", "/admin/account-classes", json=portal_class("FLT"), ok=(201, 409))
        stack.generate("flt", "FLT", accounts=3, per_account=20)
        progress = stack.wait_done(run(stack, {"class_id": "FLT"}))
        time.sleep(2)  # a late duplicate would show now
        mailed = Counter(str(e["to"]) for e in stack.emails("flt"))
        faults = requests.get(f"{stack.api}/_local/faults", timeout=30).json()
        print(f"\nfaults: {faults}")
    finally:
        assert _stop(process) == 0
    assert (progress["state"], progress["sent"], progress["failed"]) == ("completed", 60, 0)
    assert len(mailed) == 60
    assert set(mailed.values()) == {1}
