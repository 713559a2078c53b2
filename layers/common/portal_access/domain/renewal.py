"""Renewal: `POST /portal/invitations/refresh`. A customer who opens an expired link asks for a
new one; when the token is a real invitation that expired unaccepted and its contact still
qualifies, a new invitation goes to the contact's current email (trigger `refresh`).
`POST /portal/invitations/check` tells the accept page, before it asks for a password, what
state a link is in and whether a refresh would send a new one (`LinkCheck`).

The answer is the same 202 whatever happened, so it never says whether a token was real. Counted
like self-registration, before anything is read: per invitation named by the token and per
source address (429 past the limit). One renewal per expired invitation (a conditional claim),
however often its link is refreshed; when no invitation could be sent, the claim is released.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.domain.clock import iso
from portal_access.domain.delivery import ensure_deliverable
from portal_access.domain.errors import Conflict, InvalidInput, NotFound, RateLimited
from portal_access.domain.invitation_views import contact_gone_message, status_at
from portal_access.domain.sending import invitable
from portal_access.domain.tokens import parse_token, secret_matches
from portal_access.models.invitations import InvitationLinkState, LinkState
from portal_access.observability import logger

if TYPE_CHECKING:
    from portal_access.dal.invitation_records import InvitationRecord
    from portal_access.dal.invitations_table import InvitationsTable
    from portal_access.dal.rate_limits_table import RateLimit, RateLimitsTable
    from portal_access.domain.clock import Clock
    from portal_access.domain.contacts import ContactRecords
    from portal_access.domain.sending import InvitationSending
    from portal_access.domain.sending_reads import SendingReads

REFRESH_ACTOR = "public:refresh"
REFRESH_SCOPE = "invitation_refresh"
CHECK_SCOPE = "invitation_check"  # its own counters: opening a link and asking for a new one are two requests


class TokenGate:
    """The public token routes' limits: per invitation the token names (or per token, for one
    not shaped like ours) and per source address, counted before anything is read."""

    def __init__(
        self,
        *,
        limits: RateLimitsTable,
        rate: RateLimit,
        scope: str = REFRESH_SCOPE,
    ) -> None:
        """`scope`: the prefix of its two counters, `<scope>:invitation` and `<scope>:source`."""
        self._limits = limits
        self._rate = rate
        self._scope = scope

    def admit(self, token: str, *, source_ip: str) -> tuple[str, str]:
        """(invitation_id, secret), both empty for a token not shaped like ours; 429 past a limit."""
        try:
            invitation_id, secret = parse_token(token)
        except InvalidInput:
            invitation_id, secret = "", ""
        allowed = self._limits.hit(
            f"{self._scope}:invitation", invitation_id or token, self._rate
        ) and self._limits.hit(f"{self._scope}:source", source_ip, self._rate)
        if not allowed:
            raise RateLimited(
                "too many requests for this invitation link: try again later",
                retry_after=self._limits.retry_after(self._rate),
            )
        return invitation_id, secret


class InvitationRenewal:
    def __init__(
        self,
        *,
        invitations: InvitationsTable,
        contacts: ContactRecords,
        sending: InvitationSending,
        gate: TokenGate,
        clock: Clock,
    ) -> None:
        self._invitations = invitations
        self._contacts = contacts
        self._sending = sending
        self._gate = gate
        self._clock = clock

    def refresh(self, token: str, *, source_ip: str) -> str | None:
        """The new invitation's id, or None; 429 past a rate limit. Callers answer the same 202."""
        invitation_id, secret = self._gate.admit(token, source_ip=source_ip)
        if not invitation_id:
            return None
        record = self._invitations.get(invitation_id)
        if record is None or not secret_matches(record, secret):
            return None
        now = iso(self._clock())
        if status_at(record, now) != "expired" or not self._invitations.claim_renewal(invitation_id, now=now):
            return None  # still usable, used, revoked, never sent, or renewed already
        renewed: str | None = None
        try:
            contact = self._contacts.get(record.contact_id)
            sent = self._sending.send(contact, trigger="refresh", actor=REFRESH_ACTOR)
            renewed = sent.invitation_id if sent.status == "sent" else None
        except (Conflict, InvalidInput, NotFound) as error:
            logger.info("expired invitation not renewed", invitation_id=invitation_id, reason=error.message)
        finally:
            self._invitations.finish_renewal(invitation_id, renewed_by=renewed)
        logger.info("expired invitation renewed", invitation_id=invitation_id, renewed_by=renewed)
        return renewed


_STATE_OF_STATUS: dict[str, LinkState] = {
    "sent": "valid",
    "expired": "expired",
    "accepted": "used",
    "revoked": "revoked",
    "failed": "unknown",  # its email never went out: nobody was meant to hold this link
}


class LinkCheck:
    """`POST /portal/invitations/check`: the state of a link and whether a refresh would send a
    new one. The answer names no email, name or account. Reads the invitation by its id (a
    GetItem on the hash's item, compared in constant time); for a link still valid, its contact
    (accepting it would revoke it when the contact is gone or its email changed); for an expired
    one, what a send asks of the contact (`sending.invitable`) and the suppression list."""

    def __init__(
        self,
        *,
        gate: TokenGate,
        invitations: InvitationsTable,
        contacts: ContactRecords,
        reads: SendingReads,
        clock: Clock,
    ) -> None:
        self._gate = gate
        self._invitations = invitations
        self._contacts = contacts
        self._reads = reads
        self._clock = clock

    def check(self, token: str, *, source_ip: str) -> InvitationLinkState:
        invitation_id, secret = self._gate.admit(token, source_ip=source_ip)
        record = self._invitations.get(invitation_id) if invitation_id else None
        if record is None or not secret_matches(record, secret):
            return InvitationLinkState(state="unknown", renewable=False)
        state = _STATE_OF_STATUS[status_at(record, iso(self._clock()))]
        if state == "valid" and not self._still_for_its_contact(record):
            state = "revoked"
        return InvitationLinkState(state=state, renewable=state == "expired" and self._renewable(record))

    def _still_for_its_contact(self, record: InvitationRecord) -> bool:
        """What accepting asks first (domain/accepting.py): the contact is there, at this email."""
        return contact_gone_message(self._contacts.find(record.contact_id), record) is None

    def _renewable(self, record: InvitationRecord) -> bool:
        """What `InvitationRenewal.refresh` asks before it sends: not renewed yet, and the
        contact still invitable at a deliverable email."""
        if record.renewed_at is not None:
            return False
        contact = self._contacts.find(record.contact_id)
        if contact is None:
            return False
        try:
            _, email = invitable(contact, self._reads)
            ensure_deliverable(self._reads.suppression(email))
        except (Conflict, InvalidInput, NotFound):
            return False
        return True
