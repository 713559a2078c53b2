"""The HTTP API, emulated: every route of the template (devkit/routes.py) is served; a request is
matched as API Gateway does (most specific route first), checked by the
route's JWT authorizer, turned into the payload format 2.0 event and handed to the function.
The function's answer is turned back into HTTP the way API Gateway reads it.

Route table, matching, event and response conversion are pure; `Gateway` is the WSGI app."""

from __future__ import annotations

import base64
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from werkzeug.wrappers import Request, Response

from devkit.routes import JwtAuthorizer, Route, match_route
from devkit.template import Resolver, resources_of_type
from local.authorizer import JwksCache, Unauthorized, bearer_token, gateway_claims, verify_jwt

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger("local.gateway")

LOCAL_PREFIX = "/_local/"
_TEXT_TYPES = re.compile(
    r"^(text/|application/(json|.*\+json|xml|.*\+xml|javascript|x-www-form-urlencoded|graphql))", re.IGNORECASE
)


class FunctionFailed(Exception):
    """The function raised (or answered something Lambda cannot return)."""


@dataclass(frozen=True)
class Cors:
    """An HTTP API's CorsConfiguration: API Gateway answers preflights itself and sets the
    Access-Control-* headers of every answer to an allowed origin (the function's are ignored)."""

    allow_origins: tuple[str, ...]
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False

    def allows(self, origin: str) -> bool:
        return "*" in self.allow_origins or origin in self.allow_origins

    def headers(self, origin: str, *, preflight: bool) -> list[tuple[str, str]]:
        if not self.allows(origin):
            return []
        headers = [("access-control-allow-origin", "*" if "*" in self.allow_origins else origin)]
        if self.allow_credentials:
            headers.append(("access-control-allow-credentials", "true"))
        if preflight:
            headers += [
                ("access-control-allow-methods", ",".join(self.allow_methods)),
                ("access-control-allow-headers", ",".join(h.lower() for h in self.allow_headers)),
            ]
            if self.max_age is not None:
                headers.append(("access-control-max-age", str(self.max_age)))
        elif self.expose_headers:
            headers.append(("access-control-expose-headers", ",".join(self.expose_headers)))
        return headers


def cors_of(template: Mapping[str, Any], resolver: Resolver) -> dict[str, Cors]:
    """api logical id -> its resolved CorsConfiguration (APIs without one are absent)."""
    found = {}
    for api_id, resource in resources_of_type(template, "AWS::Serverless::HttpApi").items():
        config = resolver.resolve((resource.get("Properties") or {}).get("CorsConfiguration"))
        if not config:
            continue
        if config is True:
            config = {"AllowOrigins": ["*"], "AllowMethods": ["*"], "AllowHeaders": ["*"]}
        found[api_id] = Cors(
            allow_origins=tuple(config.get("AllowOrigins") or ()),
            allow_methods=tuple(config.get("AllowMethods") or ()),
            allow_headers=tuple(config.get("AllowHeaders") or ()),
            expose_headers=tuple(config.get("ExposeHeaders") or ()),
            max_age=int(config["MaxAge"]) if "MaxAge" in config else None,
            allow_credentials=bool(config.get("AllowCredentials", False)),
        )
    return found


# ---------------------------------------------------------------- payload format 2.0


@dataclass(frozen=True)
class IncomingRequest:
    method: str
    raw_path: str
    raw_query: str
    headers: Sequence[tuple[str, str]]
    body: bytes
    source_ip: str


def build_event(
    request: IncomingRequest,
    route: Route,
    path_parameters: Mapping[str, str],
    *,
    claims: Mapping[str, str] | None,
    request_id: str,
    api_id: str = "local",
    now: float | None = None,
) -> dict[str, Any]:
    """The API Gateway HTTP API payload 2.0 event for one request."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in request.headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
            continue
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    query: dict[str, str] = {}
    for name, value in parse_qsl(request.raw_query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    moment = now if now is not None else time.time()
    host = headers.get("host", "127.0.0.1")
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": api_id,
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "http": {
                "method": request.method,
                "path": request.raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route.route_key,
            "stage": "$default",
            "time": datetime.fromtimestamp(moment, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(moment * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if claims is not None:
        scope = claims.get("scope")
        event["requestContext"]["authorizer"] = {
            "jwt": {"claims": dict(claims), "scopes": scope.split() if route.scopes and scope else None}
        }
    if request.body:
        if _TEXT_TYPES.match(headers.get("content-type", "")) and _is_utf8(request.body):
            event["body"] = request.body.decode("utf-8")
        else:  # binary, or text that is not UTF-8: the function sees the bytes as they came
            event["body"] = base64.b64encode(request.body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def http_answer(result: Any) -> HttpAnswer:
    """API Gateway's reading of a payload 2.0 answer: a `statusCode` object, or else any JSON
    value as a 200 `application/json` body."""
    if not (isinstance(result, Mapping) and "statusCode" in result):
        return HttpAnswer(200, [("content-type", "application/json")], json.dumps(result).encode())
    headers = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), str(v)) for v in values)
    headers.extend(("set-cookie", str(c)) for c in result.get("cookies") or [])
    raw = result.get("body")
    if raw is None:
        body = b""
    elif result.get("isBase64Encoded"):
        body = base64.b64decode(str(raw))
    else:
        body = (raw if isinstance(raw, str) else json.dumps(raw)).encode()
    return HttpAnswer(int(result["statusCode"]), headers, body)


def error_answer(status: int, code: str, message: str, *, request_id: str, **extra: Any) -> HttpAnswer:
    """An answer the gateway itself gives, in the contract's error body."""
    error = {"code": code, "message": message, "request_id": request_id, **extra}
    return HttpAnswer(status, [("content-type", "application/json")], json.dumps({"error": error}).encode())


UNAUTHORIZED = HttpAnswer(401, [("content-type", "application/json")], b'{"message":"Unauthorized"}')


# ---------------------------------------------------------------- WSGI


LocalHandler = Callable[[Request], Response]


class Gateway:
    """The WSGI app: local pages under /_local/, the hosted portal pages, else the template's routes."""

    def __init__(
        self,
        routes: Sequence[Route],
        authorizers: Mapping[tuple[str, str], JwtAuthorizer],
        keys: JwksCache,
        invoke: Callable[[str, dict[str, Any]], Any],
        *,
        local_pages: Mapping[tuple[str, str], LocalHandler] | None = None,
        cors: Mapping[str, Cors] | None = None,
        site: Callable[[Request], Response | None] | None = None,
    ) -> None:
        self.routes = list(routes)
        self._cors = dict(cors or {})
        self._authorizers = authorizers
        self._keys = keys
        self._invoke = invoke
        self._local = dict(local_pages or {})
        self._site = site

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        request_id = str(uuid.uuid4())
        started = time.monotonic()
        if request.path.startswith(LOCAL_PREFIX):
            handler = self._local.get((request.method, request.path))
            local = handler(request) if handler else None
            if local is not None:
                return local(environ, start_response)
        page = self._site(request) if self._site else None
        if page is not None:  # the hosted portal pages, at the API's origin as CloudFront puts them
            return page(environ, start_response)
        answer, function_id = self.handle(request, request_id)
        log.info(
            "%s %s -> %d %s(%.0f ms)",
            request.method,
            request.full_path.rstrip("?"),
            answer.status,
            f"{function_id} " if function_id else "",
            (time.monotonic() - started) * 1000,
        )
        response = Response(answer.body, status=answer.status)
        response.headers.clear()
        for name, value in answer.headers:
            response.headers.add(name, value)
        response.headers["apigw-requestid"] = request_id
        return response(environ, start_response)

    def handle(self, request: Request, request_id: str) -> tuple[HttpAnswer, str | None]:
        preflight = self._preflight(request)
        if preflight is not None:
            return preflight, None
        answer, route = self._route(request, request_id)
        function_id = route.function_id if route is not None and answer is not UNAUTHORIZED else None
        origin = request.headers.get("Origin")
        cors = self._cors.get(route.api_id) if route else next(iter(self._cors.values()), None)
        if origin and cors:
            # API Gateway's CORS headers replace whatever the function set.
            kept = [(k, v) for k, v in answer.headers if not k.lower().startswith("access-control-")]
            answer = HttpAnswer(answer.status, kept + cors.headers(origin, preflight=False), answer.body)
        return answer, function_id

    def _preflight(self, request: Request) -> HttpAnswer | None:
        """API Gateway answers a CORS preflight itself when the API has a CorsConfiguration."""
        origin = request.headers.get("Origin")
        if request.method != "OPTIONS" or not origin or "Access-Control-Request-Method" not in request.headers:
            return None
        cors = next(iter(self._cors.values()), None)
        return HttpAnswer(204, cors.headers(origin, preflight=True), b"") if cors else None

    def _route(self, request: Request, request_id: str) -> tuple[HttpAnswer, Route | None]:
        raw_path = request.environ.get("RAW_URI", request.path).split("?", 1)[0] or request.path
        found = match_route(self.routes, request.method, raw_path)
        if found is None:
            message = f"no route for {request.method} {raw_path}"
            return error_answer(404, "not_found", message, request_id=request_id), None
        route, params = found
        claims: dict[str, str] | None = None
        if route.authorizer is not None:
            try:
                claims = self._authorize(route, request.headers.get("Authorization"))
            except Unauthorized as refusal:
                log.info("401 %s: %s", route.route_key, refusal)
                return UNAUTHORIZED, route
        incoming = IncomingRequest(
            method=request.method,
            raw_path=raw_path,
            raw_query=request.query_string.decode("latin-1"),
            headers=list(request.headers.items()),
            body=request.get_data(),
            source_ip=request.remote_addr or "127.0.0.1",
        )
        event = build_event(incoming, route, params, claims=claims, request_id=request_id)
        try:
            return http_answer(self._invoke(route.function_id, event)), route
        except FunctionFailed as failure:
            message = f"Internal Server Error: {route.function_id} failed ({failure}); request id {request_id}"
            return error_answer(500, "internal_error", message, request_id=request_id), route

    def _authorize(self, route: Route, header: str | None) -> dict[str, str]:
        authorizer = self._authorizers.get((route.api_id, route.authorizer or ""))
        if authorizer is None:
            raise Unauthorized(f"authorizer {route.authorizer} is not configured")
        token = bearer_token(header)
        claims = verify_jwt(token, self._keys.keys_for(authorizer.issuer), authorizer, required_scopes=route.scopes)
        return gateway_claims(claims)
