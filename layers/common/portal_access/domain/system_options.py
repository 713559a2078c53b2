"""System Options Setup, Customer Portal section."""

from typing import Protocol

from portal_access.dal.settings_table import SettingsTable
from portal_access.domain.email_templates import EmailTemplates
from portal_access.domain.errors import InvalidInput
from portal_access.models.settings import SystemOptions


class SenderIdentities(Protocol):
    def can_send_from(self, address: str) -> bool: ...


class SystemOptionsService:
    def __init__(
        self, table: SettingsTable, templates: EmailTemplates, *, senders: SenderIdentities | None = None
    ) -> None:
        self._table = table
        self._templates = templates
        self._senders = senders  # given where options are saved

    def get(self) -> SystemOptions:
        """Stored options, or the defaults (every customer-facing switch off) before any save."""
        return self._table.get_system_options() or SystemOptions()

    def replace(self, options: SystemOptions) -> SystemOptions:
        for field in ("invite_email_template", "account_request_address_found_template"):
            name = getattr(options, field)
            if not self._templates.exists(name):
                raise InvalidInput(f"{field} names an email template that does not exist: {name!r}", field=field)
        sender = options.account_invite_from_email
        if sender and self._senders and not self._senders.can_send_from(str(sender)):
            # Saved, every invitation would fail at SES: refuse it now, where staff can fix it.
            raise InvalidInput(
                f"account_invite_from_email: SES cannot send from {sender}: neither the address nor its domain"
                " is a verified SES identity of this account; verify it in SES first",
                field="account_invite_from_email",
            )
        self._table.put_system_options(options)
        return options
