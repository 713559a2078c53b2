"""What sending an invitation reads besides the invitation it writes, and the batch that reads
each of those once.

An HTTP route reads as it goes. A stream or queue batch runs inside `batch()`: there an account,
an account class, the system options and a template are read once and kept until the batch
ends, and the contacts the batch names are read up front with their invitation pointers and
their emails' suppression entries, one strongly consistent BatchGetItem each. What a batch keeps
is at most that batch's few seconds old, as if its records had arrived a moment earlier. A
prefetched contact, pointer or suppression entry is handed out once (a later read in the same
batch goes to DynamoDB); the pointer is only what the send's transaction expects, so a stale
one costs a retry, never a wrong write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import BotoCoreError, ClientError

from portal_access.dal.dynamodb import BatchGetIncomplete
from portal_access.models.common import normalized_email
from portal_access.observability import logger

if TYPE_CHECKING:
    from portal_access.dal.accounts_table import AccountsTable
    from portal_access.dal.contacts_table import ContactsTable
    from portal_access.dal.invitation_records import Suppression
    from portal_access.dal.invitations_table_pointers import InvitationPointers
    from portal_access.dal.invitations_table_suppressions import SuppressionList
    from portal_access.dal.settings_table import SettingsTable
    from portal_access.domain.email_templates import EmailTemplates
    from portal_access.domain.system_options import OptionsSource
    from portal_access.models.accounts import Account
    from portal_access.models.contacts import Contact
    from portal_access.models.settings import AccountClass, EmailTemplate, SystemOptions

MAX_PREFETCHED = 100  # one BatchGetItem per table; a larger batch reads the rest one by one


class SendingReads:
    def __init__(
        self,
        *,
        accounts: AccountsTable,
        settings: SettingsTable,
        templates: EmailTemplates,
        options: OptionsSource,
        contacts: ContactsTable,
        pointers: InvitationPointers,
        suppressions: SuppressionList,
    ) -> None:
        self._accounts = accounts
        self._settings = settings
        self._templates = templates
        self._options = options
        self._contacts = contacts
        self._pointers = pointers
        self._suppressions = suppressions
        self._kept: dict[tuple[str, str], Any] | None = None  # None: not in a batch
        self._contacts_ahead: dict[str, Contact | None] = {}
        self._pointers_ahead: dict[str, str | None] = {}
        self._suppressions_ahead: dict[str, Suppression | None] = {}

    @contextmanager
    def batch(self, contact_ids: Sequence[str] = (), emails: Sequence[str] = ()) -> Iterator[None]:
        """Keep what is read until the block ends; read `contact_ids` (and pointers) up front, and
        the suppression entries of their emails and of `emails`."""
        self._kept = {}
        try:
            self._read_ahead(list(dict.fromkeys(contact_ids))[:MAX_PREFETCHED], emails)
            yield
        finally:
            self._kept = None
            self._contacts_ahead = {}
            self._pointers_ahead = {}
            self._suppressions_ahead = {}

    def _read_ahead(self, contact_ids: list[str], emails: Sequence[str]) -> None:
        """A failed read ahead fails no record: each reads its own contact, pointer and
        suppression entry instead."""
        addresses = [normalized_email(e) for e in emails]
        try:
            if contact_ids:
                found = {c.contact_id: c for c in self._contacts.get_many(contact_ids)}
                pointers = self._pointers.latest_invitation_ids(contact_ids)
                addresses += [normalized_email(c.email) for c in found.values() if c.email]
            addresses = list(dict.fromkeys(addresses))[:MAX_PREFETCHED]
            suppressed = self._suppressions.get_many(addresses) if addresses else {}
        except (BotoCoreError, ClientError, BatchGetIncomplete) as error:
            logger.warning("batch read ahead failed: reading record by record", error=type(error).__name__)
            return
        if contact_ids:
            self._contacts_ahead = {c: found.get(c) for c in contact_ids}
            self._pointers_ahead = {c: pointers.get(c) for c in contact_ids}
        self._suppressions_ahead = {e: suppressed.get(e) for e in addresses}

    def _once[T](self, kind: str, key: str, read: Callable[[], T]) -> T:
        if self._kept is None:
            return read()
        if (kind, key) not in self._kept:
            self._kept[(kind, key)] = read()
        return cast("T", self._kept[(kind, key)])

    def account(self, account_id: str) -> Account | None:
        return self._once("account", account_id, lambda: self._accounts.get_account(account_id))

    def account_class(self, class_id: str) -> AccountClass | None:
        return self._once("class", class_id, lambda: self._settings.get_class(class_id))

    def portal_class(self, account: Account) -> AccountClass | None:
        """The account's class when it has portal access switched on, else None."""
        account_class = self.account_class(account.class_id)
        return account_class if account_class and account_class.enable_portal_access else None

    def options(self) -> SystemOptions:
        return self._once("options", "", self._options)

    def template(self, name: str) -> EmailTemplate:
        """The template, or NotFound (not kept: asked again, it is read again)."""
        return self._once("template", name, lambda: self._templates.get(name))

    def contact(self, contact_id: str) -> Contact | None:
        if contact_id in self._contacts_ahead:
            return self._contacts_ahead.pop(contact_id)
        return self._contacts.get(contact_id)

    def latest_invitation_id(self, contact_id: str) -> str | None:
        if contact_id in self._pointers_ahead:
            return self._pointers_ahead.pop(contact_id)
        return self._pointers.latest_invitation_id(contact_id)

    def suppression(self, email: str) -> Suppression | None:
        """The email's entry on the suppression list, or None."""
        if email in self._suppressions_ahead:
            return self._suppressions_ahead.pop(email)
        return self._suppressions.get(email)
