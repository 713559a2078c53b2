"""The invitations job (a scheduled function, hourly): records the invitations that expired
unused, and reminds once, `InviteReminderDays` before it expires, of an invitation that is still
unused and deliverable (template "Portal Invite Reminder", editable).

No Scan: the GSI `by_expiry_day` (UTC day of `expires_at`, then `expires_at`) gives the
invitations of each day; the job reads the days from `LOOKBACK_DAYS` ago (catching up after an
outage) to `reminder_days` ahead, one partition each, so its reads grow with the invitations
that fall due, never with the table.

The first token of an invitation is never stored, so the reminder carries a link of its own: a
second secret whose hash is set on the invitation as the reminder is claimed (conditional: once,
whatever runs at the same time). Either link accepts the same single-use invitation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from portal_access.domain.activity import activity
from portal_access.domain.clock import iso
from portal_access.domain.delivery import EmailUndeliverable, ensure_deliverable
from portal_access.domain.email_templates import INVITE_REMINDER_TEMPLATE
from portal_access.domain.errors import InvalidInput, NotFound, NothingToRecord
from portal_access.domain.tokens import new_token
from portal_access.email.sender import EmailSendFailed
from portal_access.models.common import normalized_email
from portal_access.observability import logger

if TYPE_CHECKING:
    from portal_access.dal.activity_table import ActivityTable
    from portal_access.dal.invitation_records import InvitationRecord
    from portal_access.dal.invitations_table import InvitationsTable
    from portal_access.dal.invitations_table_suppressions import SuppressionList
    from portal_access.dal.unit_of_work import UnitOfWork
    from portal_access.domain.clock import Clock
    from portal_access.domain.contacts import ContactRecords
    from portal_access.domain.invitation_mail import InvitationMail
    from portal_access.models.contacts import Contact

REMINDER_ACTOR = "system:reminder"
NO_LINK = "-"  # a reminder claimed without sending: no secret hashes to this
EXPIRY_ACTOR = "system:expiry"
LOOKBACK_DAYS = 2  # an outage of up to two days still has its expiries recorded


@dataclass
class JobReport:
    expired: list[str] = field(default_factory=list)
    reminded: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # invitation id -> why


class InvitationJobs:
    def __init__(
        self,
        *,
        unit_of_work: UnitOfWork,
        invitations: InvitationsTable,
        suppressions: SuppressionList,
        activity_log: ActivityTable,
        contacts: ContactRecords,
        mail: InvitationMail,
        reminder_days: int,
        clock: Clock,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._invitations = invitations
        self._suppressions = suppressions
        self._activity = activity_log
        self._contacts = contacts
        self._mail = mail
        self._reminder_days = reminder_days
        self._clock = clock

    def run(self) -> JobReport:
        now = self._clock()
        report = JobReport()
        remind_until = iso(now + timedelta(days=self._reminder_days))
        start = (now - timedelta(days=LOOKBACK_DAYS)).date()
        for offset in range(LOOKBACK_DAYS + self._reminder_days + 1):
            day = (start + timedelta(days=offset)).isoformat()
            for record in self._invitations.expiring_on(day, until=remind_until):
                if record.expires_at <= iso(now):
                    if record.expired_at is None:
                        self._expire(record, report)
                elif record.reminded_at is None:
                    self._remind(record, report)
        return report

    def _expire(self, record: InvitationRecord, report: JobReport) -> None:
        at = iso(self._clock())
        entry = activity(
            record.contact_id, EXPIRY_ACTOR, "invite_expired", at=at,
            invitation_id=record.invitation_id, account_id=record.account_id, expires_at=record.expires_at,
        )  # fmt: skip
        try:
            self._unit_of_work.commit(
                [self._invitations.expire_op(record.invitation_id, now=at), self._activity.put_op(entry)]
            )
        except NothingToRecord:
            return  # accepted, revoked or recorded meanwhile
        report.expired.append(record.invitation_id)

    def _remind(self, record: InvitationRecord, report: JobReport) -> None:
        contact, why_not = self._reminder_contact(record)
        if contact is None or why_not is not None:
            why_not = why_not or "the contact no longer exists"
            # Claimed all the same (with no usable link): the reason is written once, not hourly.
            if self._invitations.claim_reminder(record.invitation_id, now=iso(self._clock()), secret_hash=NO_LINK):
                self._history(record, "invite_skipped", kind="reminder", reason=why_not)
            report.skipped[record.invitation_id] = why_not
            return
        token, secret_hash = new_token(record.invitation_id)
        if not self._invitations.claim_reminder(record.invitation_id, now=iso(self._clock()), secret_hash=secret_hash):
            return  # reminded, used or expired meanwhile
        try:
            message_id = self._mail.email_invitation_link(
                record, contact, INVITE_REMINDER_TEMPLATE, token=token, kind="reminder"
            )
        except (EmailSendFailed, InvalidInput, NotFound) as error:
            reason = error.reason if isinstance(error, EmailSendFailed) else error.message
            logger.warning("reminder not sent", invitation_id=record.invitation_id, reason=reason)
            self._history(record, "invite_skipped", kind="reminder", reason=reason)
            report.skipped[record.invitation_id] = reason
            return
        self._history(record, "invite_reminder_sent", template=INVITE_REMINDER_TEMPLATE, message_id=message_id)
        report.reminded.append(record.invitation_id)

    def _reminder_contact(self, record: InvitationRecord) -> tuple[Contact | None, str | None]:
        """The contact to remind, and why not when it should not be."""
        if record.delivery in ("bounced", "complained"):
            return None, f"the invitation email {record.delivery}"
        contact = self._contacts.find(record.contact_id)
        if contact is None:
            return None, "the contact no longer exists"
        if not contact.email or normalized_email(contact.email) != record.email:
            return contact, "the contact's email changed since the invitation was sent"
        if not contact.enable_portal_access:
            return contact, "portal access is disabled for the contact"
        try:
            ensure_deliverable(self._suppressions.get(record.email))
        except EmailUndeliverable as error:
            return contact, error.message
        return contact, None

    def _history(self, record: InvitationRecord, action: str, **details: object) -> None:
        self._activity.put(
            activity(
                record.contact_id,
                REMINDER_ACTOR,
                action,  # type: ignore[arg-type]
                at=iso(self._clock()),
                invitation_id=record.invitation_id,
                account_id=record.account_id,
                **details,
            )
        )
