"""The self-registration queue (SQS, server-side encrypted): the public routes decide their
answer, put the request here and return; the worker verifies it and sends any email. So the
answer's content and its time are the same whether or not anything matched."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.dal.sqs_queue import SqsQueue

if TYPE_CHECKING:
    from portal_access.models.self_service import AccessRequestMessage, SelfRegistrationMessage


class RequestQueue(SqsQueue):
    def send(self, message: SelfRegistrationMessage | AccessRequestMessage) -> None:
        self._client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=message.model_dump_json(),
            MessageAttributes={"kind": {"DataType": "String", "StringValue": message.kind}},
        )
