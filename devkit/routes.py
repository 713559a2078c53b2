"""The HTTP API's routes as template.yaml declares them: every `Type: HttpApi` event of every
AWS::Serverless::Function with the authorizer guarding it, the APIs' JWT authorizers, and API
Gateway's way of matching a request to a route (most specific first). The local gateway, the
benchmarks, the OpenAPI document and the authorization tests all read the routes here."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from devkit.template import Resolver, function_events, resources_of_type

IMPLICIT_API = "ServerlessHttpApi"  # SAM's API for HttpApi events that name no ApiId

log = logging.getLogger("devkit.routes")


@dataclass(frozen=True)
class JwtAuthorizer:
    name: str
    issuer: str
    audience: tuple[str, ...]


@dataclass(frozen=True)
class Route:
    api_id: str
    method: str  # an HTTP method or ANY
    path: str  # "/admin/contacts/{contact_id}", "/files/{proxy+}" or "$default"
    function_id: str
    authorizer: str | None  # None: public (NONE, or no default authorizer)
    scopes: tuple[str, ...] = ()

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"

    @property
    def _segments(self) -> list[str]:
        return [s for s in self.path.split("/") if s]

    def specificity(self) -> tuple[int, int, int, int]:
        """Sort key: literal paths before parameters, parameters before greedy, ANY last."""
        segments = self._segments
        greedy = any(s.endswith("+}") for s in segments)
        literals = sum(1 for s in segments if not s.startswith("{"))
        return (self.path == "$default", greedy, -literals, self.method == "ANY")

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in ("ANY", method):
            return None
        if self.path == "$default":
            return {}
        pattern = ""
        for segment in self._segments:
            if segment.startswith("{") and segment.endswith("+}"):
                pattern += f"/(?P<{_group(segment[1:-2])}>.+)"
            elif segment.startswith("{") and segment.endswith("}"):
                pattern += f"/(?P<{_group(segment[1:-1])}>[^/]+)"
            else:
                pattern += "/" + re.escape(segment)
        found = re.fullmatch(pattern or "/", path)
        if found is None:
            return None
        names = [s.strip("{}+") for s in self._segments if s.startswith("{")]
        return {name: found.group(_group(name)) for name in names}


def _group(name: str) -> str:
    return "p_" + re.sub(r"\W", "_", name)


def routes_of(template: Mapping[str, Any]) -> list[Route]:
    """Every HttpApi event of every function, most specific first."""
    apis = resources_of_type(template, "AWS::Serverless::HttpApi")
    routes = []
    for event in function_events(template, "HttpApi"):
        properties = event.properties
        api_ref = properties.get("ApiId")
        api_id = api_ref["Ref"] if isinstance(api_ref, dict) and "Ref" in api_ref else IMPLICIT_API
        api_auth = (apis.get(api_id, {}).get("Properties") or {}).get("Auth") or {}
        route_auth = properties.get("Auth") or {}
        authorizer = route_auth.get("Authorizer", api_auth.get("DefaultAuthorizer"))
        method = str(properties.get("Method", "ANY")).upper()
        routes.append(
            Route(
                api_id=api_id,
                method="ANY" if method in ("ANY", "X-AMAZON-APIGATEWAY-ANY-METHOD") else method,
                path=str(properties.get("Path", "$default")),
                function_id=event.function_id,
                authorizer=None if authorizer in (None, "NONE") else str(authorizer),
                scopes=tuple(route_auth.get("AuthorizationScopes") or ()),
            )
        )
    return sorted(routes, key=Route.specificity)


def authorizers_of(template: Mapping[str, Any], resolver: Resolver) -> dict[tuple[str, str], JwtAuthorizer]:
    """(api logical id, authorizer name) -> its resolved JWT configuration."""
    found = {}
    for api_id, resource in resources_of_type(template, "AWS::Serverless::HttpApi").items():
        auth = (resource.get("Properties") or {}).get("Auth") or {}
        for name, config in (auth.get("Authorizers") or {}).items():
            jwt_config = resolver.resolve(config.get("JwtConfiguration") or {})
            if not jwt_config:
                log.warning("authorizer %s.%s is not a JWT authorizer: not emulated, routes refuse", api_id, name)
                continue
            found[(api_id, name)] = JwtAuthorizer(
                name=name, issuer=str(jwt_config["issuer"]), audience=tuple(jwt_config.get("audience") or ())
            )
    return found


def match_route(routes: Sequence[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in routes:
        params = route.match(method, path)
        if params is not None:
            return route, params
    return None


def http_functions(template: Mapping[str, Any]) -> list[str]:
    """The logical ids of the functions behind the HTTP API."""
    return sorted({route.function_id for route in routes_of(template)})
