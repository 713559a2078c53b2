"""Invitation batches at the size of a customer base (measure 6): the dry run of every active
account while the tables hold 1k and 100k items, and a run's calls per contact against the
manual invite's. The dry run reads by pages (a Query per account visited, three BatchGetItem per
100 contacts, the classes once): its calls grow with the selection, never per contact, and past
MAX_DRY_RUN_PAGES it answers 422 `selection_too_large` instead of outrunning the API's 30 s."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from benchmarks.world import Request, World


@dataclass
class DryRunMeasure:
    items: int
    status: int
    seconds: float
    calls: Counter[str]
    contacts_examined: int | None
    accounts_examined: int | None


def measure_dry_run(world: World) -> DryRunMeasure:
    """`POST /admin/invitation-batches` (dry run, every active account), on a cold instance."""
    world.reload("InvitationBatchesFunction")
    body = {"selection": {"all_active_accounts": True}, "dry_run": True}
    with world.recorder.recording() as calls:
        started = time.perf_counter()
        response = world.invoke(world.routes["POST /admin/invitation-batches"], Request(body=body))
        seconds = time.perf_counter() - started
    made = Counter(c.operation for c in calls if c.service == "dynamodb")
    answer = response.body if response.status == 200 else {}
    return DryRunMeasure(
        items=world.seeded.items,
        status=response.status,
        seconds=seconds,
        calls=made,
        contacts_examined=answer.get("contacts_examined"),
        accounts_examined=answer.get("accounts_examined"),
    )
