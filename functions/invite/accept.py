"""Public route: accept a portal invitation into a login. No gateway authorizer; when the
invited email already has a login, the call carries that login's access token and the domain
has Cognito check it. Never log the body: it holds a token and a password."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from aws_lambda_powertools.metrics import MetricUnit

from portal_access.api.resolver import create_resolver, http_handler
from portal_access.config import AcceptInvitationConfig
from portal_access.domain.errors import Unauthenticated
from portal_access.models.invitations import InvitationAccept, InvitationAccepted
from portal_access.observability import metrics
from portal_access.wiring.invite import build_accept

acceptance = build_accept(AcceptInvitationConfig.from_env())

app = create_resolver("public")


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization must be 'Bearer <access token>'", field="Authorization")
    return token.strip()


@app.post("/portal/invitations/accept", tags=["invitations"])
def accept_invitation(
    body: Annotated[InvitationAccept, Body()],
    authorization: Annotated[
        str | None,
        Header(
            alias="authorization",
            max_length=4096,
            description="Bearer access token of the existing login, when the invited email already has one",
        ),
    ] = None,
) -> InvitationAccepted:
    username = acceptance.accept(body.token, body.password, access_token=bearer_token(authorization))
    metrics.add_metric(name="InvitationsAccepted", unit=MetricUnit.Count, value=1)
    return InvitationAccepted(username=username)


lambda_handler = http_handler(app)
