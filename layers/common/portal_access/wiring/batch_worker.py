"""The invitation batches' queue worker (functions/batches/worker.py): planner pages and paced sends."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from portal_access.dal.batch_queue import BatchQueue
from portal_access.dal.dynamodb import create_client
from portal_access.dal.invitations_table_batches import InvitationBatchRecords
from portal_access.dal.rate_limits_table import RateLimitsTable
from portal_access.dal.sqs_queue import create_sqs_client
from portal_access.domain.batch_sending import BatchSending
from portal_access.domain.clock import system_clock
from portal_access.domain.send_pacing import SendPacer
from portal_access.wiring.batches import walker_factory
from portal_access.wiring.sending import build_sending, ses_sender

if TYPE_CHECKING:
    from portal_access.config import InvitationBatchWorkerConfig


def build_batch_worker(config: InvitationBatchWorkerConfig) -> BatchSending:
    clock = system_clock
    client = create_client()
    graph = build_sending(config, client=client, clock=clock, sender=ses_sender(config))
    pacer = SendPacer(
        table=RateLimitsTable(client, config.rate_limits_table, clock=clock),
        rate_per_second=config.send_rate_per_second,
        clock=clock,
        sleep=time.sleep,
    )
    return BatchSending(
        walker=walker_factory(config, client=client, clock=clock),
        records=InvitationBatchRecords(client, config.invitations_table),
        invitations=graph.tables.invitations,
        sending=graph.sending,
        reads=graph.tables.reads,
        pacer=pacer,
        queue=BatchQueue(create_sqs_client, config.queue_url),
        clock=clock,
    )
