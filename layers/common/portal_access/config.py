"""Typed configuration per function, validated once from the environment the template gives it."""

from __future__ import annotations

import os
from typing import Self

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field


class FunctionConfig(BaseModel):
    # Built when `from_env` first runs: a function builds its own config model, not all of them.
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True, defer_build=True)

    @classmethod
    def from_env(cls) -> Self:
        """Read and validate the configuration; a missing variable fails the cold start loudly."""
        return cls.model_validate(dict(os.environ))


class ContactsApiConfig(FunctionConfig):
    """The staff API: accounts, sites, classes, options, templates, invoices, contacts."""

    accounts_table: str = Field(alias="ACCOUNTS_TABLE_NAME")
    settings_table: str = Field(alias="SETTINGS_TABLE_NAME")
    contacts_table: str = Field(alias="CONTACTS_TABLE_NAME")
    activity_table: str = Field(alias="ACTIVITY_TABLE_NAME")
    # The contacts' portal state (grid, contact view): pointers, invitations, suppressions (reads),
    # and the login items' `enabled` (`LOGIN#<sub>`, for the access review) when a login is switched.
    invitations_table: str = Field(alias="INVITATIONS_TABLE_NAME")
    # Disabling or unlinking a login's last enabled contact disables the login in this pool.
    portal_user_pool_id: str = Field(alias="PORTAL_USER_POOL_ID", min_length=1)


class PortalApiConfig(FunctionConfig):
    """The signed-in portal routes: what a login may see (reads only)."""

    accounts_table: str = Field(alias="ACCOUNTS_TABLE_NAME")
    settings_table: str = Field(alias="SETTINGS_TABLE_NAME")
    contacts_table: str = Field(alias="CONTACTS_TABLE_NAME")


class InvitationTablesConfig(FunctionConfig):
    """The tables every invitations function reads and writes."""

    accounts_table: str = Field(alias="ACCOUNTS_TABLE_NAME")
    settings_table: str = Field(alias="SETTINGS_TABLE_NAME")
    contacts_table: str = Field(alias="CONTACTS_TABLE_NAME")
    activity_table: str = Field(alias="ACTIVITY_TABLE_NAME")
    invitations_table: str = Field(alias="INVITATIONS_TABLE_NAME")


class InvitationSendingConfig(InvitationTablesConfig):
    """Functions that send invitations: token lifetime, and the deployment's fallbacks for what
    the system options leave empty (from-address, portal URL)."""

    invitation_ttl_days: int = Field(alias="INVITATION_TTL_DAYS", default=7, ge=1, le=90)
    ses_from_address: str = Field(alias="SES_FROM_ADDRESS", min_length=3)
    portal_url: AnyHttpUrl = Field(alias="PORTAL_URL")
    # SES reports delivery, bounces and complaints of what goes through it (domain/delivery.py).
    ses_configuration_set: str | None = Field(alias="SES_CONFIGURATION_SET", default=None)


class InviteAdminConfig(InvitationSendingConfig):
    """Staff routes: send an invitation, list a contact's invitations."""


class AutoInviteConfig(InvitationSendingConfig):
    """The contacts stream consumer; its idempotency records live in their own table."""

    idempotency_table: str = Field(alias="IDEMPOTENCY_TABLE_NAME")


class TokenRouteLimits(FunctionConfig):
    """The public routes that take an invitation link's token: counted like self-registration."""

    rate_limits_table: str = Field(alias="RATE_LIMITS_TABLE_NAME")
    rate_limit: int = Field(alias="PUBLIC_REQUEST_LIMIT", default=5, ge=1, le=1000)
    rate_window_seconds: int = Field(alias="PUBLIC_REQUEST_WINDOW_SECONDS", default=3600, ge=60, le=86400)


class RefreshInvitationConfig(InvitationSendingConfig, TokenRouteLimits):
    """The public refresh route: sends a new invitation for an expired link."""


class CheckInvitationConfig(InvitationTablesConfig, TokenRouteLimits):
    """The public link check: reads an invitation and what a refresh would need (no email)."""


class InvitationJobsConfig(InvitationSendingConfig):
    """The scheduled invitations job: expiries, and the reminder before them."""

    invite_reminder_days: int = Field(alias="INVITE_REMINDER_DAYS", default=2, ge=1, le=30)


class AcceptInvitationConfig(InvitationTablesConfig):
    """The public accept route: creates or links logins in the portal user pool."""

    portal_user_pool_id: str = Field(alias="PORTAL_USER_POOL_ID")


class DeliveryEventsConfig(FunctionConfig):
    """The consumer of SES's delivery events: invitations, their history, the suppression list."""

    activity_table: str = Field(alias="ACTIVITY_TABLE_NAME")
    invitations_table: str = Field(alias="INVITATIONS_TABLE_NAME")


class LifecycleEventsConfig(FunctionConfig):
    """The publisher of lifecycle events: which stream is which table, and the bus."""

    event_bus_name: str = Field(alias="EVENT_BUS_NAME", min_length=1)
    invitations_table: str = Field(alias="INVITATIONS_TABLE_NAME")
    activity_table: str = Field(alias="ACTIVITY_TABLE_NAME")
    portal_requests_table: str = Field(alias="PORTAL_REQUESTS_TABLE_NAME")


class PublicRequestsConfig(FunctionConfig):
    """The login page's public routes: login-config, self-registrations, access-requests."""

    settings_table: str = Field(alias="SETTINGS_TABLE_NAME")
    rate_limits_table: str = Field(alias="RATE_LIMITS_TABLE_NAME")
    portal_requests_table: str = Field(alias="PORTAL_REQUESTS_TABLE_NAME")
    queue_url: str = Field(alias="SELF_REGISTRATION_QUEUE_URL", min_length=1)
    options_max_age_seconds: int = Field(alias="LOGIN_CONFIG_MAX_AGE_SECONDS", default=60, ge=0, le=3600)
    # domain/public_limits.py says what each limit is and why.
    rate_limit: int = Field(alias="PUBLIC_REQUEST_LIMIT", default=5, ge=1, le=1000)
    address_limit: int = Field(alias="PUBLIC_ADDRESS_LIMIT", default=20, ge=1, le=100000)
    rate_window_seconds: int = Field(alias="PUBLIC_REQUEST_WINDOW_SECONDS", default=3600, ge=60, le=86400)


class SelfRegistrationWorkerConfig(InvitationSendingConfig):
    """The queue worker: verifies, creates or reuses the contact, sends through invitations."""

    portal_requests_table: str = Field(alias="PORTAL_REQUESTS_TABLE_NAME")
    idempotency_table: str = Field(alias="IDEMPOTENCY_TABLE_NAME")
    rate_limits_table: str = Field(alias="RATE_LIMITS_TABLE_NAME")
    proof_failure_limit: int = Field(alias="PROOF_FAILURE_LIMIT", default=3, ge=1, le=1000)
    rate_window_seconds: int = Field(alias="PUBLIC_REQUEST_WINDOW_SECONDS", default=3600, ge=60, le=86400)


class PortalRequestsAdminConfig(FunctionConfig):
    """Staff routes that read what the login page was asked (pending access requests, attempts)."""

    portal_requests_table: str = Field(alias="PORTAL_REQUESTS_TABLE_NAME")


class PostAuthenticationConfig(FunctionConfig):
    """The portal pool's Post Authentication trigger: stamps the login's last sign-in."""

    invitations_table: str = Field(alias="INVITATIONS_TABLE_NAME")


class AccessReviewConfig(FunctionConfig):
    """The access review (staff, reads only): who can see an account, and dormant logins."""

    accounts_table: str = Field(alias="ACCOUNTS_TABLE_NAME")
    contacts_table: str = Field(alias="CONTACTS_TABLE_NAME")
    invitations_table: str = Field(alias="INVITATIONS_TABLE_NAME")


class InvitationBatchesApiConfig(FunctionConfig):
    """Staff routes of invitation batches: dry runs read the selection, a run is queued."""

    accounts_table: str = Field(alias="ACCOUNTS_TABLE_NAME")
    settings_table: str = Field(alias="SETTINGS_TABLE_NAME")
    contacts_table: str = Field(alias="CONTACTS_TABLE_NAME")
    invitations_table: str = Field(alias="INVITATIONS_TABLE_NAME")
    queue_url: str = Field(alias="INVITATION_BATCH_QUEUE_URL", min_length=1)


class InvitationBatchWorkerConfig(InvitationSendingConfig):
    """The invitation batches' queue worker: plans pages, sends invitations at the paced rate."""

    rate_limits_table: str = Field(alias="RATE_LIMITS_TABLE_NAME")
    queue_url: str = Field(alias="INVITATION_BATCH_QUEUE_URL", min_length=1)
    # SES's sending quota (template parameter InviteSendRatePerSecond), shared by every batch.
    send_rate_per_second: int = Field(alias="INVITE_SEND_RATE_PER_SECOND", default=14, ge=1, le=1000)
