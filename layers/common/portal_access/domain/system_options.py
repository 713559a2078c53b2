"""System Options Setup, Customer Portal section."""

from portal_access.dal.settings_table import SettingsTable
from portal_access.domain.email_templates import EmailTemplates
from portal_access.errors import InvalidInput
from portal_access.models.settings import SystemOptions


class SystemOptionsService:
    def __init__(self, table: SettingsTable, templates: EmailTemplates) -> None:
        self._table = table
        self._templates = templates

    def get(self) -> SystemOptions:
        """Stored options, or the defaults (every customer-facing switch off) before any save."""
        return self._table.get_system_options() or SystemOptions()

    def replace(self, options: SystemOptions) -> SystemOptions:
        for field in ("invite_email_template", "account_request_address_found_template"):
            name = getattr(options, field)
            if not self._templates.exists(name):
                raise InvalidInput(f"{field} names an email template that does not exist: {name!r}", field=field)
        self._table.put_system_options(options)
        return options
