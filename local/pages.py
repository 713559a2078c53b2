"""The local stack's own pages under /_local/: the outbox (every email sent, newest first), the
bus's events (newest first), the schedules to fire now, and the same-origin Cognito endpoint of
the hosted pages (local/cognito_proxy.py). The portal's pages themselves are served by
local/site.py, as they are deployed."""

from __future__ import annotations

import json

from werkzeug.wrappers import Request, Response

from local.cognito_proxy import PATH as COGNITO_PATH
from local.cognito_proxy import CognitoProxy
from local.event_bus import BusRecorder
from local.gateway import LocalHandler
from local.outbox import Outbox
from local.schedules import Scheduler


def local_pages(
    outbox: Outbox, cognito: CognitoProxy, bus: BusRecorder | None = None, scheduler: Scheduler | None = None
) -> dict[tuple[str, str], LocalHandler]:
    def outbox_page(request: Request) -> Response:
        items = outbox.items(to=request.args.get("to"))
        return Response(json.dumps({"items": items}), content_type="application/json")

    def events_page(request: Request) -> Response:
        items = bus.items(detail_type=request.args.get("detail-type")) if bus else []
        return Response(json.dumps({"items": items}), content_type="application/json")

    def fire_schedules(request: Request) -> Response:
        results = scheduler.fire(request.args.get("function")) if scheduler else {}
        return Response(json.dumps({"fired": results}, default=str), content_type="application/json")

    return {
        ("GET", "/_local/outbox"): outbox_page,
        ("GET", "/_local/events"): events_page,
        ("POST", "/_local/schedules"): fire_schedules,
        ("POST", COGNITO_PATH): cognito,
    }
