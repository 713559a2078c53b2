"""The local stack's fault injection: what `--faults` accepts, and that a faulted call fails the
way AWS fails under load (the SDK retries it; the code sees it only when every try failed)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from local.faults import FaultInjector, parse_faults


def test_parse_faults():
    assert parse_faults("dynamodb=0.2, sesv2=0.3,cognito-idp=0") == {"dynamodb": 0.2, "sesv2": 0.3, "cognito-idp": 0.0}
    assert parse_faults("") == {}
    for bad in ("s3=0.1", "dynamodb=1", "dynamodb=-0.1", "dynamodb=lots"):
        with pytest.raises(ValueError):  # noqa: PT011 - the message is the CLI's, checked there
            parse_faults(bad)


def _client(service: str, injector: FaultInjector, attempts: int) -> Any:
    """A client whose session has the injector, as the local stack's default session does."""
    session: Any = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    session._session.register("before-send", injector.before_send)
    config = Config(retries={"mode": "standard", "max_attempts": attempts})
    return session.client(service, endpoint_url="http://127.0.0.1:9", config=config)


@pytest.mark.parametrize(
    ("service", "call", "code"),
    [
        (
            "dynamodb",
            lambda c: c.get_item(TableName="t", Key={"k": {"S": "v"}}),
            "ProvisionedThroughputExceededException",
        ),
        ("sesv2", lambda c: c.get_account(), "TooManyRequestsException"),
        ("cognito-idp", lambda c: c.admin_get_user(UserPoolId="us-east-1_x", Username="u"), "TooManyRequestsException"),
    ],
)
def test_every_try_of_a_faulted_call_fails_as_aws_throttles(service, call, code):
    injector = FaultInjector({service: 0.999999}, seed=1, active=True)
    client = _client(service, injector, attempts=3)

    with pytest.raises(ClientError) as raised:
        call(client)

    assert raised.value.response["Error"]["Code"] == code
    retried = raised.value.response["ResponseMetadata"]["RetryAttempts"]
    assert retried >= 2  # the SDK retried, as it does on AWS
    assert sum(injector.injected.values()) == retried + 1


def test_nothing_is_injected_before_it_is_switched_on_or_into_other_services():
    injector = FaultInjector({"dynamodb": 0.999999}, seed=1)
    request = type("Request", (), {"url": "http://x"})()
    assert injector.before_send(request, event_name="before-send.dynamodb.GetItem") is None  # not active yet
    injector.active = True
    assert injector.before_send(request, event_name="before-send.sqs.SendMessage") is None
    assert injector.before_send(request, event_name="before-send.dynamodb.GetItem") is not None
