"""Lifecycle events on the stack's EventBridge bus: `source` `portal-access`, one `detail-type`
per model below, `detail` as the model. The JSON Schemas in docs/events/ are generated from these
models (`make openapi`); a test fails when they are stale.

Every detail carries `schema_version`, `event_id` (stable across redelivery: derived from the
stored item that records the change), `occurred_at`, `actor` and the ids involved; never a
token, a password, a quick-pay code, nor an email address."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SOURCE = "portal-access"
SCHEMA_VERSION: Literal["1"] = "1"


class EventDetail(BaseModel):
    # Every field is in every event (null when unknown): the schemas say so (required).
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_serialization_defaults_required=True)

    schema_version: Literal["1"] = SCHEMA_VERSION
    event_id: str = Field(description="the same for every delivery of this event: deduplicate on it")
    occurred_at: str = Field(description="when the change was committed (ISO-8601, UTC)")
    actor: str = Field(description="who made the change: staff:<user>, portal:<login>, system:<job>, public")


class AccountEventDetail(EventDetail):
    account_id: str


class InvitationDetail(AccountEventDetail):
    contact_id: str
    invitation_id: str
    trigger: Literal["manual", "auto", "self_registration", "refresh", "batch"]


class InvitationSent(InvitationDetail):
    """SES accepted the invitation email."""

    expires_at: str


class InvitationDelivered(InvitationDetail):
    """SES delivered it to the recipient's mail server."""


class InvitationBounced(InvitationDetail):
    """It bounced; a permanent bounce makes the email undeliverable."""

    bounce_type: str | None = Field(default=None, description="permanent / transient / undetermined")


class InvitationComplained(InvitationDetail):
    """The recipient marked it as spam: the email is undeliverable."""


class InvitationAccepted(InvitationDetail):
    login_id: str


class InvitationRevoked(InvitationDetail):
    replaced_by: str | None = Field(default=None, description="the invitation sent in its place, if any")


class InvitationExpired(InvitationDetail):
    expires_at: str


class ContactDetail(AccountEventDetail):
    contact_id: str


class PortalLoginCreated(ContactDetail):
    login_id: str
    invitation_id: str


class PortalLoginDisabled(ContactDetail):
    """The login's last contact with portal access lost it: the login is disabled."""

    login_id: str


class PortalLoginEnabled(ContactDetail):
    login_id: str


class PortalAccessChanged(ContactDetail):
    all_sites: bool
    site_ids: list[str]


class ContactUnlinked(ContactDetail):
    """The contact was unlinked from the account (and its grants with it)."""


class SelfRegistrationCompleted(ContactDetail):
    """An invoice-verified Request Login created or reused this contact (its invitation follows)."""

    request_id: str
    contact_created: bool


class AccessRequestReceived(AccountEventDetail):
    """A request by service address matched a site: staff review it."""

    request_id: str
    site_ids: list[str] = Field(description="the matched sites of `account_id`")


class InvitationBatchCompleted(EventDetail):
    """Every contact an invitation batch selected is settled: its counts, final."""

    batch_id: str
    total: int = Field(description="selected contacts the batch was about (invited or skipped)")
    sent: int
    failed: int
    skipped: dict[str, int] = Field(description="by reason: no_email, email_undeliverable, has_login, ...")


DETAIL_TYPES: dict[str, type[EventDetail]] = {
    "Invitation Sent": InvitationSent,
    "Invitation Delivered": InvitationDelivered,
    "Invitation Bounced": InvitationBounced,
    "Invitation Complained": InvitationComplained,
    "Invitation Accepted": InvitationAccepted,
    "Invitation Revoked": InvitationRevoked,
    "Invitation Expired": InvitationExpired,
    "Portal Login Created": PortalLoginCreated,
    "Portal Login Disabled": PortalLoginDisabled,
    "Portal Login Enabled": PortalLoginEnabled,
    "Portal Access Changed": PortalAccessChanged,
    "Contact Unlinked": ContactUnlinked,
    "Self Registration Completed": SelfRegistrationCompleted,
    "Access Request Received": AccessRequestReceived,
    "Invitation Batch Completed": InvitationBatchCompleted,
}


def schema_file_name(detail_type: str) -> str:
    """`Invitation Sent` -> `invitation-sent.json` (docs/events/)."""
    return detail_type.lower().replace(" ", "-") + ".json"


class LifecycleEvent(BaseModel):
    """One event to put on the bus."""

    model_config = ConfigDict(frozen=True)

    detail_type: str
    detail: EventDetail
