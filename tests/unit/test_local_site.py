"""local/site.py: the pages under the paths CloudFront serves, with the template's headers."""

from __future__ import annotations

import re

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from devkit.template import Resolver, load_template, parameter_defaults
from local.site import WEB_ROOT, Site, pages, security_headers

CONFIG = {"user_pool_id": "us-east-1_abc", "client_id": "client", "cognito_endpoint": "/_local/cognito"}
CONFIGS = {"portal": CONFIG, "staff": {**CONFIG, "user_pool_id": "us-east-1_staff", "client_id": "staff-client"}}


def _get(site: Site, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes] | None:
    request = Request(EnvironBuilder(path=path, method=method).get_environ())
    answer = site(request)
    if answer is None:
        return None
    return answer.status_code, dict(answer.headers), answer.get_data()


def test_the_templates_headers_policy_is_strict_and_has_no_unsafe_inline() -> None:
    template = load_template()
    headers = dict(security_headers(template, Resolver(parameters=parameter_defaults(template))))
    policy = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    for directive in ("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "connect-src 'self' https://cognito-idp.us-east-1.amazonaws.com" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_every_page_path_is_served_as_html_with_the_headers() -> None:
    site = Site(CONFIGS, [("Content-Security-Policy", "default-src 'none'")])
    # the customers' pages keep their URLs; the console is under /staff/
    assert {"/", "/login", "/invitations/accept", "/staff/", "/staff/login"} <= set(pages())
    for path, name in pages().items():
        found = _get(site, path)
        assert found is not None, path
        status, headers, body = found
        assert status == 200
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["Cache-Control"] == "no-cache"
        assert headers["Content-Security-Policy"] == "default-src 'none'"
        assert body == (WEB_ROOT / name).read_bytes()


def test_no_page_carries_inline_script_or_style() -> None:
    for name in pages().values():
        html = (WEB_ROOT / name).read_text(encoding="utf-8")
        assert "<script>" not in html, name
        assert "<style" not in html, name
        assert " style=" not in html, name
        assert not re.search(r"\son[a-z]+=", html), name  # no onclick= and the like


def test_assets_and_config_are_served_and_anything_else_falls_through_to_the_api() -> None:
    site = Site(CONFIGS, [])
    found = _get(site, "/js/login.js")
    assert found is not None
    assert found[1]["Content-Type"] == "text/javascript; charset=utf-8"
    assert found[1]["Cache-Control"] == "public, max-age=300"
    config = _get(site, "/config.json")
    assert config is not None
    assert b'"client_id": "client"' in config[2]
    staff = _get(site, "/staff/config.json")
    assert staff is not None
    assert b'"client_id": "staff-client"' in staff[2]
    shared = _get(site, "/common/js/session.js")
    assert shared is not None
    assert shared[1]["Content-Type"] == "text/javascript; charset=utf-8"
    assert _get(site, "/portal/login-config") is None
    assert _get(site, "/js/../../template.yaml") is None
    assert _get(site, "/login", method="POST") is None
