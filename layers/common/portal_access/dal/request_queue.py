"""The self-registration queue (SQS, server-side encrypted): the public routes decide their
answer, put the request here and return; the worker verifies it and sends any email. So the
answer's content and its time are the same whether or not anything matched."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

    from portal_access.models.self_service import AccessRequestMessage, SelfRegistrationMessage

_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=3)


def create_sqs_client() -> SQSClient:
    return boto3.client("sqs", config=_CLIENT_CONFIG)


class RequestQueue:
    def __init__(self, client: Callable[[], SQSClient], queue_url: str) -> None:
        self._make_client = client
        self.queue_url = queue_url

    @cached_property
    def _client(self) -> SQSClient:
        """Made on first use: the login-config route never loads the SQS client."""
        return self._make_client()

    def send(self, message: SelfRegistrationMessage | AccessRequestMessage) -> None:
        self._client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=message.model_dump_json(),
            MessageAttributes={"kind": {"DataType": "String", "StringValue": message.kind}},
        )
