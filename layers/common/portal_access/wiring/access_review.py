"""The access review (functions/access_review/)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.dal.accounts_table import AccountsTable
from portal_access.dal.contacts_table import ContactsTable
from portal_access.dal.dynamodb import create_client
from portal_access.dal.invitations_table import InvitationsTable
from portal_access.dal.invitations_table_pointers import InvitationPointers
from portal_access.dal.login_records import LoginRecords
from portal_access.domain.access_review import AccessReview
from portal_access.domain.clock import system_clock

if TYPE_CHECKING:
    from portal_access.config import AccessReviewConfig


def build_access_review(config: AccessReviewConfig) -> AccessReview:
    client = create_client()
    return AccessReview(
        accounts=AccountsTable(client, config.accounts_table),
        contacts=ContactsTable(client, config.contacts_table),
        logins=LoginRecords(client, config.invitations_table),
        pointers=InvitationPointers(client, config.invitations_table),
        invitations=InvitationsTable(client, config.invitations_table),
        clock=system_clock,
    )
