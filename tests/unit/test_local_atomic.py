"""The local moto server runs one DynamoDB or Cognito call at a time (local/atomic.py)."""

from __future__ import annotations

import threading
import time
from typing import Any

from local.atomic import OneCallAtATime


def _overlapping_calls(target: str) -> int:
    """How many of two concurrent calls with `target` were inside the app at once, at most."""
    inside, most = 0, 0
    guard = threading.Lock()

    def app(_environ, start_response):
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)
        with guard:
            inside -= 1
        start_response("200 OK", [])
        return [b"{}"]

    wrapped = OneCallAtATime(app)
    ignore_answer: Any = lambda *_: None  # noqa: E731 - the answer is not looked at
    threads = [
        threading.Thread(target=lambda: list(wrapped({"HTTP_X_AMZ_TARGET": target}, ignore_answer))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return most


def test_dynamodb_and_cognito_calls_run_one_at_a_time():
    assert _overlapping_calls("DynamoDB_20120810.TransactWriteItems") == 1
    assert _overlapping_calls("AWSCognitoIdentityProviderService.AdminCreateUser") == 1


def test_other_services_stay_concurrent():
    # SQS long polls would hold the lock for seconds
    assert _overlapping_calls("AmazonSQS.ReceiveMessage") == 2
