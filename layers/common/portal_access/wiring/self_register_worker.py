"""The self-registration queue's worker (functions/self_register/worker.py): Request Login
attempts, sent through the invitations' sending graph, and requests for access by address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from portal_access.dal.dynamodb import create_client
from portal_access.dal.portal_requests_table import PortalRequestsTable
from portal_access.dal.rate_limits_table import RateLimit, RateLimitsTable
from portal_access.domain.access_requests import AccessRequestsService
from portal_access.domain.clock import system_clock
from portal_access.domain.login_reminder import LoginReminders
from portal_access.domain.public_limits import ProofFailures
from portal_access.domain.self_registration import SelfRegistrationService
from portal_access.wiring.sending import build_sending, ses_sender

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from portal_access.config import SelfRegistrationWorkerConfig
    from portal_access.domain.sending_reads import SendingReads


@dataclass(frozen=True, slots=True)
class Worker:
    client: DynamoDBClient  # the idempotency layer's too
    reads: SendingReads  # a batch reads each account, class, the options and a template once
    proof_failures: ProofFailures
    self_registrations: SelfRegistrationService
    access_requests: AccessRequestsService


def build_worker(config: SelfRegistrationWorkerConfig) -> Worker:
    clock = system_clock
    client = create_client()
    graph = build_sending(config, client=client, clock=clock, sender=ses_sender(config))
    tables = graph.tables
    requests = PortalRequestsTable(client, config.portal_requests_table)
    proof_failures = ProofFailures(
        table=RateLimitsTable(client, config.rate_limits_table, clock=clock),
        rate=RateLimit(limit=config.proof_failure_limit, window_seconds=config.rate_window_seconds),
    )
    return Worker(
        client=client,
        reads=tables.reads,
        proof_failures=proof_failures,
        self_registrations=SelfRegistrationService(
            accounts=tables.accounts,
            contacts=tables.contacts_table,
            activity_log=tables.activity,
            sending=graph.sending,
            login_reminders=LoginReminders(mail=graph.mail, activity_log=tables.activity, clock=clock),
            reads=tables.reads,
            proof_failures=proof_failures,
            requests=requests,
            clock=clock,
        ),
        access_requests=AccessRequestsService(
            accounts=tables.accounts,
            requests=requests,
            options=tables.reads.options,
            templates=tables.templates,
            mail=graph.template_mail,
        ),
    )
