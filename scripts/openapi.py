"""The OpenAPI document of the whole HTTP API, merged from every HTTP function's resolver.

`make openapi` writes docs/openapi.json; a test fails when the committed file is stale.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from devkit.functions import import_function_module
from devkit.routes import http_functions, routes_of
from devkit.template import function_spec, load_template, placeholder_resolver
from scripts.openapi_errors import add_error_responses

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
TITLE = "Portal access service"
VERSION = "1.0.0"


def build_document() -> dict[str, Any]:
    """Import each HTTP function as a cold start would (made-up names, no AWS call) and merge."""
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    template = load_template()
    resolver = placeholder_resolver(template, "openapi")
    document: dict[str, Any] = {}
    for logical_id in http_functions(template):
        spec = function_spec(template, logical_id, resolver)
        module = import_function_module(spec, module_prefix="openapi_")
        part = json.loads(module.app.get_openapi_json_schema(title=TITLE, version=VERSION))
        if not document:
            document = part
            continue
        document["paths"].update(part.get("paths", {}))
        schemas = part.get("components", {}).get("schemas", {})
        document.setdefault("components", {}).setdefault("schemas", {}).update(schemas)
    _add_security(document, template)
    add_error_responses(document)
    document["paths"] = dict(sorted(document["paths"].items()))
    document.setdefault("components", {})["schemas"] = dict(sorted(document["components"].get("schemas", {}).items()))
    return document


SECURITY_SCHEMES = {
    "StaffAuthorizer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "Cognito access token of the staff user pool",
    },
    "PortalAuthorizer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "Cognito access token of the portal user pool",
    },
}


def _add_security(document: dict[str, Any], template: dict[str, Any]) -> None:
    """Each operation names the JWT authorizer the template puts in front of it."""
    document.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    for route in routes_of(template):
        operation = document["paths"].get(route.path, {}).get(route.method.lower())
        if operation is not None:
            operation["security"] = [] if route.authorizer is None else [{route.authorizer: []}]


def render() -> str:
    return json.dumps(build_document(), indent=2, sort_keys=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help=f"write {OPENAPI_PATH}")
    args = parser.parse_args()
    text = render()
    if args.write:
        OPENAPI_PATH.write_text(text, encoding="utf-8")
        print(f"wrote {OPENAPI_PATH}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
