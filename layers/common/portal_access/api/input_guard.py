"""The input guard every HTTP function runs before routing: what a caller sends gets a 4xx, never
a 5xx, and nothing malformed reaches a route or DynamoDB.

- 413 for a body over the function's limit, measured before anything is decoded;
- 415 for a body whose `Content-Type` is not JSON (`application/json`, `application/*+json`);
- 400 for a body that is not base64 when the gateway says it is, not UTF-8, not JSON, or JSON
  Python cannot safely take: an integer of more than 4,300 digits (`int()` refuses it), a
  number too big for a float (inf), NaN/Infinity, or nesting deeper than `MAX_DEPTH` (no model
  of ours nests half as deep; a deep document would otherwise blow the recursion limit);
- 404 for a blank path parameter: no key of ours is empty, so it never becomes a DynamoDB key.

What passes is valid JSON of bounded size and depth; the routes' pydantic models then answer 422
for anything that does not fit them.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

MAX_DEPTH = 32
_JSON_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json\s*(?:;.*)?$", re.IGNORECASE)


def refusal(status: HTTPStatus, code: str, message: str, *, field: str = "body") -> dict[str, Any]:
    """An API Gateway answer with the contract's error body."""
    return {
        "statusCode": int(status),
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"error": {"code": code, "message": message, "field": field}}),
        "isBase64Encoded": False,
    }


def _bad(message: str) -> dict[str, Any]:
    return refusal(HTTPStatus.BAD_REQUEST, "bad_request", message)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("a number is too large")
    return value


def _too_deep(value: Any) -> bool:
    """Deeper than MAX_DEPTH, without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > MAX_DEPTH:
                    return True
                stack.append((child, depth + 1))
    return False


def _header(event: Mapping[str, Any], name: str) -> str:
    headers = event.get("headers") or {}
    return next((str(v) for k, v in headers.items() if k.lower() == name), "")


def check_body(event: Mapping[str, Any], *, max_body_bytes: int) -> dict[str, Any] | None:
    """The refusal for this request's body, or None when it may go on to the route."""
    body = event.get("body")
    if not body:
        return None
    encoded = bool(event.get("isBase64Encoded"))
    size = len(body) * 3 // 4 if encoded else len(body)  # chars: a lower bound of the bytes
    if size > max_body_bytes:
        return refusal(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large", f"body is larger than {max_body_bytes} bytes"
        )
    content_type = _header(event, "content-type")
    if not _JSON_TYPE.match(content_type.strip()):
        return refusal(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            f"send the body as JSON with Content-Type: application/json (got {content_type[:100]!r})",
            field="Content-Type",
        )
    try:
        raw = base64.b64decode(body, validate=True) if encoded else body.encode("utf-8")
    except (binascii.Error, ValueError):
        return _bad("body is not valid base64")
    except UnicodeEncodeError:
        return _bad("body must be UTF-8 encoded JSON")
    if len(raw) > max_body_bytes:
        return refusal(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large", f"body is larger than {max_body_bytes} bytes"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _bad("body must be UTF-8 encoded JSON")
    try:
        parsed = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        return _bad(f"body is nested more than {MAX_DEPTH} levels deep")
    except json.JSONDecodeError as error:
        return _bad(f"body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}")
    except ValueError as error:
        reason = "an integer has more than 4300 digits" if "digits" in str(error) else str(error)
        return _bad(f"body is not JSON this service accepts: {reason}")
    if _too_deep(parsed):
        return _bad(f"body is nested more than {MAX_DEPTH} levels deep")
    return None


def with_plain_json_type(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The event with a JSON body's `Content-Type` spelled the one way Powertools' validation
    reads (`application/json`, lower case, no suffix); call it once `check_body` passed."""
    headers = dict(event.get("headers") or {})
    if not event.get("body"):
        return event
    for name in [k for k in headers if k.lower() == "content-type"]:
        del headers[name]
    headers["content-type"] = "application/json"
    return {**event, "headers": headers}


def check_path(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """404 for a path parameter that is blank or holds control characters: no such key exists."""
    for name, value in (event.get("pathParameters") or {}).items():
        text = unquote(str(value or ""))  # the gateway hands them over percent-encoded
        if not text.strip() or any(ord(c) < 32 or ord(c) == 127 for c in text):
            return refusal(HTTPStatus.NOT_FOUND, "not_found", f"no {name} {text!r} exists", field=name)
    return None
