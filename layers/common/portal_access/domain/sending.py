"""Sending invitations: the one way an invitation goes out. Staff routes call
`send_to_contact`; the contacts stream calls `auto_invite`; self-registration calls `send(...,
trigger="self_registration")` (and domain/login_reminder.py for an email that already has a
login); a refresh of an expired link calls `send(..., trigger="refresh")`.

The invitation is written before its email goes out, in one transaction that moves the contact's
pointer to it and revokes the previous unused one, so whatever happens at SES it is on record.
An SES failure does not raise: the invitation comes back `failed`, and says why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, TypedDict

from botocore.exceptions import ClientError

from portal_access.dal.invitation_records import InvitationRecord
from portal_access.domain.activity import activity
from portal_access.domain.clock import iso
from portal_access.domain.delivery import EmailUndeliverable, ensure_deliverable
from portal_access.domain.errors import Conflict, InvalidInput, NotFound, NothingToRevoke
from portal_access.domain.ids import new_id
from portal_access.domain.tokens import new_token
from portal_access.email.sender import EmailSendFailed
from portal_access.models.common import normalized_email
from portal_access.observability import logger

if TYPE_CHECKING:
    from portal_access.dal.activity_table import ActivityTable
    from portal_access.dal.invitations_table import InvitationsTable
    from portal_access.dal.invitations_table_pointers import InvitationPointers
    from portal_access.dal.unit_of_work import TransactOp, UnitOfWork
    from portal_access.domain.clock import Clock
    from portal_access.domain.contacts import ContactRecords
    from portal_access.domain.invitation_mail import InvitationMail
    from portal_access.domain.sending_reads import SendingReads
    from portal_access.models.accounts import Account
    from portal_access.models.contacts import ActivityAction, Contact
    from portal_access.models.invitations import Trigger

Claim = Callable[[str], "TransactOp"]  # the new invitation's id -> a write of its transaction

KEEP_AFTER_EXPIRY = timedelta(days=30)  # then DynamoDB's TTL deletes the invitation
AUTO_INVITE_ACTOR = "system:auto-invite"
MAX_SEND_ATTEMPTS = 3  # a concurrent send for the same contact moved the pointer: read it again

_ACTION_BY_TRIGGER: dict[Trigger, ActivityAction] = {
    "manual": "invite_sent",
    "auto": "invite_auto_sent",
    "self_registration": "invite_sent",
    "refresh": "invite_sent",  # the customer asked for a new link (domain/renewal.py)
    "batch": "invite_sent",  # an invitation batch (domain/batch_sending.py)
}


class AutoInviteOutcome(TypedDict):
    """What the auto-invite of one inserted contact did (stored by the idempotency layer)."""

    contact_id: str
    outcome: str  # sent / failed / skipped
    detail: str


def email_of(contact: Contact) -> str:
    """The contact's email as invitations are addressed; 422 when it has none."""
    if not contact.email:
        raise InvalidInput(
            f"contact {contact.contact_id} has no email address: add one in Details first", field="email"
        )
    return normalized_email(contact.email)


def invitable(contact: Contact, reads: SendingReads) -> tuple[Account, str]:
    """What a send asks of a saved contact before its suppression check: (its account, the email
    to address). 422 without an email, 409 when the contact or its account class has portal
    access disabled, 404 when its account is gone. The link check (domain/renewal.py) asks the same."""
    email = email_of(contact)
    if not contact.enable_portal_access:
        raise Conflict(
            f"portal access is disabled for contact {contact.contact_id}: enable it in Details first",
            field="enable_portal_access",
        )
    account = reads.account(contact.account_id)
    if account is None:
        raise NotFound(f"account {contact.account_id} not found")
    if reads.portal_class(account) is None:
        raise Conflict(f"portal access is disabled for account class {account.class_id}", field="enable_portal_access")
    return account, email


class InvitationSending:
    def __init__(
        self,
        *,
        unit_of_work: UnitOfWork,
        invitations: InvitationsTable,
        pointers: InvitationPointers,
        contacts: ContactRecords,
        activity_log: ActivityTable,
        reads: SendingReads,
        mail: InvitationMail,
        ttl: timedelta,
        clock: Clock,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._invitations = invitations
        self._pointers = pointers
        self._contacts = contacts
        self._activity = activity_log
        self._reads = reads
        self._mail = mail
        self._ttl = ttl
        self._clock = clock

    def send_to_contact(self, contact_id: str, *, trigger: Trigger, actor: str) -> InvitationRecord:
        return self.send(self._contacts.get(contact_id), trigger=trigger, actor=actor)

    def send(
        self, contact: Contact, *, trigger: Trigger, actor: str, creating: Sequence[TransactOp] = ()
    ) -> InvitationRecord:
        """Invite a saved contact: 422 without an email, 409 when the contact or its account
        class has portal access disabled. Revokes the contact's earlier unused invitation.
        `creating`: the writes that create the contact, made in the invitation's transaction
        (a contact created so has no earlier invitation: its pointer is not read)."""
        account, email = self._checked(contact, trigger=trigger, actor=actor)
        return self._send(contact, account, email, trigger=trigger, actor=actor, creating=creating)

    def send_in_batch(
        self, contact: Contact, *, expected_previous: str | None, claim: Claim, actor: str
    ) -> InvitationRecord:
        """An invitation batch's send: checked as `send`, but written only while the contact's
        latest invitation is still `expected_previous` (what the batch examined), with `claim`'s
        write in the same transaction. `Conflict` when another invitation got there first (a
        manual one, another batch), the claim's error when the batch holds the contact already;
        either way nothing is written or mailed. SES throttling raises, for the batch to retry."""
        account, email = self._checked(contact, trigger="batch", actor=actor)
        return self._send(
            contact, account, email, trigger="batch", actor=actor, expected=(expected_previous, claim),
            retry_transient=True,
        )  # fmt: skip

    def _checked(self, contact: Contact, *, trigger: Trigger, actor: str) -> tuple[Account, str]:
        """`invitable`, then 409 `email_undeliverable` for a suppressed address."""
        account, email = invitable(contact, self._reads)
        self._ensure_deliverable(contact, email, trigger=trigger, actor=actor)
        return account, email

    def _ensure_deliverable(self, contact: Contact, email: str, *, trigger: Trigger, actor: str) -> None:
        """409 `email_undeliverable`; what no person asked for says why in the history too."""
        try:
            ensure_deliverable(self._reads.suppression(email))
        except EmailUndeliverable as error:
            if trigger != "manual":
                self._activity.put(
                    activity(contact.contact_id, actor, "invite_skipped", at=iso(self._clock()), trigger=trigger,
                             email=email, account_id=contact.account_id, reason=error.message)
                )  # fmt: skip
            raise

    def auto_invite(self, contact_id: str) -> AutoInviteOutcome:
        """A contact was inserted: invite it when the account is active, its class has portal
        access and auto-send on, the contact has portal access and a valid email. Reads the
        contact as it is now (it may have changed since the insert)."""

        def skipped(reason: str) -> AutoInviteOutcome:
            logger.info("auto-invite skipped", contact_id=contact_id, reason=reason)
            return {"contact_id": contact_id, "outcome": "skipped", "detail": reason}

        contact = self._reads.contact(contact_id)
        if contact is None:
            return skipped("contact no longer exists")
        if not contact.email:
            return skipped("contact has no email")
        if not contact.enable_portal_access:
            return skipped("portal access disabled for the contact")
        account = self._reads.account(contact.account_id)
        if account is None:
            return skipped("account not found")
        if account.status != "active":
            return skipped("account is not active")
        account_class = self._reads.portal_class(account)
        if account_class is None:
            return skipped("portal access disabled for the account class")
        if not account_class.auto_send_portal_invitation:
            return skipped("auto-send is off for the account class")
        email = normalized_email(contact.email)
        try:
            self._ensure_deliverable(contact, email, trigger="auto", actor=AUTO_INVITE_ACTOR)
        except EmailUndeliverable as error:
            return skipped(error.message)
        try:
            record = self._send(contact, account, email, trigger="auto", actor=AUTO_INVITE_ACTOR, redelivery=True)
        except _AlreadyInvited as done:
            return skipped(f"already invited: {done.invitation_id}")
        return {"contact_id": contact_id, "outcome": record.status, "detail": record.invitation_id}

    def _send(
        self,
        contact: Contact,
        account: Account,
        email: str,
        *,
        trigger: Trigger,
        actor: str,
        creating: Sequence[TransactOp] = (),
        redelivery: bool = False,
        expected: tuple[str | None, Claim] | None = None,
        retry_transient: bool = False,
    ) -> InvitationRecord:
        """`redelivery`: the caller retries until it succeeds (the stream): no second email when an
        earlier attempt's invitation went out, and SES throttling raises so it is tried again.
        `expected`: the pointer the write expects and a claim written with it (`send_in_batch`)."""
        options = self._reads.options()
        template_name = options.invite_email_template
        now = self._clock()
        expires = now + self._ttl
        invitation_id = new_id("inv")
        token, secret_hash = new_token(invitation_id)
        record = InvitationRecord(
            invitation_id=invitation_id,
            contact_id=contact.contact_id,
            account_id=contact.account_id,
            email=email,
            trigger=trigger,
            actor=actor,
            template=template_name,
            status="sent",
            secret_hash=secret_hash,
            created_at=iso(now),
            expires_at=iso(expires),
            expiry_day=iso(expires)[:10],
            purge_at=int((expires + KEEP_AFTER_EXPIRY).timestamp()),
        )
        # Written before the email goes out: whatever happens to SES, the invitation is on record.
        if expected is None:
            revoked = self._record(record, creating, unless_delivered=redelivery)
        else:
            revoked = self._record_expected(record, *expected)
        logger.info(
            "invitation recorded",
            invitation_id=invitation_id,
            contact_id=contact.contact_id,
            trigger=trigger,
            revoked_invitation_id=revoked,
        )
        try:
            message_id = self._mail.send_link(
                invitation_id=invitation_id, contact=contact, account=account, options=options, email=email,
                template_name=template_name, token=token, expires=expires, kind="invitation",
            )  # fmt: skip
        except (EmailSendFailed, InvalidInput, NotFound) as error:
            reason = error.reason if isinstance(error, EmailSendFailed) else error.message
            failed = self._mark_failed(record, reason)
            if (redelivery or retry_transient) and isinstance(error, EmailSendFailed) and error.transient:
                raise  # SES said "not now": the stream delivers the record again
            return failed
        except Exception:
            self._mark_failed(record, "unexpected error while sending")
            raise
        sent_at = iso(self._clock())
        try:
            self._invitations.mark_sent(invitation_id, sent_at=sent_at, message_id=message_id)
        except ClientError as error:  # the email is out: failing the record now would send it twice
            logger.warning("invitation sent, not marked", invitation_id=invitation_id, error=type(error).__name__)
        logger.info("invitation sent", invitation_id=invitation_id, message_id=message_id)
        return record.model_copy(update={"sent_at": sent_at, "message_id": message_id})

    def _record(
        self, record: InvitationRecord, creating: Sequence[TransactOp] = (), *, unless_delivered: bool = False
    ) -> str | None:
        """Write the invitation, move the contact's pointer to it and revoke the previous one if
        it is still unused, with its history entry, in one transaction. The revoked id or None.
        `unless_delivered`: `_AlreadyInvited` when the previous one reached SES or was accepted."""
        for attempt in range(MAX_SEND_ATTEMPTS):
            # A contact created here has no pointer yet, unless a deleted contact had its id.
            fresh = bool(creating) and attempt == 0
            previous = None if fresh else self._reads.latest_invitation_id(record.contact_id)
            if previous and unless_delivered:
                earlier = self._invitations.get(previous)
                if earlier and (earlier.status == "accepted" or (earlier.status == "sent" and earlier.message_id)):
                    raise _AlreadyInvited(previous)
            try:
                return self._replace(record, previous, creating)
            except Conflict:
                continue  # another send moved the pointer: read it again
        raise Conflict(f"invitations for contact {record.contact_id} are being sent at the same time; try again")

    def _record_expected(self, record: InvitationRecord, previous: str | None, claim: Claim) -> str | None:
        """`_record` in one try: the pointer must still name `previous` (else `Conflict`), and the
        claim is written with it."""
        return self._replace(record, previous, [claim(record.invitation_id)])

    def _replace(self, record: InvitationRecord, previous: str | None, also: Sequence[TransactOp]) -> str | None:
        """One transaction: `also`, the invitation, the pointer moved from `previous` (`Conflict`
        when it moved meanwhile), `previous` revoked when still unused, the history entry."""
        base = [
            *also,
            self._invitations.put_new_op(record),
            self._pointers.move_pointer_op(record, previous_id=previous),
        ]
        attempts: list[tuple[str | None, list[TransactOp]]] = []
        if previous:
            revoke = self._invitations.revoke_op(previous, now=record.created_at, replaced_by=record.invitation_id)
            attempts.append((previous, [*base, revoke]))
        attempts.append((None, base))
        for revoked, ops in attempts:
            entry = activity(
                record.contact_id, record.actor, _ACTION_BY_TRIGGER[record.trigger], at=iso(self._clock()),
                invitation_id=record.invitation_id, trigger=record.trigger, email=record.email,
                expires_at=record.expires_at, revoked_invitation_id=revoked,
            )  # fmt: skip
            try:
                self._unit_of_work.commit([*ops, self._activity.put_op(entry)])
            except NothingToRevoke:
                continue  # the previous one was used, failed or expired: nothing to revoke
            return revoked
        raise Conflict(f"invitation {previous} of contact {record.contact_id} cannot be replaced")  # not reached

    def _mark_failed(self, record: InvitationRecord, reason: str) -> InvitationRecord:
        at = iso(self._clock())
        entry = activity(
            record.contact_id, record.actor, "invite_failed", at=at, invitation_id=record.invitation_id, reason=reason
        )
        self._unit_of_work.commit(
            [self._invitations.mark_failed_op(record.invitation_id, at=at, reason=reason), self._activity.put_op(entry)]
        )
        logger.warning("invitation not delivered", invitation_id=record.invitation_id, reason=reason)
        return record.model_copy(update={"status": "failed", "failed_at": at, "failure_reason": reason})


class _AlreadyInvited(Exception):
    """A redelivered auto-invite whose earlier attempt's invitation already went out."""

    def __init__(self, invitation_id: str) -> None:
        super().__init__(invitation_id)
        self.invitation_id = invitation_id
