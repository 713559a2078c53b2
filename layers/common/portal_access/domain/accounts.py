"""Accounts (optionally with their first contacts), sites and invoices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.dal.accounts_table import AccountsTable, InvoiceRecord
from portal_access.dal.dynamodb import transact_write
from portal_access.dal.settings_table import SettingsTable
from portal_access.domain.codes import hash_code
from portal_access.domain.contacts import ContactsService, new_contact
from portal_access.domain.errors import InvalidInput, NotFound
from portal_access.models.accounts import Account, AccountCreate, InvoiceCreate, Site, SiteCreate
from portal_access.models.common import utc_now
from portal_access.models.contacts import Contact

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class AccountsService:
    def __init__(
        self,
        client: DynamoDBClient,
        accounts: AccountsTable,
        settings: SettingsTable,
        contacts: ContactsService,
    ) -> None:
        self._client = client
        self._accounts = accounts
        self._settings = settings
        self._contacts = contacts

    def create(self, data: AccountCreate, *, actor: str) -> tuple[Account, list[Contact]]:
        """The account and its contacts in one transaction: all of them exist, or none."""
        account = Account(**data.model_dump(exclude={"contacts"}), created_at=utc_now())
        contacts = [new_contact(account.account_id, c, level="account", site_id=None) for c in data.contacts]
        ops = [self._settings.class_exists_op(account.class_id), self._accounts.put_account_op(account)]
        for contact in contacts:
            ops.extend(self._contacts.creation_ops(contact, actor, source="account_created"))
        transact_write(self._client, ops)
        return account, contacts

    def get(self, account_id: str) -> Account:
        account = self._accounts.get_account(account_id)
        if account is None:
            raise NotFound(f"account {account_id} not found")
        return account

    def add_site(self, account_id: str, data: SiteCreate) -> Site:
        site = Site(**data.model_dump(), account_id=account_id, created_at=utc_now())
        transact_write(self._client, [self._accounts.account_exists_op(account_id), self._accounts.put_site_op(site)])
        return site

    def list_sites(
        self, account_id: str, *, search: str | None, cursor: str | None, limit: int
    ) -> tuple[list[Site], str | None]:
        self.get(account_id)
        return self._accounts.list_sites(account_id, search=search, cursor=cursor, limit=limit)

    def record_invoice(self, data: InvoiceCreate) -> InvoiceRecord:
        invoice = InvoiceRecord(
            **data.model_dump(exclude={"quick_pay_code"}),
            quick_pay_code_hash=hash_code(data.quick_pay_code),
            created_at=utc_now(),
        )
        unknown_account = InvalidInput(f"account {data.account_id} does not exist", field="account_id")
        transact_write(
            self._client,
            [
                self._accounts.account_exists_op(data.account_id, missing=unknown_account),
                self._accounts.put_invoice_op(invoice),
            ],
        )
        return invoice
