"""System Options Setup, Customer Portal section."""

from collections.abc import Callable
from typing import Protocol

from portal_access.dal.settings_table import SettingsTable
from portal_access.domain.email_templates import EmailTemplates
from portal_access.domain.errors import InvalidInput
from portal_access.models.settings import SystemOptions

# Where a service reads the options: the stored ones (or the defaults) as of now, or as of the
# start of a batch, or cached for a while (dal/options_cache.py): the composition root picks one.
OptionsSource = Callable[[], SystemOptions]


class SenderIdentities(Protocol):
    def can_send_from(self, address: str) -> bool: ...


class SystemOptionsService:
    def __init__(self, *, table: SettingsTable, templates: EmailTemplates, senders: SenderIdentities) -> None:
        self._table = table
        self._templates = templates
        self._senders = senders

    def get(self) -> SystemOptions:
        """Stored options, or the defaults (every customer-facing switch off) before any save."""
        return self._table.system_options()

    def replace(self, options: SystemOptions) -> SystemOptions:
        for field in ("invite_email_template", "account_request_address_found_template"):
            name = getattr(options, field)
            if not self._templates.exists(name):
                raise InvalidInput(f"{field} names an email template that does not exist: {name!r}", field=field)
        sender = options.account_invite_from_email
        if sender and not self._senders.can_send_from(str(sender)):
            # Saved, every invitation would fail at SES: refuse it now, where staff can fix it.
            raise InvalidInput(
                f"account_invite_from_email: SES cannot send from {sender}: neither the address nor its domain"
                " is a verified SES identity of this account; verify it in SES first",
                field="account_invite_from_email",
            )
        self._table.put_system_options(options)
        return options
