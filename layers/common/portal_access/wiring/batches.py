"""Invitation batches' staff API (functions/batches/app.py) and the selection walker it shares
with the queue worker (wiring/batch_worker.py, kept apart so the API's cold start loads no sending)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.dal.accounts_table import AccountsTable
from portal_access.dal.batch_queue import BatchQueue
from portal_access.dal.contacts_table import ContactsTable
from portal_access.dal.dynamodb import create_client
from portal_access.dal.invitations_table import InvitationsTable
from portal_access.dal.invitations_table_batches import InvitationBatchRecords
from portal_access.dal.invitations_table_pointers import InvitationPointers
from portal_access.dal.invitations_table_suppressions import SuppressionList
from portal_access.dal.settings_table import SettingsTable
from portal_access.dal.sqs_queue import create_sqs_client
from portal_access.domain.batch_selection import SelectionWalker
from portal_access.domain.clock import system_clock
from portal_access.domain.invitation_batches import InvitationBatches
from portal_access.domain.portal_status import PortalStates

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_dynamodb import DynamoDBClient

    from portal_access.config import InvitationBatchesApiConfig, InvitationTablesConfig
    from portal_access.domain.clock import Clock


def walker_factory(
    config: InvitationTablesConfig | InvitationBatchesApiConfig, *, client: DynamoDBClient, clock: Clock
) -> Callable[[], SelectionWalker]:
    """A new walker per walk (it keeps the classes it read for that walk only)."""
    accounts = AccountsTable(client, config.accounts_table)
    contacts = ContactsTable(client, config.contacts_table)
    states = PortalStates(
        accounts=accounts,
        settings=SettingsTable(client, config.settings_table),
        pointers=InvitationPointers(client, config.invitations_table),
        invitations=InvitationsTable(client, config.invitations_table),
        suppressions=SuppressionList(client, config.invitations_table),
        clock=clock,
    )
    return lambda: SelectionWalker(accounts=accounts, contacts=contacts, states=states)


def build_batches_api(config: InvitationBatchesApiConfig) -> InvitationBatches:
    clock = system_clock
    client = create_client()
    return InvitationBatches(
        walker=walker_factory(config, client=client, clock=clock),
        records=InvitationBatchRecords(client, config.invitations_table),
        queue=BatchQueue(create_sqs_client, config.queue_url),
        clock=clock,
    )
