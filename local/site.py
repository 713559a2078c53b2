"""The hosted pages (`web/`), as CloudFront serves them when deployed: the same paths (a page is
an object without an extension), the same security headers (read from the template's
AWS::CloudFront::ResponseHeadersPolicy, so local and deployed cannot drift) and a config.json per
audience that tells its pages which user pool to sign in to. `scripts/deploy_pages.py` uploads
the same files under the same keys.

`web/` holds one folder per audience and the folder both share; each is served under a prefix:
the customers' pages at the root (their URLs predate the console, and `/portal/*` is the API's),
the staff console under `/staff/`, the shared modules, styles and vendored library under
`/common/`. A page is any `.html` file: `web/staff/account.html` is `/staff/account`, an
`index.html` is its folder (`/`, `/staff/`)."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from devkit.template import ROOT, Resolver, resources_of_type

WEB_ROOT = ROOT / "web"
# Folder under web/ -> the URL prefix it is served under.
AUDIENCES = {"portal": "/", "staff": "/staff/", "common": "/common/"}
# Which audience's user pool each config.json names.
CONFIG_PATHS = {"portal": "/config.json", "staff": "/staff/config.json"}
# Pages change with a deploy and must be re-read; assets are small and revalidated after 5 min.
PAGE_CACHE = "no-cache"
ASSET_CACHE = "public, max-age=300"


def _url_of(audience: str, relative: str) -> str:
    prefix = AUDIENCES[audience]
    if relative.endswith(".html"):
        relative = relative.removesuffix(".html")
        if relative == "index" or relative.endswith("/index"):
            relative = relative.removesuffix("index")
    return prefix + relative


def pages(root: Path = WEB_ROOT) -> dict[str, str]:
    """URL path of every page -> its file, relative to web/."""
    pages = {}
    for audience in AUDIENCES:
        for file in sorted((root / audience).rglob("*.html")):
            pages[_url_of(audience, file.relative_to(root / audience).as_posix())] = file.relative_to(root).as_posix()
    return pages


def object_key(path: str) -> str:
    """The bucket key a URL path is served from (CloudFront's DefaultRootObject for `/`)."""
    return path.lstrip("/") or "index.html"


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


def site_files(root: Path = WEB_ROOT) -> dict[str, Path]:
    """Object key -> file: every page under its path, every asset under its prefixed name."""
    files: dict[str, Path] = {}
    for audience in AUDIENCES:
        folder = root / audience
        for file in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if file.is_file() and not file.name.startswith("."):
                files[object_key(_url_of(audience, file.relative_to(folder).as_posix()))] = file
    return files


def page_keys(files: Mapping[str, Path]) -> set[str]:
    """Of `site_files`, the object keys that are pages (served with PAGE_CACHE)."""
    return {key for key, file in files.items() if file.suffix == ".html"}


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
    """GET/HEAD of a page, an asset or a config.json; None for anything else (the API's routes).

    `configs`: audience -> what its config.json says (see CONFIG_PATHS)."""

    def __init__(
        self, configs: Mapping[str, Mapping[str, Any]], headers: list[tuple[str, str]], root: Path = WEB_ROOT
    ) -> None:
        self._configs = {CONFIG_PATHS[audience]: json.dumps(config).encode() for audience, config in configs.items()}
        self._headers = headers
        self._files = site_files(root)
        self._pages = page_keys(self._files)

    def __call__(self, request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return None
        config = self._configs.get(request.path)
        if config is not None:
            return self._answer(config, "application/json", PAGE_CACHE)
        key = object_key(request.path)
        file = self._files.get(key)
        if file is None or not file.is_file():
            return None
        cache = PAGE_CACHE if key in self._pages else ASSET_CACHE
        return self._answer(file.read_bytes(), content_type(file.name), cache)

    def _answer(self, body: bytes, kind: str, cache: str) -> Response:
        response = Response(body, content_type=kind)
        response.headers["Cache-Control"] = cache
        for name, value in self._headers:
            response.headers[name] = value
        return response
