"""Accounts (optionally with their first contacts), sites and invoices."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from portal_access.dal.accounts_table import InvoiceRecord, normalized_search
from portal_access.domain.clock import iso
from portal_access.domain.codes import hash_code
from portal_access.domain.contacts import new_contact
from portal_access.domain.errors import InvalidInput, NotFound
from portal_access.models.accounts import Account, AccountCreate, InvoiceCreate, Site, SiteCreate
from portal_access.models.common import IDENTIFIER_MAX_LENGTH, IDENTIFIER_PATTERN
from portal_access.models.contacts import Contact

MAX_SEARCH_LENGTH = 100
_ACCOUNT_NUMBER = re.compile(IDENTIFIER_PATTERN)

if TYPE_CHECKING:
    from portal_access.dal.accounts_table import AccountsTable
    from portal_access.dal.settings_table import SettingsTable
    from portal_access.dal.unit_of_work import UnitOfWork
    from portal_access.domain.clock import Clock
    from portal_access.domain.contacts import ContactRecords


class AccountsService:
    def __init__(
        self,
        *,
        unit_of_work: UnitOfWork,
        accounts: AccountsTable,
        settings: SettingsTable,
        contacts: ContactRecords,
        clock: Clock,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._accounts = accounts
        self._settings = settings
        self._contacts = contacts
        self._clock = clock

    def create(self, data: AccountCreate, *, actor: str) -> tuple[Account, list[Contact]]:
        """The account and its contacts in one transaction: all of them exist, or none."""
        account = Account(**data.model_dump(exclude={"contacts"}), created_at=iso(self._clock()))
        contacts = [
            new_contact(account.account_id, c, level="account", site_id=None, now=account.created_at)
            for c in data.contacts
        ]
        ops = [
            self._settings.class_exists_op(account.class_id),
            self._accounts.put_account_op(account),
            *self._accounts.search_term_ops(account),
        ]
        for contact in contacts:
            ops.extend(self._contacts.creation_ops(contact, actor, source="account_created"))
        self._unit_of_work.commit(ops)
        return account, contacts

    def get(self, account_id: str) -> Account:
        account = self._accounts.get_account(account_id)
        if account is None:
            raise NotFound(f"account {account_id} not found")
        return account

    def search(self, text: str, *, cursor: str | None, limit: int) -> tuple[list[Account], str | None]:
        """Accounts whose number, name, or a further word of the name starts with `text` (any
        case): one page of the search index. An exact account number is always found: its account
        heads the first page (one GetItem) and is left out of every page of the index."""
        prefix = normalized_search(text)
        if not prefix:
            raise InvalidInput("search: type an account number or the start of a name", field="search")
        if len(prefix) > MAX_SEARCH_LENGTH:
            raise InvalidInput(f"search: at most {MAX_SEARCH_LENGTH} characters", field="search")
        typed = text.strip()
        number = typed if len(typed) <= IDENTIFIER_MAX_LENGTH and _ACCOUNT_NUMBER.match(typed) else None
        exact = self._accounts.get_account(number) if number and cursor is None else None
        found, next_cursor = self._accounts.search_accounts(prefix, cursor=cursor, limit=limit, exclude=number)
        return ([exact, *found] if exact else found), next_cursor

    def add_site(self, account_id: str, data: SiteCreate) -> Site:
        site = Site(**data.model_dump(), account_id=account_id, created_at=iso(self._clock()))
        self._unit_of_work.commit([self._accounts.account_exists_op(account_id), self._accounts.put_site_op(site)])
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
            created_at=iso(self._clock()),
        )
        unknown_account = InvalidInput(f"account {data.account_id} does not exist", field="account_id")
        self._unit_of_work.commit(
            [
                self._accounts.account_exists_op(data.account_id, missing=unknown_account),
                self._accounts.put_invoice_op(invoice),
            ],
        )
        return invoice
