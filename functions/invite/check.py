"""Public route: what state an invitation link is in, so the accept page says at once when it no
longer works (domain/renewal.py, `LinkCheck`). No authorizer; the answer names no email, name or
account. Never log the body: it holds a token."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from portal_access.api.resolver import create_resolver, http_handler
from portal_access.config import CheckInvitationConfig
from portal_access.models.invitations import InvitationCheck, InvitationLinkState
from portal_access.wiring.invite import build_check

link_check = build_check(CheckInvitationConfig.from_env())

app = create_resolver("public")


@app.post("/portal/invitations/check", tags=["invitations"])
def check_invitation(body: Annotated[InvitationCheck, Body()]) -> InvitationLinkState:
    """valid / expired / used / revoked / unknown, and whether a refresh would send a new link."""
    return link_check.check(body.token, source_ip=app.current_event.request_context.http.source_ip)


lambda_handler = http_handler(app)
