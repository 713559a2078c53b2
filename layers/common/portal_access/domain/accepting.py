"""Accepting an invitation into a portal login.

An invitation is used once: accepting first claims it with a conditional write (a lease, so a
crashed call frees it), and the claim turns into `accepted` in the same transaction that links
the contact to the login. Whatever fails before that releases the claim, so the same link works
again.

Accepting for an email that already has a portal login never changes that login's password:
the call must carry that login's access token (`Authorization: Bearer`), checked with Cognito,
and only then is the contact linked. Never log a token, a secret or a password.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from portal_access.domain.activity import activity
from portal_access.domain.clock import iso
from portal_access.domain.errors import Conflict, Gone, InvalidInput, Unauthenticated, VersionMismatch
from portal_access.domain.invitation_views import contact_gone_message, gone_message
from portal_access.domain.login_setup import SIGN_IN_FIRST, SignInRequired
from portal_access.domain.tokens import parse_token, secret_matches
from portal_access.observability import logger

if TYPE_CHECKING:
    from portal_access.dal.invitation_records import InvitationRecord
    from portal_access.dal.invitations_table import InvitationsTable
    from portal_access.dal.login_records import LoginRecords
    from portal_access.dal.portal_logins import PortalLogin, PortalLogins
    from portal_access.domain.clock import Clock
    from portal_access.domain.contacts import ContactRecords
    from portal_access.domain.login_setup import LoginSetup
    from portal_access.domain.sending_reads import SendingReads
    from portal_access.models.contacts import Contact

CLAIM_LEASE = timedelta(seconds=60)  # longer than the accept function's timeout
MAX_LINK_ATTEMPTS = 3  # the contact was edited while it was being linked: read it again


class InvitationAcceptance:
    def __init__(
        self,
        *,
        invitations: InvitationsTable,
        contacts: ContactRecords,
        reads: SendingReads,
        logins: PortalLogins,
        login_setup: LoginSetup,
        login_records: LoginRecords,
        clock: Clock,
    ) -> None:
        self._invitations = invitations
        self._contacts = contacts
        self._reads = reads
        self._logins = logins
        self._login_setup = login_setup
        self._login_records = login_records
        self._clock = clock

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
        gone = gone_message(record, iso(now))
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
        contact = self._usable_contact(record)
        login = self._logins.find_by_email(record.email)
        created = False
        if login is None or not login.has_password:
            login, created = self._login_setup.set_up(record.email, self._require_password(password))
        else:
            if not login.enabled:
                # Re-inviting restores a login that was switched off; its password stays as it was.
                self._logins.enable(login)
            self._require_proof(login, access_token)
        self._link(contact, record, claim_id, login, created=created)

    def _usable_contact(self, record: InvitationRecord) -> Contact:
        contact = self._contacts.find(record.contact_id)
        gone = contact_gone_message(contact, record)
        if gone is not None:
            raise _NoLongerValid(gone)
        assert contact is not None  # contact_gone_message said so
        if not contact.enable_portal_access:
            raise Conflict("portal access is disabled for this contact: ask your account manager")
        account = self._reads.account(contact.account_id)
        if account is None or self._reads.portal_class(account) is None:
            raise Conflict("portal access is disabled for this account: ask your account manager")
        return contact

    @staticmethod
    def _require_password(password: str | None) -> str:
        if not password:
            raise InvalidInput("password is required to set up your login", field="password")
        return password

    def _require_proof(self, login: PortalLogin, access_token: str | None) -> None:
        if not access_token:
            raise SignInRequired(SIGN_IN_FIRST, field="Authorization")
        signed_in = self._logins.signed_in(access_token)
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
                contact.contact_id, f"portal:{record.email}", "invite_accepted", at=at,
                invitation_id=record.invitation_id, new_login=created, login_id=login.login_id,
                account_id=contact.account_id,
            )  # fmt: skip
            accept = self._invitations.accept_op(
                record.invitation_id, claim_id=claim_id, at=at, login_id=login.login_id
            )
            # The login's item for the access review, in the same transaction (no extra call).
            login_item = self._login_records.linked_op(login.login_id, login.email or record.email, at=at)
            try:
                self._contacts.save(linked, expected_version=contact.version, entry=entry, also=[accept, login_item])
            except VersionMismatch:
                contact = self._usable_contact(record)  # edited meanwhile: link what is there now
                continue
            return
        raise Conflict("the contact is being edited right now: try again in a moment")


class _NoLongerValid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
