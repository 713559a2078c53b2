"""Portal invitations: send (staff, auto-invite on contact insert, self-registration), list, accept.

A token is `<invitation_id>.<secret>`: the secret is 256 bits from `secrets`, only its SHA-256
is stored and it is compared in constant time. An invitation is used once: accepting first
claims it with a conditional write (a lease, so a crashed call frees it), and the claim turns
into `accepted` in the same transaction that links the contact to the login. Whatever fails
before that releases the claim, so the same link works again.

Accepting for an email that already has a portal login never changes that login's password:
the call must carry that login's access token (`Authorization: Bearer`), checked with Cognito,
and only then is the contact linked. Never log a token, a secret or a password.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from botocore.exceptions import ClientError

from portal_access.config import InvitationSendingConfig, InvitationTablesConfig
from portal_access.dal.accounts_table import AccountsTable
from portal_access.dal.activity_table import ActivityTable
from portal_access.dal.contacts_table import ContactsTable
from portal_access.dal.dynamodb import TransactOp, transact_write
from portal_access.dal.email_guard import EmailGuard
from portal_access.dal.invitations_table import InvitationRecord, InvitationsTable
from portal_access.dal.settings_table import SettingsTable
from portal_access.domain.activity import activity
from portal_access.domain.contacts import ContactsService
from portal_access.domain.delivery import EmailUndeliverable, ensure_deliverable
from portal_access.domain.email_templates import ALREADY_REGISTERED_TEMPLATE, EmailTemplates
from portal_access.domain.errors import (
    Conflict,
    Gone,
    InvalidInput,
    NotFound,
    NothingToRevoke,
    Unauthenticated,
    VersionMismatch,
)
from portal_access.domain.ids import new_id
from portal_access.domain.login_setup import SIGN_IN_FIRST, LoginSetup, SignInRequired
from portal_access.domain.sending_reads import SendingReads
from portal_access.domain.system_options import SystemOptionsService
from portal_access.email.render import render_email
from portal_access.email.sender import EmailMessage, EmailSendFailed
from portal_access.models.common import normalized_email
from portal_access.models.contacts import ActivityAction, Contact
from portal_access.models.delivery import INVITATION_TAG, KIND_TAG
from portal_access.models.invitations import Invitation, InvitationStatus, Trigger
from portal_access.observability import logger

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from portal_access.dal.portal_logins import PortalLogin, PortalLogins
    from portal_access.email.sender import EmailSender
    from portal_access.models.accounts import Account
    from portal_access.models.settings import AccountClass, EmailTemplate, SystemOptions

KEEP_AFTER_EXPIRY = timedelta(days=30)  # then DynamoDB's TTL deletes the invitation
CLAIM_LEASE = timedelta(seconds=60)  # longer than the accept function's timeout
# The portal page that takes the token; the token rides in the fragment, which browsers never
# send to a server, so it does not land in the portal's access logs or in a Referer.
ACCEPT_PATH = "/invitations/accept"
AUTO_INVITE_ACTOR = "system:auto-invite"
MAX_SEND_ATTEMPTS = 3  # a concurrent send for the same contact moved the pointer: read it again
MAX_LINK_ATTEMPTS = 3  # the contact was edited while it was being linked: read it again

_TOKEN = re.compile(r"^(inv_[0-9a-f]{20})\.([A-Za-z0-9_-]{43})$")
_ACTION_BY_TRIGGER: dict[Trigger, ActivityAction] = {
    "manual": "invite_sent",
    "auto": "invite_auto_sent",
    "self_registration": "invite_sent",
    "refresh": "invite_sent",  # the customer asked for a new link (domain/renewal.py)
}


class AutoInviteOutcome(TypedDict):
    """What the auto-invite of one inserted contact did (stored by the idempotency layer)."""

    contact_id: str
    outcome: str  # sent / failed / skipped
    detail: str


@dataclass(frozen=True, slots=True)
class InvitationPolicy:
    """Deployment settings: token lifetime, and what to use when the system options name none."""

    ttl: timedelta
    default_from: str
    default_portal_url: str


# Tokens


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(record: InvitationRecord, secret: str) -> bool:
    """The invitation's link, or its reminder's (each has a secret of its own), in constant time."""
    presented = hash_secret(secret)
    link = hmac.compare_digest(record.secret_hash, presented)
    reminder = hmac.compare_digest(record.reminder_secret_hash or "", presented)
    return link or reminder  # both compared, always


def new_token(invitation_id: str) -> tuple[str, str]:
    """(token for the link, hash to store): 32 random bytes = 256 bits from the OS CSPRNG."""
    secret = secrets.token_urlsafe(32)
    return f"{invitation_id}.{secret}", hash_secret(secret)


def parse_token(token: str) -> tuple[str, str]:
    """(invitation_id, secret), or 422 for anything that is not shaped like our tokens."""
    match = _TOKEN.match(token.strip())
    if not match:
        raise InvalidInput("token is not an invitation token: copy the whole link from the email", field="token")
    return match.group(1), match.group(2)


def invite_link(portal_url: str, token: str) -> str:
    return f"{portal_url.rstrip('/')}{ACCEPT_PATH}#token={token}"


# Time


def iso(moment: datetime) -> str:
    """The same shape as `models.common.utc_now`: sortable, comparable as strings."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def human_time(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment:%Y %H:%M} UTC"


def status_at(record: InvitationRecord, now: str) -> InvitationStatus:
    """`expired` is derived: a sent invitation past its `expires_at`."""
    if record.status == "sent" and record.expires_at <= now:
        return "expired"
    return record.status


def to_view(record: InvitationRecord, now: str) -> Invitation:
    return Invitation.model_validate({**record.model_dump(), "status": status_at(record, now)})


def _gone_message(record: InvitationRecord, now: str) -> str | None:
    """Why this invitation can no longer be accepted, or None when it still can."""
    status = status_at(record, now)
    if status == "expired":
        return "this invitation has expired: ask for a new one"
    if status == "accepted":
        return "this invitation was already used: sign in with your login"
    if status == "revoked":
        return "this invitation was replaced by a newer one: use the link in the latest email"
    if status == "failed":
        return "this invitation was never delivered: ask for a new one"
    return None


class InvitationsService:
    """The one way to send an invitation. Self-registration calls `send(contact,
    trigger="self_registration", actor=...)` and `send_login_reminder` for an email that
    already has a login; the stream calls `auto_invite`; staff routes call `send_to_contact`."""

    def __init__(
        self,
        client: DynamoDBClient,
        *,
        invitations: InvitationsTable,
        contacts: ContactsService,
        activity_log: ActivityTable,
        accounts: AccountsTable,
        reads: SendingReads,
        sender: EmailSender | None = None,
        policy: InvitationPolicy | None = None,
        logins: PortalLogins | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._client = client
        self._invitations = invitations
        self._contacts = contacts
        self._activity = activity_log
        self._accounts = accounts
        # Account, class, options and templates (kept for a batch in the stream and queue consumers).
        self.reads = reads
        self._sender = sender
        self._policy = policy
        self._logins = logins
        self._clock = clock
        self._login_setup = (
            LoginSetup(logins, EmailGuard(client, invitations.table_name), clock=clock) if logins else None
        )

    @property
    def contacts(self) -> ContactsService:
        """The contacts service it reads through (the renewal and the reminders use it too)."""
        return self._contacts

    # Sending

    def send_to_contact(self, contact_id: str, *, trigger: Trigger, actor: str) -> InvitationRecord:
        return self.send(self._contacts.get(contact_id), trigger=trigger, actor=actor)

    def send(
        self, contact: Contact, *, trigger: Trigger, actor: str, creating: Sequence[TransactOp] = ()
    ) -> InvitationRecord:
        """Invite a saved contact: 422 without an email, 409 when the contact or its account
        class has portal access disabled. Revokes the contact's earlier unused invitation.
        An SES failure does not raise: the invitation comes back `failed`, and says why.
        `creating`: the writes that create the contact, made in the invitation's transaction
        (a contact created so has no earlier invitation: its pointer is not read)."""
        email = self._email_of(contact)
        if not contact.enable_portal_access:
            raise Conflict(
                f"portal access is disabled for contact {contact.contact_id}: enable it in Details first",
                field="enable_portal_access",
            )
        account = self.reads.account(contact.account_id)
        if account is None:
            raise NotFound(f"account {contact.account_id} not found")
        if self._portal_class(account) is None:
            raise Conflict(
                f"portal access is disabled for account class {account.class_id}", field="enable_portal_access"
            )
        self._ensure_deliverable(contact, email, trigger=trigger, actor=actor)
        return self._send(contact, account, email, trigger=trigger, actor=actor, creating=creating)

    def _ensure_deliverable(self, contact: Contact, email: str, *, trigger: Trigger, actor: str) -> None:
        """409 `email_undeliverable`; what no person asked for says why in the history too."""
        try:
            ensure_deliverable(self.reads.suppression(email))
        except EmailUndeliverable as error:
            if trigger != "manual":
                self._activity.put(
                    activity(contact.contact_id, actor, "invite_skipped", trigger=trigger, email=email,
                             account_id=contact.account_id, reason=error.message)
                )  # fmt: skip
            raise

    def auto_invite(self, contact_id: str) -> AutoInviteOutcome:
        """A contact was inserted: invite it when the account is active, its class has portal
        access and auto-send on, the contact has portal access and a valid email. Reads the
        contact as it is now (it may have changed since the insert)."""

        def skipped(reason: str) -> AutoInviteOutcome:
            logger.info("auto-invite skipped", contact_id=contact_id, reason=reason)
            return {"contact_id": contact_id, "outcome": "skipped", "detail": reason}

        contact = self.reads.contact(contact_id)
        if contact is None:
            return skipped("contact no longer exists")
        if not contact.email:
            return skipped("contact has no email")
        if not contact.enable_portal_access:
            return skipped("portal access disabled for the contact")
        account = self.reads.account(contact.account_id)
        if account is None:
            return skipped("account not found")
        if account.status != "active":
            return skipped("account is not active")
        account_class = self._portal_class(account)
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

    def send_login_reminder(self, contact: Contact, *, actor: str) -> bool:
        """Email "you already have a login" (template "Portal Login Reminder") to a contact whose
        email is already a portal user; True when SES took it. Records it in the history."""
        email = self._email_of(contact)
        account = self.reads.account(contact.account_id)
        if account is None:
            raise NotFound(f"account {contact.account_id} not found")
        options = self.reads.options()
        context = self._context(contact, account, options, email=email)
        try:
            template = self.reads.template(ALREADY_REGISTERED_TEMPLATE)
            self._deliver(template, context, options, to=email, tags={KIND_TAG: "login_reminder"})
        except (EmailSendFailed, InvalidInput) as error:
            reason = error.reason if isinstance(error, EmailSendFailed) else error.message
            logger.warning("login reminder not sent", contact_id=contact.contact_id, reason=reason)
            return False
        self._activity.put(
            activity(contact.contact_id, actor, "login_reminder_sent", template=ALREADY_REGISTERED_TEMPLATE)
        )
        return True

    def email_invitation_link(
        self, record: InvitationRecord, contact: Contact, template_name: str, *, token: str, kind: str
    ) -> str:
        """Render `template_name` with a link carrying `token` for the invitation's email and send
        it (the reminder's path); the message id, or `EmailSendFailed` / `InvalidInput` / `NotFound`."""
        account = self.reads.account(contact.account_id)
        if account is None:
            raise NotFound(f"account {contact.account_id} not found")
        options = self.reads.options()
        context = {
            **self._context(contact, account, options, email=record.email),
            "invite_link": invite_link(self._portal_url(options), token),
            "expires_at": human_time(datetime.fromisoformat(record.expires_at)),
        }
        tags = {INVITATION_TAG: record.invitation_id, KIND_TAG: kind}
        return self._deliver(self.reads.template(template_name), context, options, to=record.email, tags=tags)

    def _email_of(self, contact: Contact) -> str:
        if not contact.email:
            raise InvalidInput(
                f"contact {contact.contact_id} has no email address: add one in Details first", field="email"
            )
        return normalized_email(contact.email)

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
    ) -> InvitationRecord:
        """`redelivery`: the caller retries until it succeeds (the stream): no second email when an
        earlier attempt's invitation went out, and SES throttling raises so it is tried again."""
        options = self.reads.options()
        template_name = options.invite_email_template
        now = self._clock()
        expires = now + self._sending()[1].ttl
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
        revoked = self._record(record, creating, unless_delivered=redelivery)
        logger.info(
            "invitation recorded",
            invitation_id=invitation_id,
            contact_id=contact.contact_id,
            trigger=trigger,
            revoked_invitation_id=revoked,
        )
        context = {
            **self._context(contact, account, options, email=email),
            "invite_link": invite_link(self._portal_url(options), token),
            "expires_at": human_time(expires),
        }
        try:
            template = self.reads.template(template_name)
            tags = {INVITATION_TAG: invitation_id, KIND_TAG: "invitation"}
            message_id = self._deliver(template, context, options, to=email, tags=tags)
        except (EmailSendFailed, InvalidInput, NotFound) as error:
            reason = error.reason if isinstance(error, EmailSendFailed) else error.message
            failed = self._mark_failed(record, reason)
            if redelivery and isinstance(error, EmailSendFailed) and error.transient:
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
        action = _ACTION_BY_TRIGGER[record.trigger]
        for attempt in range(MAX_SEND_ATTEMPTS):
            # A contact created here has no pointer yet, unless a deleted contact had its id.
            fresh = bool(creating) and attempt == 0
            previous = None if fresh else self.reads.latest_invitation_id(record.contact_id)
            if previous and unless_delivered:
                earlier = self._invitations.get(previous)
                if earlier and (earlier.status == "accepted" or (earlier.status == "sent" and earlier.message_id)):
                    raise _AlreadyInvited(previous)
            base = [
                self._invitations.put_new_op(record),
                self._invitations.move_pointer_op(record, previous_id=previous),
            ]
            attempts: list[tuple[str | None, list[TransactOp]]] = []
            if previous:
                revoke = self._invitations.revoke_op(previous, now=record.created_at, replaced_by=record.invitation_id)
                attempts.append((previous, [*base, revoke]))
            attempts.append((None, base))
            for revoked, ops in attempts:
                entry = activity(
                    record.contact_id, record.actor, action,
                    invitation_id=record.invitation_id, trigger=record.trigger, email=record.email,
                    expires_at=record.expires_at, revoked_invitation_id=revoked,
                )  # fmt: skip
                try:
                    transact_write(self._client, [*creating, *ops, self._activity.put_op(entry)])
                except NothingToRevoke:
                    continue  # the previous one was used, failed or expired: nothing to revoke
                except Conflict:
                    break  # another send moved the pointer: read it again
                return revoked
        raise Conflict(f"invitations for contact {record.contact_id} are being sent at the same time; try again")

    def _mark_failed(self, record: InvitationRecord, reason: str) -> InvitationRecord:
        at = iso(self._clock())
        entry = activity(
            record.contact_id, record.actor, "invite_failed", invitation_id=record.invitation_id, reason=reason
        )
        transact_write(
            self._client,
            [
                self._invitations.mark_failed_op(record.invitation_id, at=at, reason=reason),
                self._activity.put_op(entry),
            ],
        )
        logger.warning("invitation not delivered", invitation_id=record.invitation_id, reason=reason)
        return record.model_copy(update={"status": "failed", "failed_at": at, "failure_reason": reason})

    def _sending(self) -> tuple[EmailSender, InvitationPolicy]:
        if self._sender is None or self._policy is None:
            raise RuntimeError("this function was built without an email sender and policy")
        return self._sender, self._policy

    def _portal_class(self, account: Account) -> AccountClass | None:
        """The account's class when it has portal access switched on, else None."""
        account_class = self.reads.account_class(account.class_id)
        return account_class if account_class and account_class.enable_portal_access else None

    def _find_contact(self, contact_id: str) -> Contact | None:
        try:
            return self._contacts.get(contact_id)
        except NotFound:
            return None

    def _portal_url(self, options: SystemOptions) -> str:
        """System options' customer_portal_url, else the stack's PortalOrigin; never a request's Host."""
        return str(options.customer_portal_url or self._sending()[1].default_portal_url).rstrip("/")

    def _context(self, contact: Contact, account: Account, options: SystemOptions, *, email: str) -> dict[str, str]:
        return {
            "contact_name": contact.name,
            "account_name": account.name,
            "account_id": account.account_id,
            "email": email,
            "portal_url": self._portal_url(options),
        }

    def _deliver(
        self, template: EmailTemplate, context: dict[str, str], options: SystemOptions, *, to: str,
        tags: dict[str, str],
    ) -> str:  # fmt: skip
        email_sender, policy = self._sending()
        rendered = render_email(template, context)
        sender = str(options.account_invite_from_email or policy.default_from)
        return email_sender.send(
            EmailMessage(
                sender=sender, to=to, subject=rendered.subject, html=rendered.html, text=rendered.text, tags=tags
            )
        )

    # Listing

    def list(self, contact_id: str, *, cursor: str | None, limit: int) -> tuple[list[Invitation], str | None]:
        """Newest first; invitations outlive an unlinked contact; an id that never existed is 404."""
        records, next_cursor = self._invitations.list_for_contact(contact_id, cursor=cursor, limit=limit)
        if not records and cursor is None and self._find_contact(contact_id) is None:
            raise NotFound(f"contact {contact_id} not found")
        now = iso(self._clock())
        return [to_view(r, now) for r in records], next_cursor

    # Accepting

    def accept(self, token: str, password: str | None, *, access_token: str | None) -> str:
        """Set up (or link) the portal login of the invited email; returns its username (the email).

        410 for an unknown, expired, used or revoked token; 422 for a malformed token or a password
        the pool refuses; 409 `sign_in_required` when the email already has a login and the call
        does not carry that login's access token. On any failure nothing changes and the same link
        can be tried again.
        """
        invitation_id, secret = parse_token(token)
        record = self._invitations.get(invitation_id)
        if record is None or not secret_matches(record, secret):
            raise Gone("this invitation link is not valid: ask for a new invitation", field="token")
        now = self._clock()
        gone = _gone_message(record, iso(now))
        if gone:
            raise Gone(gone, field="token")
        claim_id = secrets.token_hex(8)
        if not self._invitations.claim(record, claim_id=claim_id, now=iso(now), until=iso(now + CLAIM_LEASE)):
            raise Gone("this invitation is being used or was just used: sign in with your login", field="token")
        try:
            self._accept_claimed(record, claim_id, password, access_token)
        except _NoLongerValid as error:
            self._invitations.revoke_unusable(record.invitation_id, claim_id=claim_id, now=iso(self._clock()))
            raise Gone(error.message, field="token") from error
        except BaseException:
            self._invitations.release(record.invitation_id, claim_id=claim_id)
            raise
        logger.info("invitation accepted", invitation_id=record.invitation_id, contact_id=record.contact_id)
        return record.email

    def _accept_claimed(
        self, record: InvitationRecord, claim_id: str, password: str | None, access_token: str | None
    ) -> None:
        logins, setup = self._logins, self._login_setup
        if logins is None or setup is None:
            raise RuntimeError("this function was built without the portal login pool")
        contact = self._usable_contact(record)
        login = logins.find_by_email(record.email)
        created = False
        if login is None or not login.has_password:
            login, created = setup.set_up(record.email, self._require_password(password))
        else:
            if not login.enabled:
                # Re-inviting restores a login that was switched off; its password stays as it was.
                logins.enable(login)
            self._require_proof(logins, login, access_token)
        self._link(contact, record, claim_id, login, created=created)

    def _usable_contact(self, record: InvitationRecord) -> Contact:
        contact = self._find_contact(record.contact_id)
        if contact is None:
            raise _NoLongerValid("the contact this invitation was for no longer exists: ask for a new invitation")
        if not contact.email or normalized_email(contact.email) != record.email:
            raise _NoLongerValid("the contact's email changed since this invitation was sent: ask for a new one")
        if not contact.enable_portal_access:
            raise Conflict("portal access is disabled for this contact: ask your account manager")
        account = self._accounts.get_account(contact.account_id)
        if account is None or self._portal_class(account) is None:
            raise Conflict("portal access is disabled for this account: ask your account manager")
        return contact

    @staticmethod
    def _require_password(password: str | None) -> str:
        if not password:
            raise InvalidInput("password is required to set up your login", field="password")
        return password

    @staticmethod
    def _require_proof(logins: PortalLogins, login: PortalLogin, access_token: str | None) -> None:
        if not access_token:
            raise SignInRequired(SIGN_IN_FIRST, field="Authorization")
        signed_in = logins.signed_in(access_token)
        if signed_in.login_id != login.login_id:
            raise Unauthenticated(
                "you are signed in as another login: sign in with the invited email, then accept again",
                field="Authorization",
            )

    def _link(
        self, contact: Contact, record: InvitationRecord, claim_id: str, login: PortalLogin, *, created: bool
    ) -> None:
        """Contact -> login, `portal_user`, history and `accepted` in one transaction (versioned)."""
        for _ in range(MAX_LINK_ATTEMPTS):
            at = iso(self._clock())
            linked = contact.model_copy(
                update={
                    "login_id": login.login_id,
                    "portal_user": True,
                    "version": contact.version + 1,
                    "updated_at": at,
                }
            )
            entry = activity(
                contact.contact_id, f"portal:{record.email}", "invite_accepted",
                invitation_id=record.invitation_id, new_login=created, login_id=login.login_id,
                account_id=contact.account_id,
            )  # fmt: skip
            accept = self._invitations.accept_op(
                record.invitation_id, claim_id=claim_id, at=at, login_id=login.login_id
            )
            try:
                self._contacts.save(linked, expected_version=contact.version, entry=entry, also=[accept])
            except VersionMismatch:
                contact = self._usable_contact(record)  # edited meanwhile: link what is there now
                continue
            return
        raise Conflict("the contact is being edited right now: try again in a moment")


class _AlreadyInvited(Exception):
    """A redelivered auto-invite whose earlier attempt's invitation already went out."""

    def __init__(self, invitation_id: str) -> None:
        super().__init__(invitation_id)
        self.invitation_id = invitation_id


class _NoLongerValid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def build_invitations_service(
    client: DynamoDBClient,
    settings: InvitationTablesConfig,
    *,
    sender: EmailSender | None = None,
    logins: PortalLogins | None = None,
) -> InvitationsService:
    """The service and what it stands on, from a function's settings (called at cold start)."""
    accounts = AccountsTable(client, settings.accounts_table)
    settings_table = SettingsTable(client, settings.settings_table)
    activity_log = ActivityTable(client, settings.activity_table)
    templates = EmailTemplates(settings_table)
    contacts = ContactsTable(client, settings.contacts_table)
    invitations = InvitationsTable(client, settings.invitations_table)
    policy = None
    if isinstance(settings, InvitationSendingConfig):
        policy = InvitationPolicy(
            ttl=timedelta(days=settings.invitation_ttl_days),
            default_from=settings.ses_from_address,
            default_portal_url=str(settings.portal_url),
        )
    return InvitationsService(
        client,
        invitations=invitations,
        contacts=ContactsService(client, contacts, accounts, activity_log),
        activity_log=activity_log,
        accounts=accounts,
        reads=SendingReads(
            accounts=accounts,
            settings=settings_table,
            templates=templates,
            options=SystemOptionsService(settings_table, templates),
            contacts=contacts,
            invitations=invitations,
        ),
        sender=sender,
        policy=policy,
        logins=logins,
    )
