"""What InvitationsTable stores: an invitation, and an email on the suppression list.

Storage models (the domain reads them; the API answers with `models.invitations.Invitation`).
Timestamps are ISO-8601 UTC strings, so they compare as strings.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from portal_access.models.delivery import Delivery
from portal_access.models.invitations import StoredStatus, Trigger


class InvitationRecord(BaseModel):
    """The stored invitation. Timestamps are ISO-8601 UTC strings, so they compare as strings."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    invitation_id: str
    contact_id: str
    account_id: str
    email: str
    trigger: Trigger
    actor: str
    template: str
    status: StoredStatus
    secret_hash: str
    created_at: str
    expires_at: str
    purge_at: int
    sent_at: str | None = None
    message_id: str | None = None
    failed_at: str | None = None
    failure_reason: str | None = None
    accepted_at: str | None = None
    login_id: str | None = None
    revoked_at: str | None = None
    replaced_by: str | None = None
    # Set while one accept call works on the invitation; a lease, so a crashed call frees it.
    claim_id: str | None = None
    claim_until: str | None = None
    # What SES reported (domain/delivery.py); items written before it existed read as pending.
    delivery: Delivery = "pending"
    delivered_at: str | None = None
    bounced_at: str | None = None
    bounce_type: str | None = None
    complained_at: str | None = None
    delayed_at: str | None = None
    # The UTC day of `expires_at`: the `by_expiry_day` index the reminder job reads (no Scan).
    expiry_day: str | None = None
    reminded_at: str | None = None
    # The reminder carries a link of its own (the first token is never stored): either works.
    reminder_secret_hash: str | None = None
    expired_at: str | None = None  # the expiry job recorded it (for the history and the event)
    renewed_by: str | None = None  # the invitation a refresh of this expired link sent
    renewed_at: str | None = None


class Suppression(BaseModel):
    """An email SES reported as permanently bounced or complained about: not mailed again."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    email: str
    reason: str  # bounced / complained
    at: str
    reported_invitation_id: str  # the invitation whose email SES reported
