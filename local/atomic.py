"""Each DynamoDB and Cognito call of the local stack's moto server atomic, as on AWS.

moto's server is threaded and its DynamoDB checks a condition and writes in two steps; a failed
transaction rolls back by putting a copy of the table in place, which can drop a write another
thread made meanwhile. AWS does neither. One lock around those services' requests gives each
call the isolation DynamoDB and Cognito give it (tests/support/atomic_aws.py does the same for
in-process moto). Other services are left concurrent: SQS long polls would hold the lock.

Work a call starts that itself calls the serialised services (a Cognito sign-in's Post
Authentication trigger writes to DynamoDB) runs after the lock is released, before the answer
goes out (`after_this_call`), as Cognito runs a trigger before it answers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

SERIALISED_TARGETS = ("DynamoDB_20120810.", "DynamoDBStreams_20120810.", "AWSCognitoIdentityProviderService.")


_pending = threading.local()


def after_this_call(action: Callable[[], None]) -> None:
    """Run `action` once the serialised call of this thread has released the lock (at once when
    there is none, e.g. in-process moto). An `HTTPException` it raises (moto's errors are) becomes
    the call's answer instead of the one the service gave."""
    actions: list[Callable[[], None]] | None = getattr(_pending, "actions", None)
    if actions is None:
        action()
    else:
        actions.append(action)


class _HeldAnswer:
    """start_response held back until the deferred actions have run."""

    def __init__(self) -> None:
        self.status = "500 Internal Server Error"
        self.headers: list[tuple[str, str]] = []

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
        self.status, self.headers = status, headers
        return lambda data: None


class OneCallAtATime:
    def __init__(self, app: WSGIApplication) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if not target.startswith(SERIALISED_TARGETS):
            return self._app(environ, start_response)
        held = _HeldAnswer()
        _pending.actions = []
        try:
            with self._lock:
                body = b"".join(self._app(environ, held))
            for action in _pending.actions:
                action()
        except HTTPException as error:
            return error(environ, start_response)
        finally:
            _pending.actions = None
        start_response(held.status, held.headers)
        return [body]
