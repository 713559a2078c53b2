"""The signed-in portal routes (functions/portal/): one access decision over the tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.dal.accounts_table import AccountsTable
from portal_access.dal.contacts_table import ContactsTable
from portal_access.dal.dynamodb import create_client
from portal_access.dal.settings_table import SettingsTable
from portal_access.domain.access import PortalGrants

if TYPE_CHECKING:
    from portal_access.config import PortalApiConfig


def build_portal_grants(config: PortalApiConfig) -> PortalGrants:
    client = create_client()
    return PortalGrants(
        contacts=ContactsTable(client, config.contacts_table),
        accounts=AccountsTable(client, config.accounts_table),
        settings=SettingsTable(client, config.settings_table),
    )
