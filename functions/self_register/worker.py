"""The self-registration queue's worker: Request Login attempts and requests by address.

Partial batch failures through Powertools' BatchProcessor: a message that raised is reported
and comes back after the visibility timeout (the queue moves it to its dead-letter queue after
a few receives); the others are deleted. Each message is handled at most once: the work is
wrapped by Powertools Idempotency keyed on the request id the HTTP route chose, so a
redelivered message returns the stored outcome instead of sending a second email.
Never log a quick-pay code (the message carries only its hash), a token or a password.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Json

from portal_access.dal.accounts_table import AccountsTable
from portal_access.dal.activity_table import ActivityTable
from portal_access.dal.contacts_table import ContactsTable
from portal_access.dal.dynamodb import create_client
from portal_access.dal.portal_requests_table import PortalRequestsTable
from portal_access.dal.rate_limits_table import RateLimit, RateLimitsTable
from portal_access.dal.settings_table import SettingsTable
from portal_access.domain.access_requests import AccessRequestsService, EmailDefaults
from portal_access.domain.email_templates import EmailTemplates
from portal_access.domain.invitations import build_invitations_service
from portal_access.domain.public_limits import ProofFailures
from portal_access.domain.self_registration import SelfRegistrationService
from portal_access.domain.system_options import SystemOptionsService
from portal_access.email.sender import SesEmailSender, create_ses_client
from portal_access.models.self_service import AccessRequestMessage, QueueMessage, SelfRegistrationMessage
from portal_access.observability import logger, metrics, tracer
from portal_access.settings import SelfRegistrationWorkerSettings

# Longer than the queue keeps a message (one day): no redelivery outlives the record of it.
IDEMPOTENCY_SECONDS = 25 * 60 * 60

settings = SelfRegistrationWorkerSettings.from_env()
client = create_client()
sender = SesEmailSender(create_ses_client())
accounts = AccountsTable(client, settings.accounts_table)
settings_table = SettingsTable(client, settings.settings_table)
requests = PortalRequestsTable(client, settings.portal_requests_table)
templates = EmailTemplates(settings_table)

self_registrations = SelfRegistrationService(
    client,
    accounts=accounts,
    settings=settings_table,
    contacts=ContactsTable(client, settings.contacts_table),
    activity_log=ActivityTable(client, settings.activity_table),
    invitations=build_invitations_service(client, settings, sender=sender),
    proof_failures=ProofFailures(
        RateLimitsTable(client, settings.rate_limits_table),
        RateLimit(limit=settings.proof_failure_limit, window_seconds=settings.rate_window_seconds),
    ),
    requests=requests,
)
access_requests = AccessRequestsService(
    accounts=accounts,
    requests=requests,
    options=SystemOptionsService(settings_table, templates).get,
    templates=templates,
    sender=sender,
    defaults=EmailDefaults(from_address=settings.ses_from_address, portal_url=str(settings.portal_url)),
)


class QueueRecord(SqsRecordModel):
    body: Json[QueueMessage]


processor = BatchProcessor(event_type=EventType.SQS, model=QueueRecord)
idempotency = IdempotencyConfig(
    event_key_jmespath="request_id", raise_on_no_idempotency_key=True, expires_after_seconds=IDEMPOTENCY_SECONDS
)
persistence = DynamoDBPersistenceLayer(table_name=settings.idempotency_table, boto3_client=client)


@idempotent_function(
    data_keyword_argument="message", config=idempotency, persistence_store=persistence, key_prefix="self-registration"
)
def handle_once(message: SelfRegistrationMessage | AccessRequestMessage) -> dict[str, str]:
    outcome: str
    if isinstance(message, SelfRegistrationMessage):
        outcome = self_registrations.process(message).outcome
    else:
        outcome = access_requests.process(message)
    return {"request_id": message.request_id, "kind": message.kind, "outcome": outcome}


_METRIC_PREFIX = {"self_registration": "SelfRegistration", "access_request": "AccessRequest"}


def record_handler(record: QueueRecord) -> None:
    message = record.body
    logger.append_keys(request_id=message.request_id, message_id=record.messageId)
    try:
        result = handle_once(message=message)
    finally:
        logger.remove_keys(["request_id", "message_id"])
    metrics.add_metric(name=f"{_METRIC_PREFIX[message.kind]}_{result['outcome']}", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
