"""docs/openapi.json is generated from the resolvers and must match the template's routes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devkit.routes import routes_of
from scripts.openapi import OPENAPI_PATH, render


@pytest.fixture(scope="module")
def generated() -> dict[str, Any]:
    return json.loads(render())


def test_committed_openapi_is_current(generated):
    committed = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    assert committed == generated, "docs/openapi.json is stale: run `make openapi` and commit it"


def test_every_template_route_is_documented_with_its_authorizer(generated, template):
    routes = routes_of(template)
    assert routes, "the template declares no HTTP routes"
    for route in routes:
        operation = generated["paths"].get(route.path, {}).get(route.method.lower())
        assert operation is not None, f"{route.route_key} is routed by the template but absent from the OpenAPI"
        expected: list[dict[str, list[str]]] = [] if route.authorizer is None else [{route.authorizer: []}]
        assert operation["security"] == expected, route.route_key


def test_every_documented_operation_is_routed_by_the_template(generated, template):
    routes = {(route.method, route.path) for route in routes_of(template)}
    for path, operations in generated["paths"].items():
        for method in operations:
            assert (method.upper(), path) in routes, f"{method.upper()} {path} has a handler but no template route"


def test_every_template_route_states_its_domain_errors(template):
    from scripts.openapi_errors import DOMAIN_ERRORS

    missing = [r.route_key for r in routes_of(template) if r.route_key not in DOMAIN_ERRORS]
    assert not missing, f"add these routes to scripts/openapi_errors.py DOMAIN_ERRORS: {missing}"


def test_errors_are_declared_with_the_error_body_and_204_has_none(generated):
    for path, operations in generated["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "422" in responses, f"{method} {path}"
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= set(responses), f"{method} {path}"
            for status, response in responses.items():
                if status.startswith("4") and status != "401":
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, f"{method} {path} {status}"
            assert "content" not in responses.get("204", {}), f"{method} {path}: a 204 has no body"
