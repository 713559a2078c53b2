"""The error answers of docs/openapi.json: every status a route can answer, with the error body.

Powertools documents a route's success and a 422 with its own validation schema; our answers
are the contract's `{"error": {...}}` and more statuses. Two sources, applied to the merged
document:

- by the operation's shape, what the resolver and the gateway answer on every route of that
  shape: a JSON body -> 400, 413, 415 (api/input_guard.py) and 422; a path key -> 404 (blank or
  not found); a JWT authorizer (or the accept route's own bearer check) -> 401; a staff route
  (`/admin/...`) -> 403 `forbidden` for a staff role that may not use it, with the roles that may
  in `x-staff-roles` (`portal_access/api/staff_roles.py`);
- by route, what its domain can answer (`DOMAIN_ERRORS`): a test fails when a route of the
  template has no entry, so a new route states its errors once.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "ErrorResponse",
    "description": "Every error answer of the service",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "machine-readable, e.g. not_found, sign_in_required"},
                "message": {"type": "string", "description": "what was wrong, for a person"},
                "field": {"type": "string", "description": "the offending field, header or parameter"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
                "request_id": {"type": ["string", "null"]},
            },
        }
    },
}
# API Gateway's JWT authorizer answers a missing or bad token itself, in its own words.
GATEWAY_UNAUTHORIZED: dict[str, Any] = {
    "type": "object",
    "title": "GatewayUnauthorized",
    "required": ["message"],
    "properties": {"message": {"type": "string", "const": "Unauthorized"}},
}

DESCRIPTIONS = {
    400: "The body is not JSON, not UTF-8, or JSON this service does not take (huge numbers, deep nesting)",
    401: "No bearer token, or not a valid access token of the right user pool",
    403: "`forbidden`: the staff login's role (staff pool group) may not use this route",
    404: "No such resource, or one the caller may not see, or the feature is switched off",
    409: "The current state forbids it (already exists, portal access disabled, sign in first)",
    410: "The invitation was used, revoked or has expired",
    412: "If-Match names a version that is no longer current",
    413: "The body is larger than the route takes",
    415: "The body's Content-Type is not application/json",
    422: "The request does not fit the route's model; `field` names what",
    428: "If-Match is required",
    429: "Rate limited; Retry-After says when to try again",
}

# What each route's domain can answer beyond its shape's statuses ("METHOD /path" as templated).
DOMAIN_ERRORS: dict[str, tuple[int, ...]] = {
    "POST /admin/account-classes": (409,),
    "GET /admin/account-classes": (),
    # 422 also says `selection_too_large` (a dry run past its page cap); 404 a batch never started
    "POST /admin/invitation-batches": (),
    "GET /admin/invitation-batches/{batch_id}": (),
    "DELETE /admin/invitation-batches/{batch_id}": (),
    "GET /admin/account-classes/{class_id}": (),
    "PUT /admin/account-classes/{class_id}": (),
    "GET /admin/system-options/customer-portal": (),
    "PUT /admin/system-options/customer-portal": (),
    "POST /admin/system-options/customer-portal/preview": (),
    "GET /admin/email-templates": (),
    "GET /admin/email-templates/{name}": (),
    "PUT /admin/email-templates/{name}": (),
    "POST /admin/email-templates/{name}/preview": (),
    "POST /admin/accounts": (409,),
    "GET /admin/accounts": (),
    "GET /admin/accounts/{account_id}": (),
    "POST /admin/accounts/{account_id}/sites": (409,),
    "GET /admin/accounts/{account_id}/sites": (),
    "POST /admin/invoices": (409,),
    "POST /admin/accounts/{account_id}/contacts": (409,),
    "GET /admin/accounts/{account_id}/contacts": (),
    "GET /admin/contacts/{contact_id}": (),
    "PATCH /admin/contacts/{contact_id}": (409, 412, 428),
    "DELETE /admin/contacts/{contact_id}": (409,),
    "GET /admin/contacts/{contact_id}/portal-access": (),
    "PUT /admin/contacts/{contact_id}/portal-access": (409,),
    "GET /admin/contacts/{contact_id}/activity": (),
    "POST /admin/contacts/{contact_id}/invitations": (409,),
    "GET /admin/contacts/{contact_id}/invitations": (),
    "GET /admin/access-requests": (),
    "GET /admin/self-registrations": (),
    "GET /admin/accounts/{account_id}/portal-logins": (),
    "GET /admin/portal-logins": (),
    "GET /portal/login-config": (),
    "POST /portal/self-registrations": (404, 429),
    "POST /portal/access-requests": (404, 429),
    "POST /portal/invitations/accept": (401, 409, 410),
    "POST /portal/invitations/refresh": (429,),
    "POST /portal/invitations/check": (429,),
    "GET /portal/me": (),
    "GET /portal/accounts/{account_id}/sites/{site_id}": (),
}

_JSON = "application/json"
_REF = {"$ref": "#/components/schemas/ErrorResponse"}


def _statuses(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    statuses = {422, *DOMAIN_ERRORS.get(f"{method.upper()} {path}", ())}
    if "requestBody" in operation:
        statuses |= {400, 413, 415}
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        statuses.add(404)
    if operation.get("security"):
        statuses.add(401)
    if path.startswith("/admin/"):
        statuses.add(403)
    return statuses


def _error_response(status: int) -> dict[str, Any]:
    schema: dict[str, Any] = _REF
    if status == 401:
        schema = {"anyOf": [_REF, {"$ref": "#/components/schemas/GatewayUnauthorized"}]}
    response: dict[str, Any] = {"description": DESCRIPTIONS[status], "content": {_JSON: {"schema": schema}}}
    if status == 429:
        response["headers"] = {
            "Retry-After": {"description": "seconds until the window ends", "schema": {"type": "integer"}}
        }
    return response


def add_error_responses(document: dict[str, Any]) -> None:
    """Every operation's error statuses with the error body; 204 answers have no body."""
    # The layer is importable once a function module was loaded (scripts/openapi.py does first).
    from portal_access.api.staff_roles import STAFF_ROUTES, StaffRole

    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["ErrorResponse"] = ERROR_SCHEMA
    schemas["GatewayUnauthorized"] = GATEWAY_UNAUTHORIZED
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses: dict[str, Any] = operation["responses"]
            for status in sorted(_statuses(method, path, operation)):
                responses[str(status)] = _error_response(status)
            if path.startswith("/admin/"):
                allowed = STAFF_ROUTES.get(f"{method.upper()} {path}", frozenset())
                operation["x-staff-roles"] = [role.value for role in StaffRole if role in allowed]
            if "204" in responses:
                responses["204"] = {"description": responses["204"].get("description", "No Content")}
            operation["responses"] = dict(sorted(responses.items()))
