"""Events come from events/ (the same samples a developer invokes by hand), never pasted inline."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any
from urllib.parse import urlencode

from devkit.routes import match_route, routes_of
from devkit.template import ROOT, load_template

EVENTS_DIR = ROOT / "events"


@cache
def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS_DIR / name).read_text(encoding="utf-8"))
    return loaded


def _sample_client_id(name: str) -> str:
    client_id: str = _load(name)["requestContext"]["authorizer"]["jwt"]["claims"]["client_id"]
    return client_id


# The app clients the sample events' tokens come from; tests/conftest.py's `stack` gives the
# template's clients these ids, so the samples pass the handlers' client check as they are.
STAFF_CLIENT_ID = _sample_client_id("http_api_request.json")
PORTAL_CLIENT_ID = _sample_client_id("portal_me_request.json")

# What the staff authorizer verified for a signed-in staff member.
STAFF_CLAIMS: dict[str, Any] = {
    "sub": "staff-sub-1",
    "username": "aliena.somers",
    "token_use": "access",
    "client_id": STAFF_CLIENT_ID,
    "cognito:groups": "[portal-admins]",  # an array claim, as the HTTP API's JWT authorizer passes it
}


@cache
def _template_routes() -> list[Any]:
    return routes_of(load_template())


def route_key_of(method: str, path: str) -> str:
    """The route key API Gateway puts in the event ("GET /admin/contacts/{contact_id}"): the
    template's route the request matches, as the gateway picks it; the request itself for none."""
    matched = match_route(_template_routes(), method, path)
    return matched[0].route_key if matched else f"{method} {path}"


def load_event(name: str) -> dict[str, Any]:
    """A fresh copy of events/<name>, safe to modify."""
    return copy.deepcopy(_load(name))


def http_event(
    method: str,
    path: str,
    *,
    body: Any = None,
    raw_body: str | None = None,
    claims: dict[str, Any] | None = STAFF_CLAIMS,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    source_ip: str = "203.0.113.10",
    path_parameters: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The API Gateway HTTP API (payload 2.0) sample event, pointed at another route."""
    event = load_event("http_api_request.json")
    event["routeKey"] = route_key_of(method, path)
    event["rawPath"] = path
    event["requestContext"]["http"].update(method=method, path=path, sourceIp=source_ip)
    event["requestContext"]["routeKey"] = event["routeKey"]
    event["pathParameters"] = dict(path_parameters or {})  # as the gateway gives them: percent-encoded
    event["headers"] = {"content-type": "application/json", **{k.lower(): v for k, v in (headers or {}).items()}}
    event["rawQueryString"] = urlencode(query or {})
    event["queryStringParameters"] = dict(query) if query else None
    if claims is None:
        event["requestContext"].pop("authorizer", None)
    else:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": dict(claims), "scopes": None}}
    if raw_body is not None:
        event["body"] = raw_body
    elif body is not None:
        event["body"] = json.dumps(body)
    else:
        event.pop("body", None)
    return event
