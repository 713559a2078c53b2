"""Delivery: what SES reports about an invitation or reminder email after accepting it.

Every email the service sends goes through the `InvitationEmails` configuration set and carries
the tag `invitation_id`; the set's event destination brings SES's DELIVERY, BOUNCE, COMPLAINT
and DELIVERY_DELAY events back here (template.yaml: SES -> SNS -> SQS -> DeliveryEventsFunction).

Each fact is recorded once: the invitation's `delivery` only moves forward (conditional write),
in the same transaction as its Activity History entry, so a redelivered or late event changes
nothing. A permanent bounce or a complaint also puts the email on the service's suppression
list: no invitation or reminder goes to it again until the contact's email changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from portal_access.dal.invitation_records import Suppression
from portal_access.domain.activity import activity
from portal_access.domain.clock import iso
from portal_access.domain.errors import Conflict, NothingToRecord
from portal_access.models.delivery import INVITATION_TAG, KIND_TAG, SesEvent
from portal_access.observability import logger

if TYPE_CHECKING:
    from portal_access.dal.activity_table import ActivityTable
    from portal_access.dal.invitation_records import InvitationRecord
    from portal_access.dal.invitations_table import InvitationsTable
    from portal_access.dal.invitations_table_suppressions import SuppressionList
    from portal_access.dal.unit_of_work import TransactOp, UnitOfWork
    from portal_access.domain.clock import Clock
    from portal_access.models.contacts import ActivityEntry

SES_ACTOR = "system:ses"
Outcome = Literal["recorded", "already_recorded", "not_ours", "ignored"]


class EmailUndeliverable(Conflict):
    """SES reported the email as permanently bounced or complained about."""

    code = "email_undeliverable"


def undeliverable_message(suppression: Suppression) -> str:
    what = "bounced permanently" if suppression.reason == "bounced" else "was reported as spam by its recipient"
    return f"{suppression.email} {what} on {suppression.at[:10]}: change the contact's email before inviting again"


def ensure_deliverable(suppression: Suppression | None) -> None:
    """409 `email_undeliverable` for an email on the suppression list (its entry, or None)."""
    if suppression is not None:
        raise EmailUndeliverable(undeliverable_message(suppression), field="email")


class DeliveryService:
    def __init__(
        self,
        *,
        unit_of_work: UnitOfWork,
        invitations: InvitationsTable,
        suppressions: SuppressionList,
        activity_log: ActivityTable,
        clock: Clock,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._invitations = invitations
        self._suppressions = suppressions
        self._activity = activity_log
        self._clock = clock

    def record(self, event: SesEvent) -> Outcome:
        invitation_id = event.mail.tag(INVITATION_TAG)
        if invitation_id is None:
            logger.info("SES event skipped: not an invitation email", message_id=event.mail.message_id)
            return "not_ours"
        record = self._invitations.get(invitation_id)
        if record is None:
            logger.info("SES event skipped: invitation not found", invitation_id=invitation_id)
            return "not_ours"
        ops = self._ops(event, record)
        if not ops:
            return "ignored"
        try:
            self._unit_of_work.commit(ops)
        except NothingToRecord:
            logger.info("SES event already recorded", invitation_id=invitation_id, event_type=event.event_type)
            return "already_recorded"
        logger.info("SES event recorded", invitation_id=invitation_id, event_type=event.event_type)
        return "recorded"

    def _ops(self, event: SesEvent, record: InvitationRecord) -> list[TransactOp]:
        invitation_id = record.invitation_id
        kind = event.mail.tag(KIND_TAG) or "invitation"

        def entry(action: str, at: str, **details: object) -> TransactOp:
            history: ActivityEntry = activity(
                record.contact_id, SES_ACTOR, action, at=iso(self._clock()),  # type: ignore[arg-type]
                invitation_id=invitation_id, account_id=record.account_id, email=record.email,
                email_kind=kind, reported_at=at, **details,
            )  # fmt: skip
            return self._activity.put_op(history)

        if event.delivery is not None:
            at = event.delivery.timestamp
            delivered = self._invitations.delivery_op(invitation_id, delivery="delivered", at=at)
            return [delivered, entry("invite_delivered", at)]
        if event.bounce is not None:
            bounce = event.bounce
            permanent = bounce.bounce_type == "Permanent"
            diagnostic = next((r.diagnostic_code for r in bounce.bounced_recipients if r.diagnostic_code), None)
            bounce_type = bounce.bounce_type.lower()
            ops = [
                self._invitations.delivery_op(
                    invitation_id, delivery="bounced", at=bounce.timestamp, bounce_type=bounce_type
                ),
                entry(
                    "invite_bounced",
                    bounce.timestamp,
                    bounce_type=bounce_type,
                    bounce_sub_type=bounce.bounce_sub_type,
                    undeliverable=permanent,
                    diagnostic=diagnostic,
                ),
            ]
            if permanent:
                ops.append(self._suppress(record, "bounced", bounce.timestamp))
            return ops
        if event.complaint is not None:
            complaint = event.complaint
            return [
                self._invitations.delivery_op(invitation_id, delivery="complained", at=complaint.timestamp),
                entry(
                    "invite_complained",
                    complaint.timestamp,
                    undeliverable=True,
                    feedback_type=complaint.complaint_feedback_type,
                ),
                self._suppress(record, "complained", complaint.timestamp),
            ]
        if event.delivery_delay is not None:
            delay = event.delivery_delay
            return [
                self._invitations.delayed_op(invitation_id, at=delay.timestamp),
                entry("invite_delivery_delayed", delay.timestamp, delay_type=delay.delay_type),
            ]
        return []

    def _suppress(self, record: InvitationRecord, reason: str, at: str) -> TransactOp:
        return self._suppressions.put_op(
            Suppression(email=record.email, reason=reason, at=at, reported_invitation_id=record.invitation_id)
        )
