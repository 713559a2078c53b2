"""Invoice-verified self-registration ("Request Login" on the portal's login page).

Two halves, so the HTTP answer never depends on whether anything matched:

- `SelfRegistrationIntake` (the public route, self_registration_intake.py): the feature
  switch, the rate limits, then the request goes on the queue; the caller always gets the same 202.
- `SelfRegistrationService` (the queue worker): verifies the invoice number with its quick-pay
  code or its account number (constant-time comparisons), on an active account whose class
  allows invoice-verified self-registration and portal access; creates or reuses the
  account-level contact for the email and sends the invitation through `InvitationSending`,
  or "you already have a login" when the email is already a portal user of the account.
  Every attempt is recorded for staff with its outcome, never with the code typed.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date
from typing import TYPE_CHECKING

from portal_access.domain.activity import activity
from portal_access.domain.clock import iso
from portal_access.domain.contacts import new_contact
from portal_access.domain.delivery import EmailUndeliverable
from portal_access.domain.errors import AlreadyExists, Conflict
from portal_access.domain.ids import new_id
from portal_access.models.common import normalized_email
from portal_access.models.contacts import ActivityEntry, Contact, ContactDetails
from portal_access.models.self_service import (
    SelfRegistrationAttempt,
    SelfRegistrationMessage,
    SelfRegistrationOutcome,
)
from portal_access.observability import logger

if TYPE_CHECKING:
    from portal_access.dal.accounts_table import AccountsTable, InvoiceRecord
    from portal_access.dal.activity_table import ActivityTable
    from portal_access.dal.contacts_table import ContactsTable
    from portal_access.dal.invitation_records import InvitationRecord
    from portal_access.dal.portal_requests_table import PortalRequestsTable
    from portal_access.dal.unit_of_work import TransactOp
    from portal_access.domain.clock import Clock
    from portal_access.domain.login_reminder import LoginReminders
    from portal_access.domain.public_limits import ProofFailures
    from portal_access.domain.sending import InvitationSending
    from portal_access.domain.sending_reads import SendingReads
    from portal_access.models.accounts import Account

# Who the Activity History names for what self-registration does to a contact.
SELF_REGISTRATION_ACTOR = "self_registration"
# Written on a contact item created here: the auto-invite stream consumer leaves it alone,
# because this flow sends that contact's invitation itself (one email, not two).
CREATED_VIA = "self_registration"


def self_registered_contact_id(account_id: str, email: str) -> str:
    """The id a contact created by self-registration gets: the same for the same account and
    email, so two requests processed before the email index shows the first contact create it
    once (the second write fails its `attribute_not_exists` and reuses the first)."""
    digest = hashlib.sha256(f"{account_id}\x00{normalized_email(email)}".encode()).hexdigest()
    return f"ct_{digest[:20]}"


def proof_matches(message: SelfRegistrationMessage, invoice: InvoiceRecord) -> bool:
    """Constant-time: the quick-pay code's hash against the invoice's, or the account number."""
    if message.quick_pay_code_hash is not None:
        return hmac.compare_digest(message.quick_pay_code_hash.encode(), invoice.quick_pay_code_hash.encode())
    if message.account_number is not None:
        return hmac.compare_digest(message.account_number.strip().upper().encode(), invoice.account_id.upper().encode())
    return False


class SelfRegistrationService:
    """The worker's half: verify, then invite (or remind), and record the attempt."""

    def __init__(
        self,
        *,
        accounts: AccountsTable,
        contacts: ContactsTable,
        activity_log: ActivityTable,
        sending: InvitationSending,
        login_reminders: LoginReminders,
        reads: SendingReads,
        requests: PortalRequestsTable,
        proof_failures: ProofFailures,
        clock: Clock,
    ) -> None:
        self._proof_failures = proof_failures
        self._accounts = accounts
        self._contacts = contacts
        self._activity = activity_log
        self._sending = sending
        self._login_reminders = login_reminders
        self._reads = reads
        self._clock = clock
        self._requests = requests

    def process(self, message: SelfRegistrationMessage) -> SelfRegistrationAttempt:
        account = self._verify(message)
        if isinstance(account, str):
            return self._record(message, account)
        found, more = self._contacts.find_by_email(message.email, account_id=account.account_id)
        if more:  # decided on the first MAX_CONTACTS_PER_EMAIL of them: said, not hidden
            logger.warning("email's contacts read in part", request_id=message.request_id, count=len(found))
        portal_user = next((c for c in found if c.portal_user), None)
        if portal_user is not None:
            reminded = self._login_reminders.send(portal_user, actor=SELF_REGISTRATION_ACTOR)
            outcome: SelfRegistrationOutcome = "login_reminder_sent" if reminded else "email_failed"
            return self._record(message, outcome, account_id=account.account_id, contact_id=portal_user.contact_id)
        contact, creating = self._contact_for(account.account_id, found, message)
        try:
            record = self._invite(contact, creating, message)
        except EmailUndeliverable as error:
            logger.info("self-registration not invited", request_id=message.request_id, reason=error.message)
            return self._record(
                message, "email_undeliverable", account_id=account.account_id, contact_id=contact.contact_id
            )
        except Conflict as error:
            logger.info("self-registration not invited", request_id=message.request_id, reason=error.message)
            return self._record(
                message, "contact_portal_access_disabled", account_id=account.account_id, contact_id=contact.contact_id
            )
        outcome = "invited" if record.status == "sent" else "email_failed"
        return self._record(message, outcome, account_id=account.account_id, contact_id=contact.contact_id)

    def _verify(self, message: SelfRegistrationMessage) -> Account | SelfRegistrationOutcome:
        """The verified account, or the outcome that says why not. The account and its class are
        read through the sending reads: the send that follows does not read them again."""
        failures = self._proof_failures
        if failures.exhausted(message.invoice_number, message.source_ip):
            return "rate_limited"  # this address guessed wrong too often: its next try is not checked
        invoice = self._accounts.get_invoice(message.invoice_number)
        if invoice is None or not proof_matches(message, invoice):
            failures.record(message.invoice_number, message.source_ip)
            return "invoice_not_found" if invoice is None else "proof_mismatch"
        account = self._reads.account(invoice.account_id)
        if account is None:
            return "account_not_found"
        if account.status != "active":
            return "account_inactive"
        account_class = self._reads.account_class(account.class_id)
        if (
            account_class is None
            or not account_class.allow_invoice_verified_self_registration
            or not account_class.enable_portal_access
        ):
            return "class_not_allowed"
        return account

    def _contact_for(
        self, account_id: str, found: list[Contact], message: SelfRegistrationMessage
    ) -> tuple[Contact, list[TransactOp]]:
        """The account-level contact with that email (one with portal access on first), else a
        new one with the writes that create it (made in its invitation's transaction)."""
        candidates = [c for c in found if c.level == "account"]
        existing = next((c for c in candidates if c.enable_portal_access), candidates[0] if candidates else None)
        if existing is not None:
            return existing, []
        details = ContactDetails(name=message.contact_name, email=message.email, enable_portal_access=True)
        contact = new_contact(account_id, details, level="account", site_id=None, now=iso(self._clock())).model_copy(
            update={"contact_id": self_registered_contact_id(account_id, message.email)}
        )
        return contact, self._creation_ops(contact, message)

    def _invite(
        self, contact: Contact, creating: list[TransactOp], message: SelfRegistrationMessage
    ) -> InvitationRecord:
        """Send the invitation, creating the contact in the same transaction when it is new."""
        if not creating:
            self._activity.put(self._entry(contact, message, created=False))
        try:
            return self._sending.send(
                contact, trigger="self_registration", actor=SELF_REGISTRATION_ACTOR, creating=creating
            )
        except AlreadyExists:
            if not creating:
                raise
        # The id was taken meanwhile (another request for the same email): reuse that contact.
        existing = self._contacts.get(contact.contact_id)
        if existing is not None and existing.email and normalized_email(existing.email) == message.email:
            return self._invite(existing, [], message)
        # That id's contact now has another email (staff changed it): a contact of its own.
        contact = contact.model_copy(update={"contact_id": new_id("ct")})
        return self._invite(contact, self._creation_ops(contact, message), message)

    def _creation_ops(self, contact: Contact, message: SelfRegistrationMessage) -> list[TransactOp]:
        created = activity(
            contact.contact_id,
            SELF_REGISTRATION_ACTOR,
            "created",
            at=iso(self._clock()),
            level="account",
            source="self_registration",
        )
        return [
            self._accounts.account_exists_op(contact.account_id),
            self._contacts.put_new_op(contact, created_via=CREATED_VIA),
            self._activity.put_op(created),
            self._activity.put_op(self._entry(contact, message, created=True)),
        ]

    def _entry(self, contact: Contact, message: SelfRegistrationMessage, *, created: bool) -> ActivityEntry:
        return activity(
            contact.contact_id,
            SELF_REGISTRATION_ACTOR,
            "self_registered",
            at=iso(self._clock()),
            source="self_registration",
            request_id=message.request_id,
            invoice_number=message.invoice_number,
            proof="quick_pay_code" if message.quick_pay_code_hash is not None else "account_number",
            contact_created=created,
            account_id=contact.account_id,
        )

    def _record(
        self,
        message: SelfRegistrationMessage,
        outcome: SelfRegistrationOutcome,
        *,
        account_id: str | None = None,
        contact_id: str | None = None,
    ) -> SelfRegistrationAttempt:
        attempt = SelfRegistrationAttempt(
            request_id=message.request_id,
            received_at=message.received_at,
            decided_at=iso(self._clock()),
            source_ip=message.source_ip,
            invoice_number=message.invoice_number,
            email=message.email,
            contact_name=message.contact_name,
            proof="quick_pay_code" if message.quick_pay_code_hash is not None else "account_number",
            outcome=outcome,
            account_id=account_id,
            contact_id=contact_id,
        )
        self._requests.put_attempt(attempt)
        logger.info("self-registration decided", request_id=message.request_id, outcome=outcome)
        return attempt


class SelfRegistrationAttempts:
    """What staff see: one UTC day's Request Login attempts with their outcomes, newest first."""

    def __init__(self, *, requests: PortalRequestsTable, clock: Clock) -> None:
        self._requests = requests
        self._clock = clock

    def list(
        self, day: date | None, *, cursor: str | None, limit: int
    ) -> tuple[list[SelfRegistrationAttempt], str | None]:
        """`day`: today (UTC) when not given."""
        chosen = day or self._clock().astimezone(UTC).date()
        return self._requests.list_attempts(chosen.isoformat(), cursor=cursor, limit=limit)
