"""The resolver every HTTP function uses: validation, OpenAPI, the error map, identity."""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from pydantic import Field

from portal_access.api.errors import register_error_handlers
from portal_access.api.input_guard import check_body, check_path, refusal, with_plain_json_type
from portal_access.api.staff_roles import groups_of, may_use
from portal_access.config import FunctionConfig
from portal_access.domain.errors import InvalidInput, Unauthenticated
from portal_access.models.common import Identifier
from portal_access.observability import logger, metrics

Audience = Literal["staff", "portal", "public"]

# Pagination parameters shared by the list routes.
Limit = Annotated[int, Query(ge=1, le=100, description="page size")]
Cursor = Annotated[str | None, Query(max_length=2048, description="next_cursor of the previous page")]
# A contact's id as the service hands it out (`ct_` and hex); anything else is 422 before DynamoDB.
ContactId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
# An account's number as staff gave it when creating the account (models.common.Identifier).
AccountId = Annotated[Identifier, Path()]

_ETAG_VERSION = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


def claims_of(app: APIGatewayHttpResolver) -> dict[str, Any]:
    """Verified JWT claims the HTTP API authorizer put on the request; empty when there are none."""
    authorizer = app.current_event.request_context.authorizer
    claims = authorizer.jwt_claim if authorizer else None
    return dict(claims or {})


class IdentityConfig(FunctionConfig):
    """The app clients whose access tokens the staff and portal routes accept."""

    staff_client_id: str = Field(alias="STAFF_CLIENT_ID", min_length=1)
    portal_client_id: str = Field(alias="PORTAL_CLIENT_ID", min_length=1)


def _unauthenticated() -> dict[str, Any]:
    return refusal(
        HTTPStatus.UNAUTHORIZED, "unauthenticated", "sign in: this route needs a bearer token", field="Authorization"
    )


def _claims_in(event: Mapping[str, Any]) -> Mapping[str, Any]:
    request_context = event.get("requestContext") or {}
    claims: Mapping[str, Any] = ((request_context.get("authorizer") or {}).get("jwt") or {}).get("claims") or {}
    return claims


def _forbidden(route_key: str) -> dict[str, Any]:
    return refusal(
        HTTPStatus.FORBIDDEN,
        "forbidden",
        f"your staff role may not use {route_key}: ask a portal admin",
        field="Authorization",
    )


def _role_refusal(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """403 unless one of the staff login's groups may use the route (`api/staff_roles.py`)."""
    route_key = str(event.get("routeKey") or (event.get("requestContext") or {}).get("routeKey") or "")
    if may_use(route_key, groups_of(_claims_in(event))):
        return None
    return _forbidden(route_key or "this route")


def _has_access_token_of(event: Mapping[str, Any], client_id: str) -> bool:
    claims = _claims_in(event)
    return bool(
        claims.get("sub")
        and claims.get("token_use") == "access"
        and hmac.compare_digest(str(claims.get("client_id", "")), client_id)
    )


# Public routes take a few short fields; staff bodies (templates, an account with its contacts)
# are bigger, still far below the gateway's 10 MB.
MAX_PUBLIC_BODY_BYTES = 16 * 1024
MAX_STAFF_BODY_BYTES = 256 * 1024


class _GuardedResolver(APIGatewayHttpResolver):
    """Checks the raw event before any parsing or validation (which run before any Powertools
    middleware, hence `resolve`): for staff and portal routes, an access token of the expected
    app client (401); then the input guard (`api/input_guard.py`: 413, 415, 400, 404).

    The gateway's JWT authorizer already answers 401 to a missing or bad token; the client check
    guards an event that reached the handler some other way (a misrouted route, a direct invoke)
    and keeps a portal token out of a staff handler and the reverse. A staff route then needs a
    staff role that may use it (`api/staff_roles.py`: 403 `forbidden`), before anything runs."""

    def __init__(self, *, client_id: str | None, staff: bool, max_body_bytes: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._client_id = client_id
        self._staff = staff
        self._max_body_bytes = max_body_bytes

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        if self._client_id is not None and not _has_access_token_of(event, self._client_id):
            return _unauthenticated()
        if self._staff:
            forbidden = _role_refusal(event)
            if forbidden is not None:
                return forbidden
        refused = check_path(event) or check_body(event, max_body_bytes=self._max_body_bytes)
        if refused is not None:
            return refused
        return super().resolve(with_plain_json_type(event), context)


def create_resolver(audience: Audience, *, max_body_bytes: int | None = None) -> APIGatewayHttpResolver:
    """`max_body_bytes` bounds a request's body (public routes: anyone on the internet may call them)."""
    client_id = None
    if audience != "public":
        identity = IdentityConfig.from_env()
        client_id = identity.staff_client_id if audience == "staff" else identity.portal_client_id
    limit = max_body_bytes or (MAX_STAFF_BODY_BYTES if audience == "staff" else MAX_PUBLIC_BODY_BYTES)
    app = _GuardedResolver(enable_validation=True, client_id=client_id, staff=audience == "staff", max_body_bytes=limit)
    register_error_handlers(app)
    return app


HttpHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def http_handler(app: APIGatewayHttpResolver) -> HttpHandler:
    """The Lambda entry point of an HTTP function: request id in every log line and the metrics
    flushed, around the resolver (the trace is Lambda's own: active tracing, no SDK)."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return app.resolve(event, context)

    return lambda_handler


def staff_actor(app: APIGatewayHttpResolver) -> str:
    """Who did it, for the Activity History: the staff login's username."""
    claims = claims_of(app)
    actor = claims.get("username") or claims.get("cognito:username") or claims.get("sub")
    if not actor:
        raise Unauthenticated("sign in: this route needs a bearer token")
    return f"staff:{actor}"


def login_id(app: APIGatewayHttpResolver) -> str:
    """The portal login, only ever from the verified token's subject."""
    sub = claims_of(app).get("sub")
    if not sub:
        raise Unauthenticated("sign in: this route needs a bearer token")
    return str(sub)


def parse_if_match(value: str | None) -> int | None:
    """`If-Match: 3`, `"3"` or `W/"3"` -> 3; absent -> None."""
    if value is None:
        return None
    match = _ETAG_VERSION.match(value)
    if not match:
        raise InvalidInput("If-Match must be the contact's version, e.g. If-Match: 3", field="If-Match")
    return int(match.group(1))
