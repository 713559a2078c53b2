"""Auto-invite: the contacts table stream (INSERTs only, by the event source mapping's filter).

Partial batch failures through Powertools' BatchProcessor: only a record that raised is
reported, and retried by the event source mapping. Each inserted contact is invited at most
once: the send is wrapped by Powertools Idempotency keyed on the contact id, so a redelivered
record (a retried batch) returns the stored outcome instead of sending a second email.
A record that is not a contact insert, or has no email, is skipped and logged, never failed.

A batch reads the contacts it names (and their invitation pointers) up front, and each account,
class, the system options and the template once (domain/sending_reads.py): a batch of contacts of
one account costs 4 calls per record and 6 per batch. Records come as Powertools' event data
classes (a dict view, parsed on access), not parser models: no pydantic model of every event
source to build at cold start.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ConfigDict, TypeAdapter, ValidationError

from portal_access.config import AutoInviteConfig
from portal_access.dal.contacts_table import contact_from_item
from portal_access.domain.sending import AutoInviteOutcome
from portal_access.models.common import Email
from portal_access.observability import logger, metrics
from portal_access.wiring.invite import build_auto_invite

# Longer than the stream's 24-hour retention: no redelivery can outlive the record of a send.
IDEMPOTENCY_SECONDS = 25 * 60 * 60
# The API stores only valid emails, but a record written some other way may carry anything: such
# a record is skipped. Built on the first record with an email (email_validator), not at cold start.
_EMAIL: TypeAdapter[str] = TypeAdapter(Email, config=ConfigDict(defer_build=True))
_METRIC_BY_OUTCOME = {"sent": "AutoInvitesSent", "failed": "AutoInvitesFailed", "skipped": "AutoInvitesSkipped"}

config = AutoInviteConfig.from_env()
graph = build_auto_invite(config)

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
idempotency = IdempotencyConfig(
    event_key_jmespath="contact_id", raise_on_no_idempotency_key=True, expires_after_seconds=IDEMPOTENCY_SECONDS
)
persistence = DynamoDBPersistenceLayer(table_name=config.idempotency_table, boto3_client=graph.client)


@idempotent_function(
    data_keyword_argument="inserted", config=idempotency, persistence_store=persistence, key_prefix="auto-invite"
)
def invite_once(inserted: dict[str, str]) -> AutoInviteOutcome:
    return graph.sending.auto_invite(inserted["contact_id"])


def record_handler(record: DynamoDBRecord) -> None:
    event_name = record.raw_event.get("eventName")
    if event_name != "INSERT":
        logger.info("stream record skipped: not an insert", event_name=event_name, event_id=record.event_id)
        return
    stream = record.dynamodb
    image = stream.new_image if stream is not None else {}
    try:
        contact = contact_from_item(image)
    except ValidationError:
        keys = stream.raw_event.get("Keys") if stream is not None else None
        logger.warning("stream record skipped: not a contact", event_id=record.event_id, keys=keys)
        return
    if not contact.email:
        logger.info("stream record skipped: contact has no email", contact_id=contact.contact_id)
        return
    try:
        _EMAIL.validate_python(contact.email)
    except ValidationError:
        logger.warning("stream record skipped: its email is not an email address", contact_id=contact.contact_id)
        return
    if image.get("created_via"):
        # Its creator (self-registration) sends its invitation itself: one email, not two.
        logger.info("stream record skipped: invited by its creator", contact_id=contact.contact_id)
        return
    outcome = invite_once(inserted={"contact_id": contact.contact_id})
    metrics.add_metric(
        name=_METRIC_BY_OUTCOME.get(outcome["outcome"], "AutoInvitesSkipped"), unit=MetricUnit.Count, value=1
    )


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency.register_lambda_context(context)
    with graph.reads.batch(inserted_contact_ids(event)):
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )


def inserted_contact_ids(event: dict[str, Any]) -> list[str]:
    """The contact ids the batch's INSERT records carry (in their keys), to read up front."""
    ids = []
    for record in event.get("Records") or []:
        key = ((record.get("dynamodb") or {}).get("Keys") or {}).get("contact_id") or {}
        if record.get("eventName") == "INSERT" and isinstance(key.get("S"), str):
            ids.append(key["S"])
    return ids
