"""The invitations functions (functions/invite/): the staff routes, the contacts stream's
auto-invite, the public refresh and accept routes, and the scheduled job. One builder per
handler, each from that handler's config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from portal_access.dal.dynamodb import create_client
from portal_access.dal.email_guard import EmailGuard
from portal_access.dal.login_records import LoginRecords
from portal_access.dal.portal_logins import PortalLogins, create_cognito_client
from portal_access.dal.rate_limits_table import RateLimit, RateLimitsTable
from portal_access.domain.accepting import InvitationAcceptance
from portal_access.domain.clock import system_clock
from portal_access.domain.invitation_views import InvitationListing
from portal_access.domain.login_setup import LoginSetup
from portal_access.domain.reminders import InvitationJobs
from portal_access.domain.renewal import CHECK_SCOPE, REFRESH_SCOPE, InvitationRenewal, LinkCheck, TokenGate
from portal_access.wiring.sending import build_sending, build_tables, ses_sender

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from portal_access.config import (
        AcceptInvitationConfig,
        AutoInviteConfig,
        CheckInvitationConfig,
        InvitationJobsConfig,
        InviteAdminConfig,
        RefreshInvitationConfig,
        TokenRouteLimits,
    )
    from portal_access.domain.sending import InvitationSending
    from portal_access.domain.sending_reads import SendingReads


@dataclass(frozen=True, slots=True)
class InviteAdmin:
    sending: InvitationSending
    listing: InvitationListing


def build_invite_admin(config: InviteAdminConfig) -> InviteAdmin:
    clock = system_clock
    graph = build_sending(config, client=create_client(), clock=clock, sender=ses_sender(config))
    tables = graph.tables
    listing = InvitationListing(invitations=tables.invitations, contacts=tables.contacts, clock=clock)
    return InviteAdmin(sending=graph.sending, listing=listing)


@dataclass(frozen=True, slots=True)
class AutoInvite:
    client: DynamoDBClient  # the idempotency layer's too
    sending: InvitationSending
    reads: SendingReads


def build_auto_invite(config: AutoInviteConfig) -> AutoInvite:
    client = create_client()
    graph = build_sending(config, client=client, clock=system_clock, sender=ses_sender(config))
    return AutoInvite(client=client, sending=graph.sending, reads=graph.tables.reads)


def token_gate(config: TokenRouteLimits, *, client: DynamoDBClient, scope: str = REFRESH_SCOPE) -> TokenGate:
    """The limits of a public token route; `scope`: counters of its own (else refresh's)."""
    limits = RateLimitsTable(client, config.rate_limits_table, clock=system_clock)
    rate = RateLimit(limit=config.rate_limit, window_seconds=config.rate_window_seconds)
    return TokenGate(limits=limits, rate=rate, scope=scope)


def build_refresh(config: RefreshInvitationConfig) -> InvitationRenewal:
    client = create_client()
    graph = build_sending(config, client=client, clock=system_clock, sender=ses_sender(config))
    return InvitationRenewal(
        invitations=graph.tables.invitations,
        contacts=graph.tables.contacts,
        sending=graph.sending,
        gate=token_gate(config, client=client),
        clock=system_clock,
    )


def build_check(config: CheckInvitationConfig) -> LinkCheck:
    """Reads only, and the rate counters: no email goes out from here."""
    client = create_client()
    tables = build_tables(config, client=client, clock=system_clock)
    return LinkCheck(
        gate=token_gate(config, client=client, scope=CHECK_SCOPE),
        invitations=tables.invitations,
        contacts=tables.contacts,
        reads=tables.reads,
        clock=system_clock,
    )


def build_jobs(config: InvitationJobsConfig) -> InvitationJobs:
    graph = build_sending(config, client=create_client(), clock=system_clock, sender=ses_sender(config))
    tables = graph.tables
    return InvitationJobs(
        unit_of_work=tables.unit_of_work,
        invitations=tables.invitations,
        suppressions=tables.suppressions,
        activity_log=tables.activity,
        contacts=tables.contacts,
        mail=graph.mail,
        reminder_days=config.invite_reminder_days,
        clock=system_clock,
    )


def build_accept(config: AcceptInvitationConfig) -> InvitationAcceptance:
    """No email goes out from here: the tables and the portal login pool only."""
    client = create_client()
    tables = build_tables(config, client=client, clock=system_clock)
    logins = PortalLogins(create_cognito_client, config.portal_user_pool_id)
    return InvitationAcceptance(
        invitations=tables.invitations,
        contacts=tables.contacts,
        reads=tables.reads,
        logins=logins,
        login_setup=LoginSetup(logins=logins, guard=EmailGuard(client, config.invitations_table), clock=system_clock),
        login_records=LoginRecords(client, config.invitations_table),
        clock=system_clock,
    )
