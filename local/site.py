"""The hosted portal pages (`portal/`), as CloudFront serves them when deployed: the same paths
(a page path is an object without an extension), the same security headers (read from the
template's AWS::CloudFront::ResponseHeadersPolicy, so local and deployed cannot drift) and a
`/config.json` that tells the pages which user pool to sign in to. `scripts/deploy_pages.py`
uploads the same files under the same keys."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from devkit.template import ROOT, Resolver, resources_of_type

PORTAL_ROOT = ROOT / "portal"
# URL path -> file under portal/ (the object key deployed is the path without its leading /).
PAGES = {
    "/": "index.html",
    "/login": "login.html",
    "/request-login": "request-login.html",
    "/request-access": "request-access.html",
    "/forgot-password": "forgot-password.html",
    "/invitations/accept": "invitations/accept.html",
}
ASSET_FOLDERS = ("css", "js", "vendor", "img")
CONFIG_PATH = "/config.json"
# Pages change with a deploy and must be re-read; assets are small and revalidated after 5 min.
PAGE_CACHE = "no-cache"
ASSET_CACHE = "public, max-age=300"


def content_type(name: str) -> str:
    if name.endswith((".html", ".htm")):
        return "text/html; charset=utf-8"
    if name.endswith((".js", ".mjs")):
        return "text/javascript; charset=utf-8"
    if name.endswith(".css"):
        return "text/css; charset=utf-8"
    if name.endswith(".json"):
        return "application/json"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def site_files(root: Path = PORTAL_ROOT) -> dict[str, Path]:
    """Object key -> file: every page under its path, every asset under its own name."""
    files = {path.lstrip("/") or "index.html": root / name for path, name in PAGES.items()}
    for folder in ASSET_FOLDERS:
        for file in sorted((root / folder).rglob("*")) if (root / folder).is_dir() else []:
            if file.is_file():
                files[file.relative_to(root).as_posix()] = file
    return files


def page_config(
    *, region: str, user_pool_id: str, client_id: str, cognito_endpoint: str, password_policy: Mapping[str, Any]
) -> dict[str, Any]:
    """What /config.json tells the pages: where to sign in, and the policy to show before a
    password is chosen (the browser cannot read the pool's own settings)."""
    policy = {
        "minimum_length": int(password_policy.get("MinimumLength", 8)),
        "require_lowercase": str(password_policy.get("RequireLowercase", False)).lower() == "true",
        "require_uppercase": str(password_policy.get("RequireUppercase", False)).lower() == "true",
        "require_numbers": str(password_policy.get("RequireNumbers", False)).lower() == "true",
        "require_symbols": str(password_policy.get("RequireSymbols", False)).lower() == "true",
    }
    return {
        "region": region,
        "user_pool_id": user_pool_id,
        "client_id": client_id,
        "cognito_endpoint": cognito_endpoint,
        "password_policy": policy,
    }


def security_headers(template: Mapping[str, Any], resolver: Resolver) -> list[tuple[str, str]]:
    """The headers of the template's response headers policy, as CloudFront adds them."""
    headers: list[tuple[str, str]] = []
    for resource in resources_of_type(template, "AWS::CloudFront::ResponseHeadersPolicy").values():
        config = resolver.resolve(resource["Properties"]["ResponseHeadersPolicyConfig"])
        security = config.get("SecurityHeadersConfig") or {}
        if "ContentSecurityPolicy" in security:
            headers.append(("Content-Security-Policy", security["ContentSecurityPolicy"]["ContentSecurityPolicy"]))
        if "ContentTypeOptions" in security:
            headers.append(("X-Content-Type-Options", "nosniff"))
        if "FrameOptions" in security:
            headers.append(("X-Frame-Options", security["FrameOptions"]["FrameOption"]))
        if "ReferrerPolicy" in security:
            headers.append(("Referrer-Policy", security["ReferrerPolicy"]["ReferrerPolicy"]))
        hsts = security.get("StrictTransportSecurity")
        if hsts:
            value = f"max-age={hsts['AccessControlMaxAgeSec']}"
            value += "; includeSubDomains" if str(hsts.get("IncludeSubdomains")).lower() == "true" else ""
            value += "; preload" if str(hsts.get("Preload")).lower() == "true" else ""
            headers.append(("Strict-Transport-Security", value))
        for item in (config.get("CustomHeadersConfig") or {}).get("Items", []):
            headers.append((item["Header"], item["Value"]))
    return headers


class Site:
    """GET/HEAD of a page, an asset or /config.json; None for anything else (the API's routes)."""

    def __init__(self, config: Mapping[str, Any], headers: list[tuple[str, str]], root: Path = PORTAL_ROOT) -> None:
        self._config = json.dumps(config)
        self._headers = headers
        self._files = site_files(root)

    def __call__(self, request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return None
        if request.path == CONFIG_PATH:
            return self._answer(self._config.encode(), "application/json", PAGE_CACHE)
        key = request.path.lstrip("/") or "index.html"
        file = self._files.get(key)
        if file is None or not file.is_file():
            return None
        cache = PAGE_CACHE if ("/" + key in PAGES or key == "index.html") else ASSET_CACHE
        return self._answer(file.read_bytes(), content_type(file.name), cache)

    def _answer(self, body: bytes, kind: str, cache: str) -> Response:
        response = Response(body, content_type=kind)
        response.headers["Cache-Control"] = cache
        for name, value in self._headers:
            response.headers[name] = value
        return response
