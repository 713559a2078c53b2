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
from portal_access.config import PublicRequestsConfig
from portal_access.models.self_service import (
    ACCESS_REQUEST_RECEIVED,
    SELF_REGISTRATION_RECEIVED,
    AccessRequestCreate,
    RequestReceived,
    SelfRegistrationCreate,
)
from portal_access.models.settings import LoginConfig
from portal_access.observability import metrics
from portal_access.wiring.self_register import build_public_requests

config = PublicRequestsConfig.from_env()
public = build_public_requests(config)

app = create_resolver("public")


def _source_ip() -> str:
    return app.current_event.request_context.http.source_ip


@app.get("/portal/login-config", tags=["login page"])
def get_login_config() -> Response[LoginConfig]:
    """What the login page shows; browsers and CDNs may keep it as long as the service does."""
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=public.login_page.config(),
        headers={"Cache-Control": f"public, max-age={config.options_max_age_seconds}"},
    )


@app.post("/portal/self-registrations", status_code=202, tags=["login page"])
def request_login(body: Annotated[SelfRegistrationCreate, Body()]) -> RequestReceived:
    """Request Login: 202 with the same body whether or not the invoice matched."""
    public.self_registrations.submit(body, source_ip=_source_ip())
    metrics.add_metric(name="SelfRegistrationsQueued", unit=MetricUnit.Count, value=1)
    return SELF_REGISTRATION_RECEIVED


@app.post("/portal/access-requests", status_code=202, tags=["login page"])
def request_access_by_address(body: Annotated[AccessRequestCreate, Body()]) -> RequestReceived:
    """Request access by service address: 202 with the same body whether or not a site matched."""
    public.access_requests.submit(body, source_ip=_source_ip())
    metrics.add_metric(name="AccessRequestsQueued", unit=MetricUnit.Count, value=1)
    return ACCESS_REQUEST_RECEIVED


lambda_handler = http_handler(app)
