"""Public route: a new invitation for an expired link (domain/renewal.py). No authorizer; the
answer is the same 202 whatever the token was. Never log the body: it holds a token."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from portal_access.api.resolver import create_resolver, http_handler
from portal_access.config import RefreshInvitationConfig
from portal_access.models.invitations import InvitationRefresh, RefreshRequested
from portal_access.wiring.invite import build_refresh

renewal = build_refresh(RefreshInvitationConfig.from_env())

app = create_resolver("public")


@app.post("/portal/invitations/refresh", status_code=202, tags=["invitations"])
def refresh_invitation(body: Annotated[InvitationRefresh, Body()]) -> RefreshRequested:
    """Ask for a new link when an invitation expired: the same 202 whether or not it was real."""
    renewal.refresh(body.token, source_ip=app.current_event.request_context.http.source_ip)
    return RefreshRequested()


lambda_handler = http_handler(app)
