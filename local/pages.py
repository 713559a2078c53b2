"""The local stack's own pages under /_local/: the outbox, the bus's events, the schedules to
fire now, and a stand-in for the portal frontend's accept page (with "Send me a new link" for an
expired one), so an invitation link from the outbox can be followed in a browser."""

from __future__ import annotations

import json

from werkzeug.wrappers import Request, Response

from local.event_bus import BusRecorder
from local.gateway import LocalHandler
from local.outbox import Outbox
from local.schedules import Scheduler

ACCEPT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Set up your portal login (local)</title>
<style>body{font:16px system-ui;max-width:32rem;margin:3rem auto}input,button{font:inherit;padding:.4rem}</style>
</head><body>
<h1>Set up your portal login</h1>
<p>Local stand-in for the portal's accept page: it posts the link's token to
<code>POST /portal/invitations/accept</code>.</p>
<form id="f"><label>Password <input id="p" type="password" required minlength="10"></label>
<button>Accept invitation</button></form>
<pre id="out"></pre>
<button id="renew" hidden>Send me a new link</button>
<script>
const token = new URLSearchParams(location.hash.slice(1)).get("token");
const out = document.getElementById("out"), renew = document.getElementById("renew");
document.getElementById("f").addEventListener("submit", async (e) => {
  e.preventDefault();
  const r = await fetch("/portal/invitations/accept", {method: "POST",
    headers: {"content-type": "application/json"},
    body: JSON.stringify({token, password: document.getElementById("p").value})});
  const text = await r.text();
  out.textContent = r.status + " " + text;
  renew.hidden = !(r.status === 410 && text.includes("expired"));
});
renew.addEventListener("click", async () => {
  const r = await fetch("/portal/invitations/refresh", {method: "POST",
    headers: {"content-type": "application/json"}, body: JSON.stringify({token})});
  out.textContent = r.status + " " + await r.text();
  renew.hidden = true;
});
</script></body></html>
"""


def local_pages(
    outbox: Outbox, bus: BusRecorder | None = None, scheduler: Scheduler | None = None
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

    def accept_page(_request: Request) -> Response:
        return Response(ACCEPT_PAGE, content_type="text/html; charset=utf-8")

    return {
        ("GET", "/_local/outbox"): outbox_page,
        ("GET", "/_local/events"): events_page,
        ("POST", "/_local/schedules"): fire_schedules,
        ("GET", "/_local/portal/invitations/accept"): accept_page,
    }
