"""Each DynamoDB and Cognito call of the local stack's moto server atomic, as on AWS.

moto's server is threaded and its DynamoDB checks a condition and writes in two steps; a failed
transaction rolls back by putting a copy of the table in place, which can drop a write another
thread made meanwhile. AWS does neither. One lock around those services' requests gives each
call the isolation DynamoDB and Cognito give it (tests/support/atomic_aws.py does the same for
in-process moto). Other services are left concurrent: SQS long polls would hold the lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

SERIALISED_TARGETS = ("DynamoDB_20120810.", "DynamoDBStreams_20120810.", "AWSCognitoIdentityProviderService.")


class OneCallAtATime:
    def __init__(self, app: WSGIApplication) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if not target.startswith(SERIALISED_TARGETS):
            return self._app(environ, start_response)
        with self._lock:
            return [b"".join(self._app(environ, start_response))]
