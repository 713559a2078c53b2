"""GET /portal/login-config: what the public login page shows, sanitised and cached (moto)."""

from __future__ import annotations

from devkit.events import load_event

FORBIDDEN = ("<script", "onerror", "onclick", "onload", "onmouseover", "javascript:", "<style", "<svg")


def _get(post):
    return post("login_config_request.json")


class TestLoginConfig:
    def test_shows_the_system_options_of_the_login_page(self, post, set_options):
        set_options()

        response = _get(post)

        assert response.status == 200
        assert response.body == {
            "request_login_enabled": True,
            "login_message_html": "<p>Welcome to the <strong>customer portal</strong></p>",
            "login_terms_html": "<p>Testing login terms</p>",
            "login_logo_url": "https://portal.example.com/logo.png",
            "payment_as_guest_enabled": True,
            "account_request_via_address_enabled": True,
        }
        assert response.headers["cache-control"] == "public, max-age=60"

    def test_before_any_options_are_saved_every_switch_is_off(self, post):
        response = _get(post)

        assert response.status == 200
        assert response.body["request_login_enabled"] is False
        assert response.body["account_request_via_address_enabled"] is False
        assert response.body["payment_as_guest_enabled"] is False
        assert response.body["login_logo_url"] is None

    def test_script_event_handlers_and_javascript_urls_never_come_back(self, post, set_options):
        set_options(
            login_message_html=(
                '<p onclick="steal()">Welcome<script>alert("x")</script>'
                '<img src="https://portal.example.com/a.png" onerror="alert(1)">'
                '<a href="javascript:alert(1)">pay</a> <a href="https://hauler.example.com/help">help</a></p>'
            ),
            login_terms_html=(
                '<div onmouseover="x()"><style>body{display:none}</style>Terms<svg onload="x()"></svg></div>'
            ),
        )

        body = _get(post).body

        for html in (body["login_message_html"], body["login_terms_html"]):
            lowered = html.lower()
            for forbidden in FORBIDDEN:
                assert forbidden not in lowered, html
        assert "Welcome" in body["login_message_html"]
        assert (
            '<a href="https://hauler.example.com/help" rel="noopener noreferrer">help</a>' in body["login_message_html"]
        )
        assert '<img src="https://portal.example.com/a.png">' in body["login_message_html"]
        assert body["login_terms_html"] == "<div>Terms</div>"

    def test_terms_are_empty_when_display_login_terms_is_off(self, post, set_options):
        set_options(display_login_terms=False)

        assert _get(post).body["login_terms_html"] == ""

    def test_views_within_the_cache_age_cost_no_dynamodb_read(self, post, public, set_options, count_calls):
        set_options()
        calls = count_calls(public.module.public.client)

        first = _get(post)
        set_options(enable_request_login_button=False)  # staff switch it off meanwhile
        later = [_get(post) for _ in range(5)]

        assert calls.of("dynamodb") == {"GetItem": 1}
        assert all(r.body == first.body for r in later)  # still the cached options...
        public.module.public.options.clear()  # ...until the cache age passes
        assert _get(post).body["request_login_enabled"] is False

    def test_no_authorizer_is_needed(self, public):
        event = load_event("login_config_request.json")
        assert "authorizer" not in event["requestContext"]

        assert public.invoke(event)["statusCode"] == 200
