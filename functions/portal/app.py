"""Signed-in portal routes: the login and its accounts, one permitted site. Behind the portal
pool's JWT authorizer; the login is the verified token's `sub`, never a body or query value.
Every route resolves access through `domain.access`, re-reading the login's contacts."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from portal_access.api.resolver import claims_of, create_resolver, http_handler, login_id
from portal_access.config import PortalApiConfig
from portal_access.domain.access import LoginIdentity
from portal_access.models.portal import PortalMe, PortalSite
from portal_access.wiring.portal import build_portal_grants

access = build_portal_grants(PortalApiConfig.from_env())

app = create_resolver("portal")

# An id longer than any stored one is refused (422); every other id outside the grant is 404.
PathId = Annotated[str, Path(min_length=1, max_length=64)]


def signed_in() -> LoginIdentity:
    """The login, from the claims the gateway's portal authorizer verified."""
    claims = claims_of(app)
    sub = login_id(app)
    username = claims.get("username") or claims.get("cognito:username") or sub
    email = claims.get("email")
    return LoginIdentity(login_id=sub, username=str(username), email=str(email) if email else None)


@app.get("/portal/me", tags=["portal"])
def me() -> PortalMe:
    return access.me(signed_in())


@app.get("/portal/accounts/<account_id>/sites/<site_id>", tags=["portal"])
def get_site(account_id: PathId, site_id: PathId) -> PortalSite:
    return access.site(signed_in().login_id, account_id, site_id)


lambda_handler = http_handler(app)
