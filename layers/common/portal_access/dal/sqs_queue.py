"""What the stack's SQS queues share: the client, made on first use (a route that never queues
never loads it), and the queue's URL. One module per queue builds its messages on this."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=3)


def create_sqs_client() -> SQSClient:
    return boto3.client("sqs", config=_CLIENT_CONFIG)


class SqsQueue:
    def __init__(self, client: Callable[[], SQSClient], queue_url: str) -> None:
        self._make_client = client
        self.queue_url = queue_url

    @cached_property
    def _client(self) -> SQSClient:
        return self._make_client()
