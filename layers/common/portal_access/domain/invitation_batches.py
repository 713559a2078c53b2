"""Invitation batches, as staff start and follow them: a dry run, a run, its progress, a cancel.

A dry run walks the selection page by page (domain/batch_selection.py) within one request and
says what a run would do. It examines at most MAX_DRY_RUN_PAGES pages (each ≤ 100 contacts and
≤ 25 accounts) and MAX_DRY_RUN_SECONDS: a larger selection answers 422 `selection_too_large`,
saying how to narrow it, rather than outrun the API's 30-second limit. A run has no such limit: it records the batch and
queues its first planner page (domain/batch_sending.py works it off).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from portal_access.domain.batch_selection import MAX_ACCOUNTS_PER_PAGE, classify
from portal_access.domain.clock import iso
from portal_access.domain.errors import NotFound, SelectionTooLarge
from portal_access.domain.ids import new_id
from portal_access.domain.portal_status import MAX_CONTACTS_PER_PAGE
from portal_access.models.batches import (
    SAMPLES_PER_KIND,
    SKIP_REASONS,
    BatchProgress,
    BatchRequest,
    DryRun,
    PlanMessage,
    Sample,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from portal_access.dal.batch_queue import BatchQueue
    from portal_access.dal.invitations_table_batches import InvitationBatchRecords
    from portal_access.domain.batch_selection import SelectionWalker
    from portal_access.domain.clock import Clock

# Measured (docs/benchmarks.md): a page costs at most 25 + 5 DynamoDB calls; 100 pages stay
# well inside the API's 30 s on DynamoDB (and on the local stack's moto).
MAX_DRY_RUN_PAGES = 100
# And whatever DynamoDB's latency that day: a dry run stops and says so well before the function's
# 29 s timeout (a gateway 503 would be our defect, and would lose the answer).
MAX_DRY_RUN_SECONDS = 20.0
MAX_DRY_RUN_CONTACTS = MAX_DRY_RUN_PAGES * MAX_CONTACTS_PER_PAGE
KEEP_SECONDS = 90 * 24 * 3600


def purge_at(now_epoch: float) -> int:
    return int(now_epoch) + KEEP_SECONDS


def progress_of(item: dict[str, Any]) -> BatchProgress:
    return BatchProgress(
        batch_id=item["batch_id"],
        state=item["state"],
        planned=bool(item.get("planned")),
        total=int(item.get("total", 0)),
        queued=int(item.get("queued", 0)),
        sent=int(item.get("sent", 0)),
        failed=int(item.get("failed", 0)),
        cancelled=int(item.get("cancelled", 0)),
        skipped={r: int(item.get(f"skipped_{r}", 0)) for r in SKIP_REASONS},
        created_at=item["created_at"],
        completed_at=item.get("completed_at"),
        cancelled_at=item.get("cancelled_at"),
    )


class InvitationBatches:
    def __init__(
        self,
        *,
        walker: Callable[[], SelectionWalker],
        records: InvitationBatchRecords,
        queue: BatchQueue,
        clock: Clock,
    ) -> None:
        self._walker = walker
        self._records = records
        self._queue = queue
        self._clock = clock
        self._max_pages = MAX_DRY_RUN_PAGES
        self._max_seconds = MAX_DRY_RUN_SECONDS

    def dry_run(self, request: BatchRequest) -> DryRun:
        walker = self._walker()
        at = walker.start(request.selection)
        counts: Counter[str] = Counter()
        samples: dict[str, list[Sample]] = {"would_invite": [], **{r: [] for r in SKIP_REASONS}}
        examined = accounts = 0
        started = self._clock()
        for _ in range(self._max_pages):
            page = walker.page(request.selection, at)
            examined += len(page.states)
            accounts += page.accounts_visited
            for state in page.states:
                verdict = classify(state, page.portals[state.contact.account_id], request.include)
                if verdict is None:
                    continue
                counts[verdict] += 1
                if len(samples[verdict]) < SAMPLES_PER_KIND:
                    contact = state.contact
                    samples[verdict].append(
                        Sample(contact_id=contact.contact_id, account_id=contact.account_id, name=contact.name)
                    )
            if page.next is None:
                return DryRun(
                    would_invite=counts["would_invite"],
                    skipped={r: counts[r] for r in SKIP_REASONS},
                    samples=samples,
                    contacts_examined=examined,
                    accounts_examined=accounts,
                )
            at = page.next
            if (self._clock() - started).total_seconds() > self._max_seconds:
                break
        raise SelectionTooLarge(
            f"the selection holds more than a dry run examines in one request ({examined} contacts of "
            f"{accounts} accounts examined; at most {self._max_pages * MAX_CONTACTS_PER_PAGE} contacts, "
            f"{self._max_pages * MAX_ACCOUNTS_PER_PAGE} accounts or {self._max_seconds:.0f} seconds): "
            "narrow it to an account class (class_id) or "
            "to up to 100 account_ids, or start the run (dry_run false), which has no limit and shows its "
            "counts as it goes",
            field="selection",
        )

    def start(self, request: BatchRequest, *, actor: str) -> str:
        """Record the batch and queue its first planner page; the batch id."""
        continuation = self._walker().start(request.selection)  # 422 for unknown account ids, now
        batch_id = new_id("batch")
        now = self._clock()
        self._records.create(
            batch_id,
            request=request.model_dump(mode="json"),
            actor=actor,
            now=iso(now),
            purge_at=purge_at(now.timestamp()),
        )
        self._queue.send([PlanMessage(batch_id=batch_id, page=0, continuation=continuation)])
        return batch_id

    def progress(self, batch_id: str) -> BatchProgress:
        item = self._records.get(batch_id)
        if item is None:
            raise NotFound(f"invitation batch {batch_id} not found")
        return progress_of(item)

    def cancel(self, batch_id: str) -> BatchProgress:
        """Stops what is not sent yet; a batch that has ended stays as it ended."""
        if self._records.get(batch_id) is None:
            raise NotFound(f"invitation batch {batch_id} not found")
        self._records.cancel(batch_id, now=iso(self._clock()))
        return self.progress(batch_id)
