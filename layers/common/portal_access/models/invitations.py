"""Portal invitations: what staff send and list, and what the portal's accept page posts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from portal_access.models.common import InputModel, OutputModel
from portal_access.models.delivery import Delivery

Trigger = Literal["manual", "auto", "self_registration", "refresh", "batch"]
# What is stored; `expired` is never stored, it is read from `expires_at` at read time.
StoredStatus = Literal["sent", "failed", "accepted", "revoked"]
InvitationStatus = Literal["sent", "failed", "accepted", "expired", "revoked"]

# `<invitation_id>.<secret>`: both URL-safe, so the token goes into a link as it is.
TOKEN_MAX_LENGTH = 200
PASSWORD_MAX_LENGTH = 256


class Invitation(OutputModel):
    """One invitation as staff see it in the list (never the token or its hash)."""

    invitation_id: str
    contact_id: str
    email: str
    trigger: Trigger
    status: InvitationStatus
    created_at: str
    expires_at: str
    sent_at: str | None = Field(default=None, description="when SES accepted the email")
    failed_at: str | None = None
    failure_reason: str | None = None
    accepted_at: str | None = None
    revoked_at: str | None = None
    delivery: Delivery = Field(
        default="pending", description="what SES reported: pending until it does; bounced or complained never arrived"
    )
    delivered_at: str | None = None
    bounced_at: str | None = None
    complained_at: str | None = None
    reminded_at: str | None = Field(default=None, description="when the reminder before expiry went out")


class InvitationSent(OutputModel):
    """The answer to "Send portal access invite": `failed` when SES refused the email."""

    invitation_id: str
    status: InvitationStatus
    expires_at: str


class InvitationAccept(InputModel):
    """What the portal's accept page posts: the token from the email's link and the new password.

    The password is taken exactly as typed (no whitespace stripping); its strength is the
    portal user pool's password policy. When the invited email already has a login, send that
    login's access token as `Authorization: Bearer ...` (no password needed then): the existing
    password is never changed.
    """

    token: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TOKEN_MAX_LENGTH)]
    password: (
        Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, max_length=PASSWORD_MAX_LENGTH)] | None
    ) = Field(default=None, description="the new login's password; not needed when the email already has a login")


class InvitationRefresh(InputModel):
    """An expired link's token: a new invitation goes to the contact's current email."""

    token: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TOKEN_MAX_LENGTH)]


class RefreshRequested(OutputModel):
    """The same answer whatever the token was: it never says whether it was real."""

    status: Literal["received"] = "received"
    message: str = (
        "If this link was a portal invitation that expired, a new one is on its way to the email address"
        " on record. Links that still work, or were used, are not replaced."
    )


class InvitationCheck(InvitationRefresh):
    """A link's token, as the accept page read it from the fragment: what state is it in?"""


LinkState = Literal["valid", "expired", "used", "revoked", "unknown"]


class InvitationLinkState(OutputModel):
    """What the accept page says at once; never an email, a name or an account."""

    state: LinkState = Field(
        description="valid: it can be accepted; expired, used or revoked: it can no longer be; unknown: not a link"
        " this service sent"
    )
    renewable: bool = Field(description="true exactly when POST /portal/invitations/refresh would send a new link")


class InvitationAccepted(OutputModel):
    username: str
