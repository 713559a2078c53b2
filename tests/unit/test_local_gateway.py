"""The local stack's HTTP API: routes from template.yaml, route matching, the payload 2.0 event,
JWT authorizers as API Gateway enforces them, and error answers. No AWS: the functions are
fakes and the tokens are signed with a key made here."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.test import Client

from devkit.routes import JwtAuthorizer, Route, authorizers_of, match_route, routes_of
from devkit.template import Resolver
from local.authorizer import JwksCache, Unauthorized, bearer_token, gateway_claims, verify_jwt
from local.gateway import Cors, Gateway, IncomingRequest, build_event, cors_of, http_answer
from local.runtime import InvocationError

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_staff"
AUTHORIZER = JwtAuthorizer(name="StaffAuthorizer", issuer=ISSUER, audience=("staff-client",))
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
KEYS = KeySet([KEY])


def token(key: RSAKey = KEY, **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "staff-sub",
        "client_id": "staff-client",
        "token_use": "access",
        "username": "aliena.somers",
        "scope": "aws.cognito.signin.user.admin",
        "iat": now,
        "exp": now + 3600,
        **overrides,
    }
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


# ---------------------------------------------------------------- authorizer


def test_a_valid_access_token_passes_with_its_claims():
    claims = verify_jwt(token(), KEYS, AUTHORIZER)

    assert claims["username"] == "aliena.somers"


def test_an_id_token_passes_on_its_audience():
    assert verify_jwt(token(client_id=None, aud="staff-client", token_use="id"), KEYS, AUTHORIZER)["aud"]


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda: token(key=OTHER_KEY), "signed by another key"),
        (lambda: token(iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_portal"), "another pool"),
        (lambda: token(client_id="portal-client"), "another app client"),
        (lambda: token(exp=int(time.time()) - 5), "expired"),
        (lambda: token(exp=None), "no expiry"),
        (lambda: token(nbf=int(time.time()) + 600), "not yet valid"),
        (lambda: "not-a-jwt", "garbage"),
        (lambda: token()[:-4] + "AAAA", "tampered signature"),
    ],
)
def test_tokens_api_gateway_would_refuse_are_refused(make, why):
    with pytest.raises(Unauthorized):
        verify_jwt(make(), KEYS, AUTHORIZER)


def test_a_symmetric_token_is_refused_even_with_the_right_claims():
    from joserfc.jwk import OctKey

    forged = jwt.encode(
        {"alg": "HS256"}, {"iss": ISSUER, "client_id": "staff-client", "exp": 2**40}, OctKey.import_key("s" * 32)
    )

    with pytest.raises(Unauthorized):
        verify_jwt(forged, KEYS, AUTHORIZER)


def test_route_scopes_are_required_when_the_route_names_some():
    with pytest.raises(Unauthorized):
        verify_jwt(token(), KEYS, AUTHORIZER, required_scopes=["portal/admin"])
    assert verify_jwt(token(scope="openid portal/admin"), KEYS, AUTHORIZER, required_scopes=["portal/admin"])


def test_bearer_header_forms():
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer   abc ") == "abc"
    assert bearer_token("abc") == "abc"
    for header in (None, "", "Bearer ", "   "):
        with pytest.raises(Unauthorized):
            bearer_token(header)


def test_claims_reach_the_function_as_strings_like_api_gateway_sends_them():
    assert gateway_claims({"exp": 1700000000, "cognito:groups": ["a", "b"], "email_verified": True}) == {
        "exp": "1700000000",
        "cognito:groups": "[a b]",
        "email_verified": "true",
    }


def test_keys_are_fetched_once_per_issuer_from_moto_for_a_cognito_issuer():
    fetched: list[str] = []

    def fetch(url: str) -> Any:
        fetched.append(url)
        return KEYS.as_dict(private=False)

    cache = JwksCache(fetch=fetch, cognito_endpoint="http://127.0.0.1:5000")
    cache.keys_for(ISSUER)
    cache.keys_for(ISSUER)

    assert fetched == ["http://127.0.0.1:5000/us-east-1_staff/.well-known/jwks.json"]


# ---------------------------------------------------------------- routes from the template


def test_every_httpapi_event_of_the_template_is_a_route_with_its_authorizer(template):
    routes = {r.route_key: r for r in routes_of(template)}

    assert routes["POST /admin/accounts/{account_id}/contacts"].function_id == "ContactsFunction"
    assert routes["POST /admin/accounts/{account_id}/contacts"].authorizer == "StaffAuthorizer"  # the default
    assert routes["POST /portal/invitations/accept"].authorizer is None  # Auth.Authorizer: NONE
    expected = sum(
        1
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
        for event in (resource["Properties"].get("Events") or {}).values()
        if event["Type"] == "HttpApi"
    )
    assert len(routes) == expected


def test_the_templates_authorizers_resolve_to_the_local_pools(template):
    resolver = Resolver(parameters={}, physical={"StaffUserPool": "us-east-1_s", "StaffUserPoolClient": "sc"})
    resolver.physical |= {"PortalUserPool": "us-east-1_p", "PortalUserPoolClient": "pc"}

    found = authorizers_of(template, resolver)

    assert found[("HttpApi", "StaffAuthorizer")] == JwtAuthorizer(
        "StaffAuthorizer", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_s", ("sc",)
    )
    assert found[("HttpApi", "PortalAuthorizer")].audience == ("pc",)


def test_the_most_specific_route_wins():
    routes = sorted(
        [
            Route("api", "GET", "/admin/contacts/{contact_id}", "ById", None),
            Route("api", "GET", "/admin/contacts/{contact_id}/activity", "Activity", None),
            Route("api", "GET", "/admin/contacts/export", "Export", None),
            Route("api", "ANY", "/admin/{proxy+}", "Greedy", None),
            Route("api", "ANY", "$default", "Default", None),
        ],
        key=Route.specificity,
    )

    def target(method: str, path: str) -> tuple[str, dict[str, str]] | None:
        found = match_route(routes, method, path)
        return (found[0].function_id, found[1]) if found else None

    assert target("GET", "/admin/contacts/export") == ("Export", {})
    assert target("GET", "/admin/contacts/c-1") == ("ById", {"contact_id": "c-1"})
    assert target("GET", "/admin/contacts/c-1/activity") == ("Activity", {"contact_id": "c-1"})
    assert target("DELETE", "/admin/contacts/c-1") == ("Greedy", {"proxy": "contacts/c-1"})
    assert target("GET", "/elsewhere") == ("Default", {})
    assert match_route(routes[:3], "GET", "/admin/contacts/c-1/other") is None


# ---------------------------------------------------------------- payload 2.0


ROUTE = Route("api", "GET", "/admin/email-templates/{name}", "ContactsFunction", "StaffAuthorizer")


def test_the_event_has_api_gateways_payload_format_2_0():
    request = IncomingRequest(
        method="GET",
        raw_path="/admin/email-templates/Portal%20Invite",
        raw_query="search=mill&search=farm&empty=",
        headers=[("Host", "127.0.0.1:3000"), ("X-Trace", "a"), ("x-trace", "b"), ("Cookie", "a=1; b=2")],
        body=b"",
        source_ip="127.0.0.1",
    )

    event = build_event(
        request, ROUTE, {"name": "Portal%20Invite"}, claims={"sub": "s"}, request_id="r-1", now=1795530600.0
    )

    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /admin/email-templates/{name}"
    assert event["rawPath"] == "/admin/email-templates/Portal%20Invite"
    assert event["rawQueryString"] == "search=mill&search=farm&empty="
    assert event["queryStringParameters"] == {"search": "mill,farm", "empty": ""}
    assert event["pathParameters"] == {"name": "Portal%20Invite"}
    assert event["headers"] == {"host": "127.0.0.1:3000", "x-trace": "a,b"}
    assert event["cookies"] == ["a=1", "b=2"]
    context = event["requestContext"]
    assert context["http"] == {
        "method": "GET",
        "path": "/admin/email-templates/Portal%20Invite",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "",
    }
    assert (context["requestId"], context["stage"], context["routeKey"]) == ("r-1", "$default", event["routeKey"])
    assert context["authorizer"] == {"jwt": {"claims": {"sub": "s"}, "scopes": None}}
    assert context["timeEpoch"] == 1795530600000
    assert "body" not in event
    assert event["isBase64Encoded"] is False


def test_a_json_body_is_text_and_a_binary_body_is_base64():
    def body_of(content_type: str, body: bytes) -> tuple[Any, Any]:
        request = IncomingRequest("POST", "/x", "", [("content-type", content_type)], body, "127.0.0.1")
        event = build_event(request, ROUTE, {}, claims=None, request_id="r")
        return event["body"], event["isBase64Encoded"]

    assert body_of("application/json", b'{"a": 1}') == ('{"a": 1}', False)
    assert body_of("image/png", b"\x89PNG") == (base64.b64encode(b"\x89PNG").decode(), True)


def test_answers_are_read_as_api_gateway_reads_them():
    answer = http_answer(
        {"statusCode": 201, "headers": {"Content-Type": "application/json"}, "body": '{"ok":true}', "cookies": ["s=1"]}
    )
    assert (answer.status, answer.body) == (201, b'{"ok":true}')
    assert ("set-cookie", "s=1") in answer.headers

    binary = http_answer({"statusCode": 200, "body": base64.b64encode(b"\x00\x01").decode(), "isBase64Encoded": True})
    assert binary.body == b"\x00\x01"

    inferred = http_answer({"hello": "world"})  # no statusCode: the whole answer is a JSON body
    assert (inferred.status, json.loads(inferred.body)) == (200, {"hello": "world"})


# ---------------------------------------------------------------- the WSGI gateway


class FakeFunctions:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def invoke(self, function_id: str, event: dict[str, Any]) -> Any:
        self.events.append(event)
        if event["rawPath"] == "/boom":
            raise InvocationError("RuntimeError: boom")
        return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(function_id)}


@pytest.fixture
def gateway() -> tuple[Client, FakeFunctions]:
    functions = FakeFunctions()
    routes = [
        Route("api", "GET", "/admin/things/{thing_id}", "Staff", "StaffAuthorizer"),
        Route("api", "GET", "/public", "Public", None),
        Route("api", "GET", "/boom", "Boom", None),
    ]
    app = Gateway(
        routes,
        {("api", "StaffAuthorizer"): AUTHORIZER},
        JwksCache(fetch=lambda _url: KEYS.as_dict(private=False)),
        functions.invoke,
    )
    return Client(app), functions


def test_a_staff_route_with_a_valid_token_reaches_the_function_with_verified_claims(gateway):
    client, functions = gateway

    response = client.get("/admin/things/t-1", headers={"Authorization": f"Bearer {token()}"})

    assert (response.status_code, response.json) == (200, "Staff")
    claims = functions.events[0]["requestContext"]["authorizer"]["jwt"]["claims"]
    assert claims["username"] == "aliena.somers"
    assert functions.events[0]["pathParameters"] == {"thing_id": "t-1"}
    assert response.headers["apigw-requestid"] == functions.events[0]["requestContext"]["requestId"]


@pytest.mark.parametrize("header", [None, "Bearer nope", f"Bearer {token(key=OTHER_KEY)}"])
def test_a_refused_token_answers_401_before_any_function_runs(gateway, header):
    client, functions = gateway

    response = client.get("/admin/things/t-1", headers={"Authorization": header} if header else {})

    assert (response.status_code, response.json) == (401, {"message": "Unauthorized"})
    assert functions.events == []


def test_an_unknown_route_answers_404_in_the_contracts_error_body(gateway):
    client, _ = gateway

    for method, path in [("GET", "/nowhere"), ("POST", "/public")]:
        response = client.open(path, method=method)
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"
        assert path in response.json["error"]["message"]


def test_a_function_that_raises_answers_500_with_a_request_id_and_the_gateway_keeps_serving(gateway):
    client, _ = gateway

    failed = client.get("/boom")
    after = client.get("/public")

    assert failed.status_code == 500
    assert failed.json["error"]["code"] == "internal_error"
    assert failed.json["error"]["request_id"] == failed.headers["apigw-requestid"]
    assert (after.status_code, after.json) == (200, "Public")


# ---------------------------------------------------------------- CORS


def test_the_templates_cors_configuration_is_read_with_the_portal_origin(template):
    cors = cors_of(template, Resolver(parameters={"PortalOrigin": "http://localhost:5173"}))["HttpApi"]

    assert cors.allow_origins == ("http://localhost:5173",)
    assert "If-Match" in cors.allow_headers
    assert cors.expose_headers == ("ETag",)


@pytest.fixture
def cors_gateway() -> Client:
    def invoke(_function_id: str, _event: dict[str, Any]) -> Any:
        return {"statusCode": 200, "headers": {"access-control-allow-origin": "*"}, "body": "{}"}

    cors = Cors(
        allow_origins=("https://portal.example.com",),
        allow_methods=("GET", "POST"),
        allow_headers=("Authorization", "Content-Type"),
        expose_headers=("ETag",),
        max_age=600,
    )
    app = Gateway(
        [Route("api", "GET", "/public", "Public", None)],
        {},
        JwksCache(fetch=lambda _url: {}),
        invoke,
        cors={"api": cors},
    )
    return Client(app)


def test_a_preflight_is_answered_by_the_gateway_for_an_allowed_origin(cors_gateway):
    headers = {"Origin": "https://portal.example.com", "Access-Control-Request-Method": "POST"}

    allowed = cors_gateway.options("/admin/contacts/c-1", headers=headers)
    refused = cors_gateway.options("/public", headers={**headers, "Origin": "https://evil.example"})

    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example.com"
    assert allowed.headers["access-control-allow-methods"] == "GET,POST"
    assert allowed.headers["access-control-allow-headers"] == "authorization,content-type"
    assert allowed.headers["access-control-max-age"] == "600"
    assert refused.status_code == 204
    assert "access-control-allow-origin" not in refused.headers


def test_answers_carry_the_apis_cors_headers_not_the_functions(cors_gateway):
    allowed = cors_gateway.get("/public", headers={"Origin": "https://portal.example.com"})
    other = cors_gateway.get("/public", headers={"Origin": "https://evil.example"})

    assert allowed.headers["access-control-allow-origin"] == "https://portal.example.com"
    assert allowed.headers["access-control-expose-headers"] == "ETag"
    assert "access-control-allow-origin" not in other.headers  # the function's "*" is dropped
