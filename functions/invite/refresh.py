"""Public route: a new invitation for an expired link (domain/renewal.py). No authorizer; the
answer is the same 202 whatever the token was. Never log the body: it holds a token."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from portal_access.api.resolver import create_resolver, http_handler
from portal_access.config import RefreshInvitationConfig
from portal_access.dal.dynamodb import create_client
from portal_access.dal.invitations_table import InvitationsTable
from portal_access.dal.rate_limits_table import RateLimit, RateLimitsTable
from portal_access.domain.invitations import build_invitations_service
from portal_access.domain.renewal import InvitationRenewal
from portal_access.email.sender import SesEmailSender, create_ses_client
from portal_access.models.invitations import InvitationRefresh, RefreshRequested

config = RefreshInvitationConfig.from_env()
client = create_client()
sender = SesEmailSender(create_ses_client, config.ses_configuration_set)
invitations = build_invitations_service(client, config, sender=sender)
renewal = InvitationRenewal(
    invitations=InvitationsTable(client, config.invitations_table),
    contacts=invitations.contacts,
    sending=invitations,
    limits=RateLimitsTable(client, config.rate_limits_table),
    rate=RateLimit(limit=config.rate_limit, window_seconds=config.rate_window_seconds),
)

app = create_resolver("public")


@app.post("/portal/invitations/refresh", status_code=202, tags=["invitations"])
def refresh_invitation(body: Annotated[InvitationRefresh, Body()]) -> RefreshRequested:
    """Ask for a new link when an invitation expired: the same 202 whether or not it was real."""
    renewal.refresh(body.token, source_ip=app.current_event.request_context.http.source_ip)
    return RefreshRequested()


lambda_handler = http_handler(app)
