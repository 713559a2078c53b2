"""Outgoing email from staff-editable templates: render, pick the from-address, send.

The system options name the from-address and the portal URL; the deployment's defaults stand
in for what they leave empty. Every email the service sends goes through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from portal_access.email.render import render_email
from portal_access.email.sender import EmailMessage

if TYPE_CHECKING:
    from portal_access.email.sender import EmailSender
    from portal_access.models.settings import EmailTemplate, SystemOptions


@dataclass(frozen=True, slots=True)
class EmailDefaults:
    """What the deployment uses when the system options name no from-address or portal URL."""

    from_address: str
    portal_url: str


class TemplateMail:
    def __init__(self, *, sender: EmailSender, defaults: EmailDefaults) -> None:
        self._sender = sender
        self._defaults = defaults

    def portal_url(self, options: SystemOptions) -> str:
        """System options' customer_portal_url, else the stack's PortalOrigin; never a request's Host."""
        return str(options.customer_portal_url or self._defaults.portal_url).rstrip("/")

    def send(
        self,
        template: EmailTemplate,
        context: Mapping[str, str],
        options: SystemOptions,
        *,
        to: str,
        tags: Mapping[str, str] | None = None,
    ) -> str:
        """The SES message id; `InvalidInput` when the template does not render, `EmailSendFailed`."""
        rendered = render_email(template, dict(context))
        return self._sender.send(
            EmailMessage(
                sender=str(options.account_invite_from_email or self._defaults.from_address),
                to=to,
                subject=rendered.subject,
                html=rendered.html,
                text=rendered.text,
                tags=dict(tags or {}),
            )
        )
