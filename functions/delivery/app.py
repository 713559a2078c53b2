"""SES delivery events of invitation and reminder emails: the `DeliveryEventsQueue` (SES ->
SNS -> SQS, raw message delivery, so a message's body is SES's event).

Partial batch failures through Powertools' BatchProcessor: only a message that raised comes back,
and after 5 receives it goes to the dead-letter queue. Each event is recorded at most once by
conditional writes (domain/delivery.py), so a redelivered message changes nothing. A body that
is not an SES event is logged and dropped: retrying it would never succeed.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from portal_access.config import DeliveryEventsConfig
from portal_access.models.delivery import SesEvent
from portal_access.observability import logger, metrics
from portal_access.wiring.delivery import build_delivery

delivery = build_delivery(DeliveryEventsConfig.from_env())
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    try:
        event = SesEvent.model_validate_json(record.body)
    except ValidationError as error:
        logger.warning(
            "queue message dropped: not an SES event", message_id=record.message_id, errors=error.error_count()
        )
        metrics.add_metric(name="DeliveryEventsMalformed", unit=MetricUnit.Count, value=1)
        return
    outcome = delivery.record(event)
    if outcome == "recorded":
        metrics.add_metric(name=f"Invitations{event.event_type}", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
