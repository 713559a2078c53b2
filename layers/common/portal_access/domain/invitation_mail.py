"""The emails about an invitation: the invitation itself, its reminder (a link of its own), and
"you already have a login" for an email that is already a portal user. Each is rendered from
its staff-editable template and tagged, so SES's delivery events find the invitation again."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from portal_access.domain.clock import human_time
from portal_access.domain.email_templates import ALREADY_REGISTERED_TEMPLATE
from portal_access.domain.errors import NotFound
from portal_access.domain.tokens import invite_link
from portal_access.models.delivery import INVITATION_TAG, KIND_TAG

if TYPE_CHECKING:
    from portal_access.dal.invitation_records import InvitationRecord
    from portal_access.domain.mail import TemplateMail
    from portal_access.domain.sending_reads import SendingReads
    from portal_access.models.accounts import Account
    from portal_access.models.contacts import Contact
    from portal_access.models.settings import SystemOptions


class InvitationMail:
    def __init__(self, *, mail: TemplateMail, reads: SendingReads) -> None:
        self._mail = mail
        self._reads = reads

    def account_of(self, contact: Contact) -> Account:
        account = self._reads.account(contact.account_id)
        if account is None:
            raise NotFound(f"account {contact.account_id} not found")
        return account

    def send_link(
        self,
        *,
        invitation_id: str,
        contact: Contact,
        account: Account,
        options: SystemOptions,
        email: str,
        template_name: str,
        token: str,
        expires: datetime,
        kind: str,
    ) -> str:
        """Render `template_name` with a link carrying `token` and send it to `email`; the SES
        message id, or `EmailSendFailed` / `InvalidInput` / `NotFound` (no such template)."""
        context = {
            **self._context(contact, account, options, email=email),
            "invite_link": invite_link(self._mail.portal_url(options), token),
            "expires_at": human_time(expires),
        }
        tags = {INVITATION_TAG: invitation_id, KIND_TAG: kind}
        return self._mail.send(self._reads.template(template_name), context, options, to=email, tags=tags)

    def email_invitation_link(
        self, record: InvitationRecord, contact: Contact, template_name: str, *, token: str, kind: str
    ) -> str:
        """The reminder's path: a new link to the invitation's email, which expires with it."""
        return self.send_link(
            invitation_id=record.invitation_id,
            contact=contact,
            account=self.account_of(contact),
            options=self._reads.options(),
            email=record.email,
            template_name=template_name,
            token=token,
            expires=datetime.fromisoformat(record.expires_at),
            kind=kind,
        )

    def login_reminder(self, contact: Contact, account: Account, *, email: str) -> str:
        """Template "Portal Login Reminder"; the message id, or `EmailSendFailed` / `InvalidInput`."""
        options = self._reads.options()
        context = self._context(contact, account, options, email=email)
        template = self._reads.template(ALREADY_REGISTERED_TEMPLATE)
        return self._mail.send(template, context, options, to=email, tags={KIND_TAG: "login_reminder"})

    def _context(self, contact: Contact, account: Account, options: SystemOptions, *, email: str) -> dict[str, str]:
        return {
            "contact_name": contact.name,
            "account_name": account.name,
            "account_id": account.account_id,
            "email": email,
            "portal_url": self._mail.portal_url(options),
        }
