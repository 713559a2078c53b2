"""An HTTP function's answer (API Gateway payload format 2.0), decoded as a test or a benchmark
reads it: the status, the headers by lower-case name, the JSON body (None when empty)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: Any


def decode(result: Mapping[str, Any]) -> HttpResponse:
    raw = result.get("body") or ""
    return HttpResponse(
        status=int(result["statusCode"]),
        headers={k.lower(): v for k, v in (result.get("headers") or {}).items()},
        body=json.loads(raw) if raw else None,
    )
