"""The SES delivery events consumer (functions/delivery/)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.dal.activity_table import ActivityTable
from portal_access.dal.dynamodb import create_client
from portal_access.dal.invitations_table import InvitationsTable
from portal_access.dal.invitations_table_suppressions import SuppressionList
from portal_access.dal.unit_of_work import UnitOfWork
from portal_access.domain.clock import system_clock
from portal_access.domain.delivery import DeliveryService

if TYPE_CHECKING:
    from portal_access.config import DeliveryEventsConfig


def build_delivery(config: DeliveryEventsConfig) -> DeliveryService:
    client = create_client()
    return DeliveryService(
        unit_of_work=UnitOfWork(client),
        invitations=InvitationsTable(client, config.invitations_table),
        suppressions=SuppressionList(client, config.invitations_table),
        activity_log=ActivityTable(client, config.activity_table),
        clock=system_clock,
    )
