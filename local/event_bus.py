"""The events put on the local EventBridge buses (`GET /_local/events`), newest first, the way
the outbox lists emails.

moto accepts PutEvents but keeps no event (nothing to read back without rules and targets):
`BusRecorder` wraps moto's WSGI app and keeps each entry EventBridge accepted, shaped as
EventBridge delivers events to a target (`version`, `id`, `detail-type`, `source`, `time`,
`detail`, ...)."""

from __future__ import annotations

import io
import json
import threading
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

PUT_EVENTS = "AWSEvents.PutEvents"
ACCOUNT_ID = "123456789012"


class BusRecorder:
    """WSGI middleware in front of moto: records the entries of PutEvents that were accepted."""

    def __init__(self, app: WSGIApplication, *, region: str = "us-east-1") -> None:
        self._app = app
        self._region = region
        self._lock = threading.Lock()
        self._events: list[dict[str, Any]] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("HTTP_X_AMZ_TARGET") != PUT_EVENTS:
            return self._app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        answer = b"".join(self._app(environ, start_response))
        self._record(body, answer)
        return [answer]

    def _record(self, request: bytes, answer: bytes) -> None:
        try:
            entries = json.loads(request).get("Entries", [])
            results = json.loads(answer).get("Entries", [])
        except (ValueError, AttributeError):
            return
        with self._lock:
            for entry, result in zip(entries, results, strict=False):
                if result.get("ErrorCode") or not result.get("EventId"):
                    continue  # refused: EventBridge did not take it
                self._events.append(self._event(entry, str(result["EventId"])))

    def _event(self, entry: dict[str, Any], event_id: str) -> dict[str, Any]:
        moment = entry.get("Time")
        when = datetime.fromtimestamp(float(moment), UTC) if isinstance(moment, int | float) else datetime.now(UTC)
        try:
            detail = json.loads(entry.get("Detail") or "{}")
        except ValueError:
            detail = entry.get("Detail")
        return {
            "version": "0",
            "id": event_id or str(uuid.uuid4()),
            "detail-type": entry.get("DetailType"),
            "source": entry.get("Source"),
            "account": ACCOUNT_ID,
            "time": when.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "region": self._region,
            "resources": entry.get("Resources", []),
            "detail": detail,
            "event-bus-name": entry.get("EventBusName", "default"),
        }

    def items(self, *, detail_type: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            events = list(self._events)
        if detail_type:
            events = [e for e in events if e["detail-type"] == detail_type]
        return list(reversed(events))
