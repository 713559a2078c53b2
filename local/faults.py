"""Fault injection for the local stack: a chosen share of the functions' AWS calls fail the way AWS
fails under load, so retries, idempotency and partial batch failures are exercised for real.

`python -m local --faults dynamodb=0.2,sesv2=0.3,cognito-idp=0.2` (or `LOCAL_FAULTS=...`):

- `dynamodb`: ProvisionedThroughputExceededException (throttling), on any call;
- `sesv2`: TooManyRequestsException, HTTP 429 (SES's "maximum sending rate exceeded");
- `cognito-idp`: TooManyRequestsException.

The fault is answered in place of the HTTP exchange (botocore's `before-send`), so the SDK's own
retries see it and retry as they would on AWS; a call fails for the code only when every
attempt drew a fault. Only the functions' services are touched (the stack's own stream and
queue pollers use dynamodbstreams and sqs). Faults start once the stack is seeded. The SDK's
throttling backoff (up to seconds per retry) is scaled down while faults are on, so a run
takes seconds: the number of retries is AWS's, the waiting is not. `GET /_local/faults` counts
what was injected.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders

ERRORS: dict[str, tuple[int, dict[str, str], dict[str, str]]] = {
    "dynamodb": (
        400,
        {"Content-Type": "application/x-amz-json-1.0"},
        {
            "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            "message": "injected: the request rate exceeds the provisioned throughput",
        },
    ),
    "sesv2": (
        429,
        {"Content-Type": "application/json", "x-amzn-ErrorType": "TooManyRequestsException"},
        {"message": "injected: maximum sending rate exceeded"},
    ),
    "cognito-idp": (
        400,
        {"Content-Type": "application/x-amz-json-1.1"},
        {"__type": "TooManyRequestsException", "message": "injected: too many requests"},
    ),
}
# botocore's event names use the service id, hyphenated.
_EVENT_SERVICE = {"dynamodb": "dynamodb", "sesv2": "sesv2", "cognito-idp": "cognito-identity-provider"}
BACKOFF_SCALE = 0.02  # of botocore's throttling backoff (1 s base) while faults are on


def parse_faults(text: str) -> dict[str, float]:
    """`dynamodb=0.2,sesv2=0.3` -> {"dynamodb": 0.2, "sesv2": 0.3}; ValueError for anything else."""
    shares: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        service, _, share = part.partition("=")
        if service not in ERRORS:
            raise ValueError(f"faults can be injected into {', '.join(ERRORS)}, not {service!r}")
        value = float(share)
        if not 0 <= value < 1:
            raise ValueError(f"the share of {service} calls that fail must be in [0, 1), got {share}")
        shares[service] = value
    return shares


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_kwargs: Any) -> Any:
        yield self._data


@dataclass
class FaultInjector:
    shares: dict[str, float]
    seed: int | None = None
    active: bool = False
    injected: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - a test's dice, not a secret

    def before_send(self, request: Any, event_name: str = "", **_kwargs: Any) -> AWSResponse | None:
        """botocore's `before-send` hook: an error response instead of the call, or None."""
        event_service = event_name.split(".")[1] if event_name.count(".") >= 2 else ""
        service = next((name for name, sid in _EVENT_SERVICE.items() if sid == event_service), "")
        share = self.shares.get(service)
        if not self.active or share is None:
            return None
        operation = event_name.split(".", 2)[2]
        with self._lock:
            self.calls[f"{service}.{operation}"] += 1
            if self._random.random() >= share:
                return None
            self.injected[f"{service}.{operation}"] += 1
        status, headers, body = ERRORS[service]
        return AWSResponse(request.url, status, HTTPHeaders.from_dict(headers), _Body(json.dumps(body).encode()))

    def install(self) -> None:
        """On boto3's default session, before the functions make their clients (they copy its
        handlers when they are made)."""
        import boto3
        from botocore.retries import standard

        session = boto3._get_default_session()._session
        session.register("before-send", self.before_send)  # type: ignore[arg-type]
        backoff: Any = standard.ExponentialBackoff
        backoff._DEFAULT_BACKOFF_CONFIG = {**backoff._DEFAULT_BACKOFF_CONFIG, "throttling_base_scale": BACKOFF_SCALE}

    def report(self) -> dict[str, Any]:
        with self._lock:
            return {
                "active": self.active,
                "shares": self.shares,
                "calls": dict(sorted(self.calls.items())),
                "injected": dict(sorted(self.injected.items())),
                "injected_total": sum(self.injected.values()),
            }


def fault_pages(faults: FaultInjector | None) -> dict[tuple[str, str], Any]:
    """`GET /_local/faults`: what was injected so far (only when faults are on)."""
    if faults is None:
        return {}
    from werkzeug.wrappers import Request, Response

    def page(_request: Request) -> Response:
        return Response(json.dumps(faults.report()), content_type="application/json")

    return {("GET", "/_local/faults"): page}
