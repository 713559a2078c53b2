"""The resolver every HTTP function uses: validation, OpenAPI, the error map, identity."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from pydantic import Field

from portal_access.api.errors import register_error_handlers
from portal_access.errors import InvalidInput, Unauthenticated
from portal_access.observability import logger, metrics
from portal_access.settings import FunctionSettings

Audience = Literal["staff", "portal", "public"]

# Pagination parameters shared by the list routes.
Limit = Annotated[int, Query(ge=1, le=100, description="page size")]
Cursor = Annotated[str | None, Query(max_length=2048, description="next_cursor of the previous page")]

_ETAG_VERSION = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


def claims_of(app: APIGatewayHttpResolver) -> dict[str, Any]:
    """Verified JWT claims the HTTP API authorizer put on the request; empty when there are none."""
    authorizer = app.current_event.request_context.authorizer
    claims = authorizer.jwt_claim if authorizer else None
    return dict(claims or {})


class IdentitySettings(FunctionSettings):
    """The app clients whose access tokens the staff and portal routes accept."""

    staff_client_id: str = Field(alias="STAFF_CLIENT_ID", min_length=1)
    portal_client_id: str = Field(alias="PORTAL_CLIENT_ID", min_length=1)


def _unauthenticated() -> dict[str, Any]:
    body = {"error": {"code": "unauthenticated", "message": "sign in: this route needs a bearer token"}}
    return {
        "statusCode": int(HTTPStatus.UNAUTHORIZED),
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


class _IdentityRequiredResolver(APIGatewayHttpResolver):
    """Refuses, before any parsing or validation, an event without an access token of the
    expected app client in it.

    The gateway's JWT authorizer already answers 401 to a missing or bad token; this guards an
    event that reached the handler some other way (a misrouted route, a direct invoke) and keeps
    a portal token out of a staff handler and the reverse. Request validation runs before any
    Powertools middleware, so the check sits in `resolve`.
    """

    def __init__(self, *, client_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._client_id = client_id

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        request_context = event.get("requestContext") or {}
        claims = ((request_context.get("authorizer") or {}).get("jwt") or {}).get("claims") or {}
        if not (
            claims.get("sub")
            and claims.get("token_use") == "access"
            and hmac.compare_digest(str(claims.get("client_id", "")), self._client_id)
        ):
            return _unauthenticated()
        return super().resolve(event, context)


# Public routes take a few short fields; anything much bigger is refused before it is parsed.
MAX_PUBLIC_BODY_BYTES = 16 * 1024


def _refusal(status: HTTPStatus, code: str, message: str) -> dict[str, Any]:
    return {
        "statusCode": int(status),
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"error": {"code": code, "message": message, "field": "body"}}),
        "isBase64Encoded": False,
    }


class _BoundedBodyResolver(APIGatewayHttpResolver):
    """Refuses, before any parsing, a body over `max_body_bytes` (413) or one that is not
    base64 when the gateway says it is (400): an anonymous caller never costs a big parse."""

    def __init__(self, *, max_body_bytes: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._max_body_bytes = max_body_bytes

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        body = event.get("body") or ""
        encoded = bool(event.get("isBase64Encoded"))
        size = len(body) * 3 // 4 if encoded else len(body.encode("utf-8", "surrogatepass"))
        if size > self._max_body_bytes:
            return _refusal(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                "payload_too_large",
                f"body is larger than {self._max_body_bytes} bytes",
            )
        if encoded and body:
            try:
                base64.b64decode(body, validate=True)
            except binascii.Error:
                return _refusal(HTTPStatus.BAD_REQUEST, "bad_request", "body is not valid base64")
        return super().resolve(event, context)


def create_resolver(audience: Audience, *, max_body_bytes: int = MAX_PUBLIC_BODY_BYTES) -> APIGatewayHttpResolver:
    """`max_body_bytes` bounds the body of public routes (anyone on the internet may call them)."""
    app: APIGatewayHttpResolver
    if audience == "public":
        app = _BoundedBodyResolver(enable_validation=True, max_body_bytes=max_body_bytes)
    else:
        identity = IdentitySettings.from_env()
        client_id = identity.staff_client_id if audience == "staff" else identity.portal_client_id
        app = _IdentityRequiredResolver(enable_validation=True, client_id=client_id)
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
