"""The local moto server runs one DynamoDB or Cognito call at a time (local/atomic.py)."""

from __future__ import annotations

import threading
import time
from typing import Any

from local.atomic import OneCallAtATime, after_this_call


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


def _sign_in_app(wrapped_ref: list[Any], seen: dict[str, Any], action_fails: bool):
    """A Cognito call that defers work which itself makes a serialised (DynamoDB) call."""
    from werkzeug.exceptions import BadRequest

    def app(environ, start_response):
        if environ["HTTP_X_AMZ_TARGET"].startswith("AWSCognito"):

            def trigger() -> None:
                # as the Post Authentication function does: a DynamoDB call through the same server
                seen["nested"] = b"".join(
                    wrapped_ref[0](
                        {"REQUEST_METHOD": "POST", "HTTP_X_AMZ_TARGET": "DynamoDB_20120810.UpdateItem"}, seen_status
                    )
                )
                if action_fails:
                    raise BadRequest("trigger failed")

            after_this_call(trigger)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"AuthenticationResult": {}}']

    def seen_status(status, _headers, _exc_info=None):
        seen.setdefault("statuses", []).append(status)

    return app


def _sign_in(action_fails: bool) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    wrapped_ref: list[Any] = []
    wrapped_ref.append(OneCallAtATime(_sign_in_app(wrapped_ref, seen, action_fails)))

    def answer_status(status, _headers, _exc_info=None):
        seen["answer_status"] = status

    result: list[bytes] = []
    thread = threading.Thread(
        target=lambda: result.extend(
            wrapped_ref[0](
                {"REQUEST_METHOD": "POST", "HTTP_X_AMZ_TARGET": "AWSCognitoIdentityProviderService.InitiateAuth"},
                answer_status,
            )
        )
    )
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive(), "the deferred DynamoDB call waited for the lock its sign-in held"
    seen["body"] = b"".join(result)
    return seen


def test_work_deferred_by_a_call_runs_after_the_lock_is_released_and_before_the_answer():
    seen = _sign_in(action_fails=False)
    assert seen["nested"] == b'{"AuthenticationResult": {}}'  # the nested call got through
    assert seen["answer_status"] == "200 OK"


def test_a_deferred_failure_becomes_the_calls_answer():
    seen = _sign_in(action_fails=True)
    assert seen["answer_status"].startswith("400")


def test_without_a_serialised_call_deferred_work_runs_at_once():
    ran: list[str] = []
    after_this_call(lambda: ran.append("now"))
    assert ran == ["now"]
