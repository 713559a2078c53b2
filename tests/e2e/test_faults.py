"""Under fault injection (local/faults.py): a share of the functions' DynamoDB, SES and Cognito
calls fail as AWS fails under load, while 100 contacts are inserted over HTTP. In the end every
one is invited exactly once: nothing lost (no contact without its email, nothing handed to the
failure queue), no duplicate email (read from the outbox).

The stack is its own, started with `--faults` and a fixed seed. The figures are printed and
written to `faults.json` in the stack's state folder.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import _start_local_stack, _stop, aws_client

CONTACTS = 100
PER_ACCOUNT = 5
FAULTS = "dynamodb=0.15,sesv2=0.3,cognito-idp=0.15"
SEED = "2026"
SETTLE_SECONDS = 600  # a bound, not a wait: a loaded machine is slow

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("faults")]


@pytest.fixture(scope="module")
def faulty_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    state_dir = tmp_path_factory.mktemp("faulty-stack")
    process, facts = _start_local_stack(state_dir, "--faults", FAULTS, "--fault-seed", SEED)
    facts["state_dir"] = str(state_dir)
    yield facts
    assert _stop(process) == 0


def _insert(api: str, token: str, batch: int) -> int:
    """`PER_ACCOUNT` contacts created with a new account (all or none, in one transaction). A 5xx
    (a fault that outlasted the SDK's retries) is retried; a 409 then means the earlier try was
    committed, so each contact exists exactly once. Returns the number of tries."""
    numbers = range(batch * PER_ACCOUNT, (batch + 1) * PER_ACCOUNT)
    body = {
        "account_id": f"F{batch:04d}",
        "name": f"Fault Test {batch}",
        "class_id": "COMM",
        "invoice_delivery": "email",
        "contacts": [{"name": f"Contact {n}", "email": f"fault{n}@example.com"} for n in numbers],
    }
    for attempt in range(1, 20):
        response = requests.post(
            f"{api}/admin/accounts", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        if response.status_code in (201, 409):
            return attempt
        assert response.status_code >= 500, response.text
    pytest.fail(f"account F{batch:04d} could not be created")


def _invitations(outbox_url: str) -> Counter[str]:
    items = requests.get(outbox_url, timeout=30).json()["items"]
    return Counter(to for item in items for to in [item["to"]] if str(to).startswith("fault"))


def test_every_contact_is_invited_exactly_once_while_faults_fire(faulty_stack: dict[str, Any]) -> None:
    api = faulty_stack["api_url"].rstrip("/")
    outbox_url = faulty_stack["outbox_url"]
    tries = [_insert(api, faulty_stack["staff_access_token"], b) for b in range(CONTACTS // PER_ACCOUNT)]
    expected = {f"fault{n}@example.com" for n in range(CONTACTS)}

    deadline = time.monotonic() + SETTLE_SECONDS
    sent = _invitations(outbox_url)
    while set(sent) != expected and time.monotonic() < deadline:
        time.sleep(1)
        sent = _invitations(outbox_url)
    time.sleep(3)  # a late duplicate would show now
    sent = _invitations(outbox_url)

    faults = requests.get(f"{api}/_local/faults", timeout=30).json()
    sqs = aws_client(faulty_stack, "sqs")
    failure_queue = faulty_stack["queues"]["AutoInviteFailureQueue"]
    handed_over = int(
        sqs.get_queue_attributes(QueueUrl=failure_queue, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"][
            "ApproximateNumberOfMessages"
        ]
    )
    figures = {
        "inserted": CONTACTS,
        "insert_retries_after_5xx": sum(tries) - len(tries),
        "invited": len(set(sent) & expected),
        "duplicates": sum(count - 1 for count in sent.values() if count > 1),
        "lost": len(expected - set(sent)),
        "failure_queue": handed_over,
        "faults_injected": faults["injected_total"],
        "faults_by_call": faults["injected"],
        "calls": sum(faults["calls"].values()),
    }
    Path(faulty_stack["state_dir"], "faults.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"\nfault injection: {json.dumps({k: v for k, v in figures.items() if k != 'faults_by_call'})}")

    assert faults["injected_total"] > 0
    assert any(k.startswith("dynamodb.") for k in faults["injected"])
    assert any(k.startswith("sesv2.") for k in faults["injected"])
    assert figures["lost"] == 0, sorted(expected - set(sent))[:10]
    assert figures["duplicates"] == 0, [to for to, count in sent.items() if count > 1]
    assert figures["invited"] == CONTACTS
    assert handed_over == 0
