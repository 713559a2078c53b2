"""The scheduled invitations job (hourly): records expiries and sends the one reminder before
them (domain/reminders.py). Each step is a conditional write, so a run that overlaps another,
or is retried, repeats nothing."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from portal_access.config import InvitationJobsConfig
from portal_access.observability import logger, metrics
from portal_access.wiring.invite import build_jobs

jobs = build_jobs(InvitationJobsConfig.from_env())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = jobs.run()
    logger.info("invitations job done", expired=len(report.expired), reminded=len(report.reminded))
    metrics.add_metric(name="InvitationsExpired", unit=MetricUnit.Count, value=len(report.expired))
    metrics.add_metric(name="InvitationRemindersSent", unit=MetricUnit.Count, value=len(report.reminded))
    return {"expired": report.expired, "reminded": report.reminded, "skipped": report.skipped}
