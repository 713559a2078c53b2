"""The local stack's own pages under /_local/: the outbox (every email sent, newest first) and
the same-origin Cognito endpoint of the hosted pages (local/cognito_proxy.py). The portal's
pages themselves are served by local/site.py, as they are deployed."""

from __future__ import annotations

import json

from werkzeug.wrappers import Request, Response

from local.cognito_proxy import PATH as COGNITO_PATH
from local.cognito_proxy import CognitoProxy
from local.gateway import LocalHandler
from local.outbox import Outbox


def local_pages(outbox: Outbox, cognito: CognitoProxy) -> dict[tuple[str, str], LocalHandler]:
    def outbox_page(request: Request) -> Response:
        items = outbox.items(to=request.args.get("to"))
        return Response(json.dumps({"items": items}), content_type="application/json")

    return {
        ("GET", "/_local/outbox"): outbox_page,
        ("POST", COGNITO_PATH): cognito,
    }
