"""What every function that sends invitations stands on (the invite functions and the
self-registration worker): the tables, the batch reads, the mail and the sending service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from portal_access.dal.accounts_table import AccountsTable
from portal_access.dal.activity_table import ActivityTable
from portal_access.dal.contacts_table import ContactsTable
from portal_access.dal.invitations_table import InvitationsTable
from portal_access.dal.invitations_table_pointers import InvitationPointers
from portal_access.dal.invitations_table_suppressions import SuppressionList
from portal_access.dal.settings_table import SettingsTable
from portal_access.dal.unit_of_work import UnitOfWork
from portal_access.domain.contacts import ContactRecords
from portal_access.domain.email_templates import EmailTemplates
from portal_access.domain.invitation_mail import InvitationMail
from portal_access.domain.mail import EmailDefaults, TemplateMail
from portal_access.domain.sending import InvitationSending
from portal_access.domain.sending_reads import SendingReads
from portal_access.email.sender import SesEmailSender, create_ses_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from portal_access.config import InvitationSendingConfig, InvitationTablesConfig
    from portal_access.domain.clock import Clock
    from portal_access.email.sender import EmailSender


@dataclass(frozen=True, slots=True)
class InvitationTables:
    """The tables of the invitations functions, and the reads sending makes besides its writes."""

    unit_of_work: UnitOfWork
    accounts: AccountsTable
    settings: SettingsTable
    activity: ActivityTable
    invitations: InvitationsTable
    pointers: InvitationPointers
    suppressions: SuppressionList
    templates: EmailTemplates
    contacts_table: ContactsTable
    contacts: ContactRecords
    reads: SendingReads


def build_tables(config: InvitationTablesConfig, *, client: DynamoDBClient, clock: Clock) -> InvitationTables:
    unit_of_work = UnitOfWork(client)
    accounts = AccountsTable(client, config.accounts_table)
    settings = SettingsTable(client, config.settings_table)
    activity = ActivityTable(client, config.activity_table)
    contacts = ContactsTable(client, config.contacts_table)
    pointers = InvitationPointers(client, config.invitations_table)
    suppressions = SuppressionList(client, config.invitations_table)
    templates = EmailTemplates(table=settings, clock=clock)
    return InvitationTables(
        unit_of_work=unit_of_work,
        accounts=accounts,
        settings=settings,
        activity=activity,
        invitations=InvitationsTable(client, config.invitations_table),
        pointers=pointers,
        suppressions=suppressions,
        templates=templates,
        contacts_table=contacts,
        contacts=ContactRecords(unit_of_work=unit_of_work, contacts=contacts, activity_log=activity, clock=clock),
        reads=SendingReads(
            accounts=accounts,
            settings=settings,
            templates=templates,
            options=settings.system_options,
            contacts=contacts,
            pointers=pointers,
            suppressions=suppressions,
        ),
    )


@dataclass(frozen=True, slots=True)
class SendingGraph:
    tables: InvitationTables
    template_mail: TemplateMail
    mail: InvitationMail
    sending: InvitationSending


def ses_sender(config: InvitationSendingConfig) -> SesEmailSender:
    """Through the configuration set that reports delivery, when the stack has one."""
    return SesEmailSender(create_ses_client, config.ses_configuration_set)


def build_sending(
    config: InvitationSendingConfig, *, client: DynamoDBClient, clock: Clock, sender: EmailSender
) -> SendingGraph:
    tables = build_tables(config, client=client, clock=clock)
    template_mail = TemplateMail(
        sender=sender,
        defaults=EmailDefaults(from_address=config.ses_from_address, portal_url=str(config.portal_url)),
    )
    mail = InvitationMail(mail=template_mail, reads=tables.reads)
    sending = InvitationSending(
        unit_of_work=tables.unit_of_work,
        invitations=tables.invitations,
        pointers=tables.pointers,
        contacts=tables.contacts,
        activity_log=tables.activity,
        reads=tables.reads,
        mail=mail,
        ttl=timedelta(days=config.invitation_ttl_days),
        clock=clock,
    )
    return SendingGraph(tables=tables, template_mail=template_mail, mail=mail, sending=sending)
