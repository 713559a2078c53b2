"""The HTTP API's edge over HTTP: authorizers, unknown routes, public routes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Api, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_an_unknown_route_answers_404_json(anonymous: Api) -> None:
    response = anonymous("GET", "/no/such/route")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert "message" in body or "error" in body


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic YWxpZW5hOnNlY3JldA=="])
def test_a_staff_route_without_a_valid_staff_token_answers_401(anonymous: Api, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    response = anonymous("GET", "/admin/accounts/49418", headers=headers)

    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}


def test_a_token_of_the_wrong_pool_is_refused(anonymous: Api, staff: Api, needs_route: Any) -> None:
    # The staff token is valid, but the portal routes trust only the portal pool.
    needs_route("GET /portal/me")

    response = staff("GET", "/portal/me")

    assert response.status_code == 401


def test_a_staff_token_reaches_the_staff_api(staff: Api, stack: dict[str, Any], cognito: Any) -> None:
    # Given a token from Cognito's USER_PASSWORD_AUTH for the staff app client
    token = sign_in(cognito, stack["staff_client_id"], stack["staff_username"], stack["staff_password"])

    # When it calls a staff route
    response = staff.as_user(token)("GET", "/admin/system-options/customer-portal")

    # Then the route answers with the options
    assert response.status_code == 200, response.text
    assert "enable_request_login_button" in response.json()


def test_a_public_route_needs_no_token(anonymous: Api, needs_route: Any) -> None:
    needs_route("GET /portal/login-config")

    response = anonymous("GET", "/portal/login-config")

    assert response.status_code == 200
    assert "request_login_enabled" in response.json()
