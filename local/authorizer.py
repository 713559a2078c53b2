"""HTTP API JWT authorizers as API Gateway enforces them: the Bearer token's signature against
the issuer's JWKS (RS256), `iss`, audience (`aud`, or `client_id` for Cognito access tokens),
expiry and not-before, and the route's scopes. Verified claims are handed to the function the
way API Gateway does: every value a string."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from devkit.routes import JwtAuthorizer

_COGNITO_ISSUER = re.compile(r"^https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/(?P<pool>[^/]+)$")


class Unauthorized(Exception):
    """API Gateway answers 401 {"message": "Unauthorized"} before the function runs."""


def bearer_token(header: str | None) -> str:
    """The token of an `Authorization` header (API Gateway accepts it with or without `Bearer`)."""
    if not header or not header.strip():
        raise Unauthorized("no Authorization header")
    scheme, _, rest = header.strip().partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else header.strip()
    if not token:
        raise Unauthorized("empty bearer token")
    return token


def verify_jwt(
    token: str,
    keys: KeySet,
    authorizer: JwtAuthorizer,
    *,
    now: int | None = None,
    required_scopes: Sequence[str] = (),
) -> dict[str, Any]:
    """The token's claims when API Gateway would let it through; `Unauthorized` otherwise."""
    try:
        decoded = jwt.decode(token, keys, algorithms=["RS256"])
        registry = jwt.JWTClaimsRegistry(
            now=now if now is not None else int(time.time()),
            iss={"essential": True, "value": authorizer.issuer},
            exp={"essential": True},
        )
        registry.validate(decoded.claims)
    except (JoseError, ValueError) as error:
        raise Unauthorized(f"{type(error).__name__}: {error}") from error
    claims = dict(decoded.claims)
    audiences = claims.get("aud") if "aud" in claims else claims.get("client_id")
    presented = audiences if isinstance(audiences, list) else [audiences]
    if not any(a in authorizer.audience for a in presented if isinstance(a, str)):
        raise Unauthorized("audience / client_id not accepted by this authorizer")
    if required_scopes:
        granted = str(claims.get("scope", "")).split()
        if not set(required_scopes) & set(granted):
            raise Unauthorized("token lacks the route's scopes")
    return claims


def gateway_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """Claims as the HTTP API puts them in `requestContext.authorizer.jwt.claims`: strings, with
    arrays as `[a b]`."""

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return "[" + " ".join(text(v) for v in value) + "]"
        if isinstance(value, dict):
            return json.dumps(value)
        return str(value)

    return {name: text(value) for name, value in claims.items()}


def jwks_url(issuer: str, cognito_endpoint: str | None) -> str:
    """Where the issuer's keys are: moto serves a Cognito pool's at {endpoint}/{pool}/.well-known/jwks.json."""
    match = _COGNITO_ISSUER.match(issuer)
    if match and cognito_endpoint:
        return f"{cognito_endpoint.rstrip('/')}/{match['pool']}/.well-known/jwks.json"
    return f"{issuer.rstrip('/')}/.well-known/jwks.json"


class JwksCache:
    """Each issuer's key set, fetched once (API Gateway caches them too)."""

    def __init__(self, fetch: Callable[[str], Mapping[str, Any]] | None = None, cognito_endpoint: str | None = None):
        self._fetch = fetch or _fetch_json
        self._endpoint = cognito_endpoint
        self._keys: dict[str, KeySet] = {}
        self._lock = threading.Lock()

    def keys_for(self, issuer: str) -> KeySet:
        with self._lock:
            if issuer not in self._keys:
                try:
                    self._keys[issuer] = KeySet.import_key_set(dict(self._fetch(jwks_url(issuer, self._endpoint))))  # type: ignore[arg-type]
                except (requests.RequestException, ValueError, JoseError) as error:
                    raise Unauthorized(f"cannot read the issuer's keys: {error}") from error
            return self._keys[issuer]


def _fetch_json(url: str) -> Mapping[str, Any]:
    response = requests.get(url, timeout=5)
    response.raise_for_status()
    loaded: Mapping[str, Any] = response.json()
    return loaded
