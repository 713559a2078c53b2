"""The access review's answers: who can see an account, and dormant logins."""

from __future__ import annotations

from pydantic import Field

from portal_access.models.common import OutputModel
from portal_access.models.contacts import Level
from portal_access.models.delivery import Delivery
from portal_access.models.invitations import InvitationStatus


class ReviewedContact(OutputModel):
    """One of the login's contacts on the account, with what it grants."""

    contact_id: str
    name: str
    level: Level
    all_sites: bool
    site_ids: list[str]
    roles: dict[str, list[str]]


class InvitationState(OutputModel):
    """The latest invitation among the login's contacts on the account (null: none found)."""

    status: InvitationStatus | None = None
    delivery: Delivery | None = None


class AccountPortalLogin(OutputModel):
    """A portal login that can see the account (one of its contacts there has portal access)."""

    login_id: str
    email: str
    enabled: bool
    last_sign_in_at: str | None = Field(description="null: not signed in since it was set up")
    contacts: list[ReviewedContact]
    invitation: InvitationState


class DormantPortalLogin(OutputModel):
    """A portal login that has not signed in since the day asked (or never)."""

    login_id: str
    email: str
    enabled: bool
    last_sign_in_at: str | None = Field(description="null: never signed in")
    created_at: str | None = None
