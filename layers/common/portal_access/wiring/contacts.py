"""The staff API (functions/contacts/): accounts, sites, classes, options, templates, invoices,
contacts; one ContactsService, with the portal login switch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from portal_access.dal.accounts_table import AccountsTable
from portal_access.dal.activity_table import ActivityTable
from portal_access.dal.contacts_table import ContactsTable
from portal_access.dal.dynamodb import create_client
from portal_access.dal.invitations_table import InvitationsTable
from portal_access.dal.invitations_table_pointers import InvitationPointers
from portal_access.dal.invitations_table_suppressions import SuppressionList
from portal_access.dal.login_records import LoginRecords
from portal_access.dal.portal_logins import PortalLogins, create_cognito_client
from portal_access.dal.settings_table import SettingsTable
from portal_access.dal.unit_of_work import UnitOfWork
from portal_access.domain.account_classes import AccountClasses
from portal_access.domain.accounts import AccountsService
from portal_access.domain.clock import system_clock
from portal_access.domain.contacts import ContactRecords, ContactsService
from portal_access.domain.email_templates import EmailTemplates
from portal_access.domain.portal_status import PortalStates, StaffContactViews
from portal_access.domain.system_options import SystemOptionsService
from portal_access.email.identities import SesSenderIdentities
from portal_access.email.sender import create_ses_client

if TYPE_CHECKING:
    from portal_access.config import ContactsApiConfig


@dataclass(frozen=True, slots=True)
class ContactsApi:
    portal_logins: PortalLogins
    contacts: ContactsService
    views: StaffContactViews
    accounts: AccountsService
    account_classes: AccountClasses
    email_templates: EmailTemplates
    system_options: SystemOptionsService


def build_contacts_api(config: ContactsApiConfig) -> ContactsApi:
    clock = system_clock
    client = create_client()
    unit_of_work = UnitOfWork(client)
    accounts_table = AccountsTable(client, config.accounts_table)
    settings_table = SettingsTable(client, config.settings_table)
    contacts_table = ContactsTable(client, config.contacts_table)
    activity_table = ActivityTable(client, config.activity_table)
    portal_logins = PortalLogins(create_cognito_client, config.portal_user_pool_id)
    records = ContactRecords(
        unit_of_work=unit_of_work, contacts=contacts_table, activity_log=activity_table, clock=clock
    )
    email_templates = EmailTemplates(table=settings_table, clock=clock)
    states = PortalStates(
        accounts=accounts_table,
        settings=settings_table,
        pointers=InvitationPointers(client, config.invitations_table),
        invitations=InvitationsTable(client, config.invitations_table),
        suppressions=SuppressionList(client, config.invitations_table),
        clock=clock,
    )
    return ContactsApi(
        portal_logins=portal_logins,
        contacts=ContactsService(
            records=records,
            unit_of_work=unit_of_work,
            contacts=contacts_table,
            accounts=accounts_table,
            activity_log=activity_table,
            logins=portal_logins,
            login_records=LoginRecords(client, config.invitations_table),
            clock=clock,
        ),
        views=StaffContactViews(contacts=contacts_table, records=records, states=states),
        accounts=AccountsService(
            unit_of_work=unit_of_work, accounts=accounts_table, settings=settings_table, contacts=records, clock=clock
        ),
        account_classes=AccountClasses(table=settings_table, clock=clock),
        email_templates=email_templates,
        system_options=SystemOptionsService(
            table=settings_table, templates=email_templates, senders=SesSenderIdentities(create_ses_client)
        ),
    )
