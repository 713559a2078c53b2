"""The scheduled invitations job (hourly): records expiries and sends the one reminder before
them (domain/reminders.py). Each step is a conditional write, so a run that overlaps another,
or is retried, repeats nothing."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from portal_access.config import InvitationJobsConfig
from portal_access.dal.activity_table import ActivityTable
from portal_access.dal.dynamodb import create_client
from portal_access.dal.invitations_table import InvitationsTable
from portal_access.domain.invitations import build_invitations_service
from portal_access.domain.reminders import InvitationJobs
from portal_access.email.sender import SesEmailSender, create_ses_client
from portal_access.observability import logger, metrics

config = InvitationJobsConfig.from_env()
client = create_client()
sender = SesEmailSender(create_ses_client, config.ses_configuration_set)
invitations = build_invitations_service(client, config, sender=sender)
jobs = InvitationJobs(
    client,
    invitations=InvitationsTable(client, config.invitations_table),
    activity_log=ActivityTable(client, config.activity_table),
    contacts=invitations.contacts,
    sending=invitations,
    reminder_days=config.invite_reminder_days,
)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = jobs.run()
    logger.info("invitations job done", expired=len(report.expired), reminded=len(report.reminded))
    metrics.add_metric(name="InvitationsExpired", unit=MetricUnit.Count, value=len(report.expired))
    metrics.add_metric(name="InvitationRemindersSent", unit=MetricUnit.Count, value=len(report.reminded))
    return {"expired": report.expired, "reminded": report.reminded, "skipped": report.skipped}
