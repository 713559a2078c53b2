"""Staff routes over what the portal's login page was asked: pending requests for access by
address (with the matched site) and a day's Request Login attempts with their outcomes.
Routes parse, call the domain, shape the answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from portal_access.api.resolver import Cursor, Limit, create_resolver, http_handler
from portal_access.config import PortalRequestsAdminConfig
from portal_access.models.common import Page
from portal_access.models.self_service import AccessRequest, SelfRegistrationAttempt
from portal_access.wiring.self_register import build_portal_requests_admin

lists = build_portal_requests_admin(PortalRequestsAdminConfig.from_env())

app = create_resolver("staff")


@app.get("/admin/access-requests", tags=["login page"])
def list_access_requests(cursor: Cursor = None, limit: Limit = 50) -> Page[AccessRequest]:
    """Pending requests made by address, newest first, each with the matched site."""
    items, next_cursor = lists.pending_access_requests.list(cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@app.get("/admin/self-registrations", tags=["login page"])
def list_self_registrations(
    day: Annotated[date | None, Query(alias="date", description="UTC day, YYYY-MM-DD; today by default")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[SelfRegistrationAttempt]:
    """One UTC day's Request Login attempts, newest first, with outcome and source IP."""
    items, next_cursor = lists.attempts.list(day, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


lambda_handler = http_handler(app)
