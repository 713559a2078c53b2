"""The login page's functions (functions/self_register/): the public routes and the staff lists.
Light on purpose: no invitation sending here (the worker's graph is self_register_worker.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from portal_access.dal.dynamodb import create_client
from portal_access.dal.options_cache import CachedSystemOptions
from portal_access.dal.portal_requests_table import PortalRequestsTable
from portal_access.dal.rate_limits_table import RateLimit, RateLimitsTable
from portal_access.dal.request_queue import RequestQueue
from portal_access.dal.settings_table import SettingsTable
from portal_access.dal.sqs_queue import create_sqs_client
from portal_access.domain.access_requests import ACCESS_REQUESTS_SCOPE, AccessRequestIntake, PendingAccessRequests
from portal_access.domain.clock import system_clock
from portal_access.domain.login_page import LoginPage
from portal_access.domain.public_limits import PublicLimits, RequestGate
from portal_access.domain.self_registration import SelfRegistrationAttempts
from portal_access.domain.self_registration_intake import SELF_REGISTRATION_SCOPE, SelfRegistrationIntake

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from portal_access.config import PortalRequestsAdminConfig, PublicRequestsConfig


@dataclass(frozen=True, slots=True)
class PublicRequests:
    client: DynamoDBClient
    options: CachedSystemOptions
    login_page: LoginPage
    self_registrations: SelfRegistrationIntake
    access_requests: AccessRequestIntake


def build_public_requests(config: PublicRequestsConfig) -> PublicRequests:
    clock = system_clock
    client = create_client()
    options = CachedSystemOptions(SettingsTable(client, config.settings_table), max_age=config.options_max_age_seconds)
    limits = RateLimitsTable(client, config.rate_limits_table, clock=clock)
    public_limits = PublicLimits(
        per_requester=RateLimit(limit=config.rate_limit, window_seconds=config.rate_window_seconds),
        per_address=RateLimit(limit=config.address_limit, window_seconds=config.rate_window_seconds),
    )
    queue = RequestQueue(create_sqs_client, config.queue_url)
    return PublicRequests(
        client=client,
        options=options,
        login_page=LoginPage(options=options),
        self_registrations=SelfRegistrationIntake(
            options=options,
            gate=RequestGate(table=limits, limits=public_limits, scope=SELF_REGISTRATION_SCOPE),
            queue=queue,
            requests=PortalRequestsTable(client, config.portal_requests_table),
            clock=clock,
        ),
        access_requests=AccessRequestIntake(
            options=options,
            gate=RequestGate(table=limits, limits=public_limits, scope=ACCESS_REQUESTS_SCOPE),
            queue=queue,
            clock=clock,
        ),
    )


@dataclass(frozen=True, slots=True)
class PortalRequestsAdmin:
    client: DynamoDBClient
    pending_access_requests: PendingAccessRequests
    attempts: SelfRegistrationAttempts


def build_portal_requests_admin(config: PortalRequestsAdminConfig) -> PortalRequestsAdmin:
    client = create_client()
    requests = PortalRequestsTable(client, config.portal_requests_table)
    return PortalRequestsAdmin(
        client=client,
        pending_access_requests=PendingAccessRequests(requests=requests),
        attempts=SelfRegistrationAttempts(requests=requests, clock=system_clock),
    )
