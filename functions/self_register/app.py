"""The portal login page's public routes: what the page shows, Request Login (invoice-verified
self-registration) and requests for access by address. No authorizer: anyone may call them.

The two POST routes decide their answer from the system options and the rate limits only and
queue the request for the worker, so the same 202 comes back, as fast, whether or not anything
matched. Routes parse, call the domain, shape the answer."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit

from portal_access.api.resolver import create_resolver, http_handler
from portal_access.dal.dynamodb import create_client
from portal_access.dal.options_cache import CachedSystemOptions
from portal_access.dal.portal_requests_table import PortalRequestsTable
from portal_access.dal.rate_limits_table import RateLimit, RateLimitsTable
from portal_access.dal.request_queue import RequestQueue, create_sqs_client
from portal_access.dal.settings_table import SettingsTable
from portal_access.domain.access_requests import ACCESS_REQUESTS_SCOPE, AccessRequestIntake
from portal_access.domain.login_page import LoginPage
from portal_access.domain.public_limits import PublicLimits, RequestGate
from portal_access.domain.self_registration import SELF_REGISTRATION_SCOPE, SelfRegistrationIntake
from portal_access.models.self_service import (
    ACCESS_REQUEST_RECEIVED,
    SELF_REGISTRATION_RECEIVED,
    AccessRequestCreate,
    LoginConfig,
    RequestReceived,
    SelfRegistrationCreate,
)
from portal_access.observability import metrics
from portal_access.settings import PublicRequestsSettings

settings = PublicRequestsSettings.from_env()
client = create_client()
options = CachedSystemOptions(SettingsTable(client, settings.settings_table), max_age=settings.options_max_age_seconds)
limits = RateLimitsTable(client, settings.rate_limits_table)
public_limits = PublicLimits(
    per_requester=RateLimit(limit=settings.rate_limit, window_seconds=settings.rate_window_seconds),
    per_address=RateLimit(limit=settings.address_limit, window_seconds=settings.rate_window_seconds),
)
queue = RequestQueue(create_sqs_client, settings.queue_url)

login_page = LoginPage(options)
self_registrations = SelfRegistrationIntake(
    options=options,
    gate=RequestGate(limits, public_limits, scope=SELF_REGISTRATION_SCOPE),
    queue=queue,
    requests=PortalRequestsTable(client, settings.portal_requests_table),
)
access_requests = AccessRequestIntake(
    options=options, gate=RequestGate(limits, public_limits, scope=ACCESS_REQUESTS_SCOPE), queue=queue
)

app = create_resolver("public")


def _source_ip() -> str:
    return app.current_event.request_context.http.source_ip


@app.get("/portal/login-config", tags=["login page"])
def get_login_config() -> Response[LoginConfig]:
    """What the login page shows; browsers and CDNs may keep it as long as the service does."""
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=login_page.config(),
        headers={"Cache-Control": f"public, max-age={settings.options_max_age_seconds}"},
    )


@app.post("/portal/self-registrations", status_code=202, tags=["login page"])
def request_login(body: Annotated[SelfRegistrationCreate, Body()]) -> RequestReceived:
    """Request Login: 202 with the same body whether or not the invoice matched."""
    self_registrations.submit(body, source_ip=_source_ip())
    metrics.add_metric(name="SelfRegistrationsQueued", unit=MetricUnit.Count, value=1)
    return SELF_REGISTRATION_RECEIVED


@app.post("/portal/access-requests", status_code=202, tags=["login page"])
def request_access_by_address(body: Annotated[AccessRequestCreate, Body()]) -> RequestReceived:
    """Request access by service address: 202 with the same body whether or not a site matched."""
    access_requests.submit(body, source_ip=_source_ip())
    metrics.add_metric(name="AccessRequestsQueued", unit=MetricUnit.Count, value=1)
    return ACCESS_REQUEST_RECEIVED


lambda_handler = http_handler(app)
