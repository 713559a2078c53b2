"""The invitation batches' queue (SQS, server-side encrypted): planner pages and send tasks
(models/batches.py), worked off by functions/batches/worker.py. A planner page carries its
continuation, so a crash loses no position: the message comes back and is examined again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from portal_access.dal.dynamodb import chunks
from portal_access.dal.sqs_queue import SqsQueue

if TYPE_CHECKING:
    from portal_access.models.batches import PlanMessage, SendMessage

MAX_DELAY_SECONDS = 900  # SQS's limit


class BatchQueueFailed(Exception):
    """SQS refused some entries of a SendMessageBatch (the whole message is tried again)."""


class BatchQueue(SqsQueue):
    def send(self, messages: Sequence[PlanMessage | SendMessage], *, delay_seconds: int = 0) -> None:
        """One SendMessageBatch per 10 messages."""
        delay = max(0, min(MAX_DELAY_SECONDS, delay_seconds))
        for chunk in chunks(list(messages), 10):
            response = self._client.send_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {
                        "Id": str(i),
                        "MessageBody": m.model_dump_json(),
                        "DelaySeconds": delay,
                        "MessageAttributes": {"kind": {"DataType": "String", "StringValue": m.kind}},
                    }
                    for i, m in enumerate(chunk)
                ],
            )
            if response.get("Failed"):
                raise BatchQueueFailed(f"{len(response['Failed'])} of {len(chunk)} messages not queued")
