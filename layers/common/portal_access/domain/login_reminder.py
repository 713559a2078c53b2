"""A login reminder: self-registration for an email that is already a portal user of the account
gets "you already have a login" (template "Portal Login Reminder") instead of an invitation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.domain.activity import activity
from portal_access.domain.clock import iso
from portal_access.domain.email_templates import ALREADY_REGISTERED_TEMPLATE
from portal_access.domain.errors import InvalidInput
from portal_access.domain.sending import email_of
from portal_access.email.sender import EmailSendFailed
from portal_access.observability import logger

if TYPE_CHECKING:
    from portal_access.dal.activity_table import ActivityTable
    from portal_access.domain.clock import Clock
    from portal_access.domain.invitation_mail import InvitationMail
    from portal_access.models.contacts import Contact


class LoginReminders:
    def __init__(self, *, mail: InvitationMail, activity_log: ActivityTable, clock: Clock) -> None:
        self._mail = mail
        self._activity = activity_log
        self._clock = clock

    def send(self, contact: Contact, *, actor: str) -> bool:
        """True when SES took it (recorded in the contact's history); False, logged, when not."""
        email = email_of(contact)
        account = self._mail.account_of(contact)
        try:
            self._mail.login_reminder(contact, account, email=email)
        except (EmailSendFailed, InvalidInput) as error:
            reason = error.reason if isinstance(error, EmailSendFailed) else error.message
            logger.warning("login reminder not sent", contact_id=contact.contact_id, reason=reason)
            return False
        entry = activity(
            contact.contact_id,
            actor,
            "login_reminder_sent",
            at=iso(self._clock()),
            template=ALREADY_REGISTERED_TEMPLATE,
        )
        self._activity.put(entry)
        return True
