"""docs/openapi.json is generated from the resolvers and must match the template's routes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scripts.openapi import OPENAPI_PATH, render, route_authorizers


@pytest.fixture(scope="module")
def generated() -> dict[str, Any]:
    return json.loads(render())


def test_committed_openapi_is_current(generated):
    committed = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    assert committed == generated, "docs/openapi.json is stale: run `make openapi` and commit it"


def test_every_template_route_is_documented_with_its_authorizer(generated, template):
    routes = route_authorizers(template)
    assert routes, "the template declares no HTTP routes"
    for (method, path), authorizer in routes.items():
        operation = generated["paths"].get(path, {}).get(method.lower())
        assert operation is not None, f"{method} {path} is routed by the template but absent from the OpenAPI"
        expected: list[dict[str, list[str]]] = [] if authorizer == "NONE" else [{authorizer: []}]
        assert operation["security"] == expected, f"{method} {path}"


def test_every_documented_operation_is_routed_by_the_template(generated, template):
    routes = set(route_authorizers(template))
    for path, operations in generated["paths"].items():
        for method in operations:
            assert (method.upper(), path) in routes, f"{method.upper()} {path} has a handler but no template route"


def test_every_template_route_states_its_domain_errors(template):
    from scripts.openapi_errors import DOMAIN_ERRORS

    missing = [f"{m} {p}" for m, p in route_authorizers(template) if f"{m} {p}" not in DOMAIN_ERRORS]
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
