"""The self-registration queue's worker: Request Login attempts and requests by address.

Partial batch failures through Powertools' BatchProcessor: a message that raised is reported
and comes back after the visibility timeout (the queue moves it to its dead-letter queue after
a few receives); the others are deleted. Each message is handled at most once: the work is
wrapped by Powertools Idempotency keyed on the request id the HTTP route chose, so a
redelivered message returns the stored outcome instead of sending a second email.
Never log a quick-pay code (the message carries only its hash), a token or a password.

A batch reads each account, class, the system options and a template once (domain/sending_reads.py);
a new contact is written in its invitation's transaction. Records come as Powertools' event data
classes and only the body is parsed (one TypeAdapter): no parser model of every event source.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import TypeAdapter, ValidationError

from portal_access.config import SelfRegistrationWorkerConfig
from portal_access.models.self_service import AccessRequestMessage, QueueMessage, SelfRegistrationMessage
from portal_access.observability import logger, metrics
from portal_access.wiring.self_register_worker import build_worker

# Longer than the queue keeps a message (one day): no redelivery outlives the record of it.
IDEMPOTENCY_SECONDS = 25 * 60 * 60

config = SelfRegistrationWorkerConfig.from_env()
worker = build_worker(config)


messages: TypeAdapter[SelfRegistrationMessage | AccessRequestMessage] = TypeAdapter(QueueMessage)
processor = BatchProcessor(event_type=EventType.SQS)
idempotency = IdempotencyConfig(
    event_key_jmespath="request_id", raise_on_no_idempotency_key=True, expires_after_seconds=IDEMPOTENCY_SECONDS
)
persistence = DynamoDBPersistenceLayer(table_name=config.idempotency_table, boto3_client=worker.client)


@idempotent_function(
    data_keyword_argument="message", config=idempotency, persistence_store=persistence, key_prefix="self-registration"
)
def handle_once(message: SelfRegistrationMessage | AccessRequestMessage) -> dict[str, str]:
    outcome: str
    if isinstance(message, SelfRegistrationMessage):
        outcome = worker.self_registrations.process(message).outcome
    else:
        outcome = worker.access_requests.process(message)
    return {"request_id": message.request_id, "kind": message.kind, "outcome": outcome}


_METRIC_PREFIX = {"self_registration": "SelfRegistration", "access_request": "AccessRequest"}


def record_handler(record: SQSRecord) -> None:
    message = messages.validate_json(record.body)  # a body that does not parse fails the record
    logger.append_keys(request_id=message.request_id, message_id=record.message_id)
    try:
        result = handle_once(message=message)
    finally:
        logger.remove_keys(["request_id", "message_id"])
    metrics.add_metric(name=f"{_METRIC_PREFIX[message.kind]}_{result['outcome']}", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency.register_lambda_context(context)
    registering = registrations(event)
    with (
        worker.reads.batch(emails=[m.email for m in registering]),
        worker.proof_failures.batch([(m.invoice_number, m.source_ip) for m in registering]),
    ):
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )


def registrations(event: dict[str, Any]) -> list[SelfRegistrationMessage]:
    """The batch's Request Login messages, to read their suppression entries and wrong-proof
    counters up front (one BatchGetItem each) instead of per message."""
    found = []
    for record in event.get("Records") or []:
        try:
            message = messages.validate_json(record.get("body") or "")
        except ValidationError:
            continue  # the record handler fails it
        if isinstance(message, SelfRegistrationMessage):
            found.append(message)
    return found
