"""The emails the service sent, as the local stack's outbox (`GET /_local/outbox`).

moto, running in this process, keeps every sent message in its SES backend (SESv2 SendEmail
stores into the SES v1 backend's `sent_messages`), but of a simple message it keeps only one
body part and no time. `SesRecorder` wraps moto's WSGI app and notes, per message id, when it
was sent and the text part the request carried; `Outbox` joins the two, newest first."""

from __future__ import annotations

import email
import email.policy
import io
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.ses.models import ses_backends
from werkzeug.serving import make_server

from devkit import moto_dynamodb
from local.atomic import OneCallAtATime
from local.event_bus import BusRecorder

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

SESV2_SEND_EMAIL = "/v2/email/outbound-emails"
_RECIPIENT_KINDS = ("ToAddresses", "CcAddresses", "BccAddresses")


@dataclass(frozen=True)
class Recorded:
    sent_at: str
    text: str | None
    html: str | None


class SesRecorder:
    """WSGI middleware in front of moto: records SESv2 SendEmail requests that succeeded."""

    def __init__(self, app: WSGIApplication) -> None:
        self._app = app
        self._lock = threading.Lock()
        self.sent: dict[str, Recorded] = {}
        # Called with (message id, request body) for every accepted send: the mailbox simulator.
        self.listeners: list[Callable[[str, dict[str, Any]], None]] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != SESV2_SEND_EMAIL:
            return self._app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        status: list[str] = []

        def capture(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status.append(code)
            return start_response(code, headers, exc_info)

        answer = b"".join(self._app(environ, capture))
        if status and status[0].startswith("200"):
            self._record(body, answer)
        return [answer]

    def _record(self, request: bytes, answer: bytes) -> None:
        try:
            message_id = json.loads(answer)["MessageId"]
            body = json.loads(request)
            simple = body.get("Content", {}).get("Simple", {}).get("Body", {})
        except (ValueError, KeyError, AttributeError):
            return
        with self._lock:
            self.sent[message_id] = Recorded(
                sent_at=_now(),
                text=(simple.get("Text") or {}).get("Data"),
                html=(simple.get("Html") or {}).get("Data"),
            )
        for listener in self.listeners:
            listener(message_id, body)


class LocalMotoServer(ThreadedMotoServer):
    """moto's threaded server (moto 5.2's `_server_entry`) with the recorder in front of its app."""

    def __init__(self, ip_address: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(ip_address=ip_address, port=port, verbose=False)
        moto_dynamodb.install()  # DynamoDB's cost and guarantees where moto lacks them (calls are serialised)
        self.recorder = SesRecorder(OneCallAtATime(DomainDispatcherApplication(create_backend_app)))
        self.bus = BusRecorder(self.recorder)  # the events put on the buses (local/event_bus.py)

    def _server_entry(self) -> None:
        self._server = make_server(
            self._ip_address, self._port, self.bus, threaded=True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Outbox:
    """Every email moto's SES accepted, newest first."""

    def __init__(self, recorder: SesRecorder, *, account_id: str = "123456789012", region: str = "us-east-1"):
        self._recorder = recorder
        self._account = account_id
        self._region = region
        self._first_seen: dict[str, str] = {}

    def items(self, *, to: str | None = None) -> list[dict[str, Any]]:
        messages = list(ses_backends[self._account][self._region].sent_messages)
        items = [self._item(m) for m in messages]
        if to:
            items = [i for i in items if to.lower() in (a.lower() for a in i["to_addresses"])]
        return list(reversed(items))

    def _item(self, message: Any) -> dict[str, Any]:
        recorded = self._recorder.sent.get(message.id)
        sent_at = recorded.sent_at if recorded else self._first_seen.setdefault(message.id, _now())
        if hasattr(message, "raw_data"):
            parsed = _parse_raw(message.raw_data)
            recipients = list(message.destinations)
        else:
            parsed = {
                "subject": getattr(message, "subject", None) or getattr(message, "template", None),
                "html": recorded.html if recorded else getattr(message, "body", None),
                "text": recorded.text if recorded else None,
            }
            destinations = getattr(message, "destinations", {}) or {}
            recipients = [
                a for key in ("ToAddresses", "CcAddresses", "BccAddresses") for a in destinations.get(key, [])
            ]
        return {
            "message_id": message.id,
            "to": ", ".join(recipients),
            "to_addresses": recipients,
            "from": message.source,
            "subject": parsed["subject"],
            "html": parsed["html"],
            "text": parsed["text"],
            "sent_at": sent_at,
        }


def _parse_raw(raw: str) -> dict[str, str | None]:
    message = email.message_from_string(raw, policy=email.policy.default)
    parts: dict[str, str | None] = {"subject": str(message.get("Subject", "")), "html": None, "text": None}
    for part in message.walk():
        kind = part.get_content_type()
        if kind in ("text/html", "text/plain") and not part.is_multipart():
            payload = part.get_payload(decode=True)
            text = payload.decode(part.get_content_charset() or "utf-8") if isinstance(payload, bytes) else None
            parts["html" if kind == "text/html" else "text"] = text
    return parts
