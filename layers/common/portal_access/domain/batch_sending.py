"""Working off an invitation batch (functions/batches/worker.py, one queue, two kinds of message).

**Plan** (one page per message): examine a page of the selection (domain/batch_selection.py),
queue a send message per chunk of contacts to invite (each with the latest invitation the page
saw), record the page's counts once (its marker, in the same transaction), then queue the next
page with its continuation and note on the marker that it did. A redelivered page whose counts
are in skips to that last step, so a crash anywhere loses no page and counts none twice.

**Send** (≤ 10 contacts per message): take the chunk's turn of the send rate (domain/send_pacing.py),
then send each through `InvitationSending.send_in_batch`: a normal invitation (template, token,
delivery status, history, `Invitation Sent`), written only while the contact's latest invitation
is still the one the planner saw, and with the batch's claim on the contact in the same
transaction. So a contact is mailed once: a redelivered message finds the claim (and sends only
if its invitation never reached SES), a manual invite or another batch that got there first
moves the pointer (skipped `invitation_pending`), a re-run of the selection finds the invitation
pending. Each contact's outcome is counted once (the claim's `outcome`, with the counter).
Throttling (SES, DynamoDB, after the SDK's own retries) queues what is left of the message again,
a little later, instead of failing it; after MAX_ATTEMPTS the message fails to its dead-letter queue.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from portal_access.dal.dynamodb import BatchGetIncomplete, chunks
from portal_access.domain.batch_selection import classify
from portal_access.domain.clock import iso
from portal_access.domain.delivery import EmailUndeliverable
from portal_access.domain.errors import Conflict, InvalidInput, NotFound, TaskClaimed
from portal_access.domain.invitation_batches import purge_at
from portal_access.domain.send_pacing import PacingBusy
from portal_access.email.sender import EmailSendFailed
from portal_access.models.batches import BatchRequest, PlanMessage, SendMessage, SendTask
from portal_access.observability import logger

if TYPE_CHECKING:
    from collections.abc import Callable

    from portal_access.dal.batch_queue import BatchQueue
    from portal_access.dal.invitations_table import InvitationsTable
    from portal_access.dal.invitations_table_batches import InvitationBatchRecords
    from portal_access.domain.batch_selection import SelectionWalker
    from portal_access.domain.clock import Clock
    from portal_access.domain.send_pacing import SendPacer
    from portal_access.domain.sending import Claim, InvitationSending
    from portal_access.domain.sending_reads import SendingReads
    from portal_access.models.contacts import Contact

MAX_ATTEMPTS = 8  # throttled again and again: the message fails (to the dead-letter queue, alarmed)
MAX_RETRY_DELAY_SECONDS = 60
BATCH_ACTOR = "system:invitation-batch"
_THROTTLED = (ClientError, BotoCoreError, BatchGetIncomplete, PacingBusy)


class BatchSending:
    def __init__(
        self,
        *,
        walker: Callable[[], SelectionWalker],
        records: InvitationBatchRecords,
        invitations: InvitationsTable,
        sending: InvitationSending,
        reads: SendingReads,
        pacer: SendPacer,
        queue: BatchQueue,
        clock: Clock,
    ) -> None:
        self._walker = walker
        self._records = records
        self._invitations = invitations
        self._sending = sending
        self._reads = reads
        self._pacer = pacer
        self._queue = queue
        self._clock = clock

    def _purge_at(self) -> int:
        return purge_at(self._clock().timestamp())

    # Plan

    def plan(self, message: PlanMessage) -> None:
        batch = self._records.get(message.batch_id)
        if batch is None or batch["state"] != "running":
            logger.info("batch not running: planning stops", batch_id=message.batch_id, page=message.page)
            return
        request = BatchRequest.model_validate(batch["request"])
        page = self._walker().page(request.selection, message.continuation)
        counts: Counter[str] = Counter()
        tasks: list[SendTask] = []
        for state in page.states:
            verdict = classify(state, page.portals[state.contact.account_id], request.include)
            if verdict is None:
                continue
            counts["total"] += 1
            if verdict == "would_invite":
                tasks.append(SendTask(contact_id=state.contact.contact_id, expected_pointer=state.latest_invitation_id))
            else:
                counts[f"skipped_{verdict}"] += 1
        counts["queued"] = len(tasks)
        marker = self._records.page_marker(message.batch_id, message.page)
        if marker is None:
            sends = [SendMessage(batch_id=message.batch_id, tasks=list(c)) for c in chunks(tasks, self._pacer.chunk)]
            self._queue.send(sends)
            last = page.next is None
            self._records.count_page(message.batch_id, message.page, counts, last=last, purge_at=self._purge_at())
        if page.next is None:
            self._records.complete_if_done(message.batch_id, now=iso(self._clock()))
            logger.info("batch planned", batch_id=message.batch_id, pages=message.page + 1)
            return
        if not (marker and marker.get("next_queued")):
            self._queue.send([PlanMessage(batch_id=message.batch_id, page=message.page + 1, continuation=page.next)])
            self._records.mark_next_page_queued(message.batch_id, message.page)

    # Send

    def send(self, message: SendMessage) -> Counter[str]:
        """The outcomes settled by this message (what was settled before is not counted again)."""
        settled: Counter[str] = Counter()
        batch = self._records.get(message.batch_id)
        if batch is None:
            return settled
        tasks = message.tasks
        try:
            if batch["state"] != "running":
                for task in tasks:
                    self._settle(message.batch_id, task.contact_id, "cancelled", settled)
                return settled
            self._pacer.acquire(len(tasks))
        except _THROTTLED as error:
            self._again(message, tasks, error)
            return settled
        with self._reads.batch([t.contact_id for t in tasks]):
            for i, task in enumerate(tasks):
                try:
                    outcome = self._send_one(message.batch_id, task)
                    if outcome is not None:
                        self._settle(message.batch_id, task.contact_id, outcome, settled)
                except (*_THROTTLED, EmailSendFailed) as error:
                    self._again(message, tasks[i:], error)
                    return settled
        self._records.complete_if_done(message.batch_id, now=iso(self._clock()))
        return settled

    def _settle(self, batch_id: str, contact_id: str, outcome: str, settled: Counter[str]) -> None:
        if self._records.settle(batch_id, contact_id, outcome, purge_at=self._purge_at()):
            settled[outcome] += 1

    def _again(self, message: SendMessage, left: list[SendTask], error: Exception) -> None:
        """Queue what is left again, later; past MAX_ATTEMPTS let the message fail."""
        if message.attempt + 1 >= MAX_ATTEMPTS:
            raise error
        delay = min(2 ** (message.attempt + 1), MAX_RETRY_DELAY_SECONDS)
        logger.warning(
            "batch sends throttled: queued again", batch_id=message.batch_id, left=len(left),
            attempt=message.attempt + 1, delay_seconds=delay, error=type(error).__name__,
        )  # fmt: skip
        again = SendMessage(batch_id=message.batch_id, tasks=left, attempt=message.attempt + 1)
        self._queue.send([again], delay_seconds=delay)

    def _send_one(self, batch_id: str, task: SendTask) -> str | None:
        """The contact's outcome, or None when it was settled already."""
        contact = self._reads.contact(task.contact_id)
        if contact is None:
            return "failed"  # unlinked since it was examined
        if contact.portal_user:
            return "skipped_has_login"
        claim = self._records.task(batch_id, task.contact_id)
        if claim is None:
            purge = self._purge_at()
            return self._invite(
                contact,
                task.expected_pointer,
                lambda invitation_id: self._records.claim_op(
                    batch_id, task.contact_id, invitation_id=invitation_id, purge_at=purge
                ),
            )
        if claim.get("outcome"):
            return None
        earlier = self._invitations.get(claim["sent_invitation_id"])
        if earlier is not None and earlier.message_id:
            return "sent"  # it went out; the outcome was not yet recorded
        # Claimed, but its invitation never reached SES (a crash, or SES throttling): a new one.
        previous = str(claim["sent_invitation_id"])
        return self._invite(
            contact,
            previous,
            lambda invitation_id: self._records.reclaim_op(
                batch_id, task.contact_id, previous=previous, invitation_id=invitation_id
            ),
        )

    def _invite(self, contact: Contact, expected: str | None, claim: Claim) -> str | None:
        try:
            record = self._sending.send_in_batch(contact, expected_previous=expected, claim=claim, actor=BATCH_ACTOR)
        except TaskClaimed:
            return None  # another delivery of this message holds it: that one settles it
        except EmailUndeliverable:
            return "skipped_email_undeliverable"
        except InvalidInput:
            return "skipped_no_email"
        except NotFound:
            return "failed"
        except Conflict as error:
            if error.field == "enable_portal_access":
                return "skipped_portal_access_disabled"
            return "skipped_invitation_pending"  # another invitation got there first
        return "sent" if record.status == "sent" else "failed"
