"""The invitation batches' queue worker: planner pages and send chunks (domain/batch_sending.py).

Partial batch failures through Powertools' BatchProcessor: a message that raised comes back after
the visibility timeout (then the dead-letter queue). Every step is once-only by conditional
writes (page markers, per-contact claims and outcomes), so a redelivered message repeats nothing;
throttling is not a failure: the domain queues what is left again, a little later.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import TypeAdapter

from portal_access.config import InvitationBatchWorkerConfig
from portal_access.models.batches import BatchQueueMessage, PlanMessage, SendMessage
from portal_access.observability import logger, metrics
from portal_access.wiring.batch_worker import build_batch_worker

worker = build_batch_worker(InvitationBatchWorkerConfig.from_env())
processor = BatchProcessor(event_type=EventType.SQS)
messages: TypeAdapter[PlanMessage | SendMessage] = TypeAdapter(BatchQueueMessage)


def record_handler(record: SQSRecord) -> None:
    message = messages.validate_json(record.body)  # a body that does not parse fails the record
    logger.append_keys(batch_id=message.batch_id, message_id=record.message_id)
    try:
        if isinstance(message, PlanMessage):
            worker.plan(message)
            return
        for outcome, count in worker.send(message).items():
            metrics.add_metric(name=f"InvitationBatch_{outcome}", unit=MetricUnit.Count, value=count)
    finally:
        logger.remove_keys(["batch_id", "message_id"])


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
