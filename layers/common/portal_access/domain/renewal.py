"""Renewal: `POST /portal/invitations/refresh`. A customer who opens an expired link asks for a
new one; when the token is a real invitation that expired unaccepted and its contact still
qualifies, a new invitation goes to the contact's current email (trigger `refresh`).

The answer is the same 202 whatever happened, so it never says whether a token was real. Counted
like self-registration, before anything is read: per invitation named by the token and per
source address (429 past the limit). One renewal per expired invitation (a conditional claim),
however often its link is refreshed; when no invitation could be sent, the claim is released.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.domain.clock import iso
from portal_access.domain.errors import Conflict, InvalidInput, NotFound, RateLimited
from portal_access.domain.invitation_views import status_at
from portal_access.domain.tokens import parse_token, secret_matches
from portal_access.observability import logger

if TYPE_CHECKING:
    from portal_access.dal.invitations_table import InvitationsTable
    from portal_access.dal.rate_limits_table import RateLimit, RateLimitsTable
    from portal_access.domain.clock import Clock
    from portal_access.domain.contacts import ContactRecords
    from portal_access.domain.sending import InvitationSending

REFRESH_ACTOR = "public:refresh"
INVITATION_SCOPE = "invitation_refresh:invitation"
SOURCE_SCOPE = "invitation_refresh:source"


class InvitationRenewal:
    def __init__(
        self,
        *,
        invitations: InvitationsTable,
        contacts: ContactRecords,
        sending: InvitationSending,
        limits: RateLimitsTable,
        rate: RateLimit,
        clock: Clock,
    ) -> None:
        self._invitations = invitations
        self._contacts = contacts
        self._sending = sending
        self._limits = limits
        self._rate = rate
        self._clock = clock

    def refresh(self, token: str, *, source_ip: str) -> str | None:
        """The new invitation's id, or None; 429 past a rate limit. Callers answer the same 202."""
        try:
            invitation_id, secret = parse_token(token)
        except InvalidInput:
            invitation_id, secret = "", ""
        allowed = self._limits.hit(INVITATION_SCOPE, invitation_id or token, self._rate) and self._limits.hit(
            SOURCE_SCOPE, source_ip, self._rate
        )
        if not allowed:
            raise RateLimited(
                "too many requests for a new invitation link: try again later",
                retry_after=self._limits.retry_after(self._rate),
            )
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
