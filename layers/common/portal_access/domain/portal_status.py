"""A page of contacts' portal state, read with a fixed number of calls per page.

The Contacts grid, a staff contact view and an invitation batch's planner all ask the same
question of a page of contacts (one Query of `by_account`, at most 100): has each been invited,
did the email arrive, can it sign in? Per page this reads, whatever the page's size:

- the contacts' invitation pointers (one consistent BatchGetItem),
- the latest invitations they name (one BatchGetItem),
- the suppression entries of their emails (one consistent BatchGetItem),
- the account and its class (one Get each, unless the caller has them: the grid read the
  account already; a planner keeps them per account).

`status_of` is pure: what the reads mean, in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from portal_access.domain.clock import iso
from portal_access.domain.errors import NotFound
from portal_access.domain.invitation_views import status_at
from portal_access.models.common import normalized_email
from portal_access.models.contacts import StaffContact

if TYPE_CHECKING:
    from portal_access.dal.accounts_table import AccountsTable
    from portal_access.dal.contacts_table import ContactsTable
    from portal_access.dal.invitation_records import InvitationRecord
    from portal_access.dal.invitations_table import InvitationsTable
    from portal_access.dal.invitations_table_pointers import InvitationPointers
    from portal_access.dal.invitations_table_suppressions import SuppressionList
    from portal_access.dal.settings_table import SettingsTable
    from portal_access.domain.clock import Clock
    from portal_access.domain.contacts import ContactRecords
    from portal_access.models.accounts import Account
    from portal_access.models.batches import Account as BatchAccount
    from portal_access.models.contacts import Contact, PortalStatus
    from portal_access.models.settings import AccountClass

MAX_CONTACTS_PER_PAGE = 100  # one BatchGetItem per table per page


@dataclass(frozen=True, slots=True)
class AccountPortal:
    """What an account lets its contacts do: active, and its class has portal access on."""

    account_id: str
    active: bool
    account_class: AccountClass | None

    @property
    def class_allows(self) -> bool:
        return self.account_class is not None and self.account_class.enable_portal_access


@dataclass(frozen=True, slots=True)
class ContactState:
    contact: Contact
    status: PortalStatus
    email_undeliverable: bool
    latest_invitation_id: str | None  # the pointer as read: a batch's send expects it unchanged
    latest: InvitationRecord | None


def status_of(
    contact: Contact, portal: AccountPortal, latest: InvitationRecord | None, *, suppressed: bool, now: str
) -> PortalStatus:
    """`active` / `disabled`: a login is linked (disabled when the contact, the class or the account
    lets it see nothing); else `undeliverable` (the email is on the suppression list, or the latest
    invitation bounced or was complained about); else by the latest invitation: `none` (never
    invited, or the only attempt never reached SES), `invited` (unused, not yet reported
    delivered), `delivered`, `expired` (unused past its expiry, or revoked without a successor)."""
    if contact.portal_user:
        enabled = contact.enable_portal_access and portal.class_allows and portal.active
        return "active" if enabled else "disabled"
    if suppressed or (latest is not None and latest.delivery in ("bounced", "complained") and latest.status == "sent"):
        return "undeliverable"
    if latest is None or latest.status in ("failed", "accepted"):
        return "none"
    status = status_at(latest, now)
    if status in ("expired", "revoked"):
        return "expired"
    return "delivered" if latest.delivery == "delivered" else "invited"


class PortalStates:
    def __init__(
        self,
        *,
        accounts: AccountsTable,
        settings: SettingsTable,
        pointers: InvitationPointers,
        invitations: InvitationsTable,
        suppressions: SuppressionList,
        clock: Clock,
    ) -> None:
        self._accounts = accounts
        self._settings = settings
        self._pointers = pointers
        self._invitations = invitations
        self._suppressions = suppressions
        self._clock = clock

    def account(self, account_id: str) -> Account | None:
        return self._accounts.get_account(account_id)

    def portal_of(
        self, account: Account | BatchAccount, classes: dict[str, AccountClass | None] | None = None
    ) -> AccountPortal:
        """The account with its class (one Get, or none when `classes` already holds it)."""
        known = {} if classes is None else classes
        if account.class_id not in known:
            known[account.class_id] = self._settings.get_class(account.class_id)
        return AccountPortal(
            account_id=account.account_id, active=account.status == "active", account_class=known[account.class_id]
        )

    def of_page(self, contacts: Sequence[Contact], portals: Mapping[str, AccountPortal]) -> list[ContactState]:
        """The state of each contact of a page (at most MAX_CONTACTS_PER_PAGE, of the accounts in
        `portals`): three BatchGetItem calls, fewer when nobody on the page was invited or has an email."""
        if len(contacts) > MAX_CONTACTS_PER_PAGE:
            raise ValueError(f"a page holds at most {MAX_CONTACTS_PER_PAGE} contacts")
        if not contacts:
            return []
        ids = [c.contact_id for c in contacts]
        pointers = self._pointers.latest_invitation_ids(ids)
        latest = self._invitations.get_many(list(pointers.values()))
        emails = list(dict.fromkeys(normalized_email(c.email) for c in contacts if c.email))
        suppressed = self._suppressions.get_many(emails) if emails else {}
        now = iso(self._clock())
        states = []
        for contact in contacts:
            pointer = pointers.get(contact.contact_id)
            record = latest.get(pointer) if pointer else None
            undeliverable = bool(contact.email) and normalized_email(contact.email or "") in suppressed
            states.append(
                ContactState(
                    contact=contact,
                    status=status_of(contact, portals[contact.account_id], record, suppressed=undeliverable, now=now),
                    email_undeliverable=undeliverable,
                    latest_invitation_id=pointer,
                    latest=record,
                )
            )
        return states


def staff_view(state: ContactState) -> StaffContact:
    return StaffContact.model_validate(
        {
            **state.contact.model_dump(),
            "portal_status": state.status,
            "email_undeliverable": state.email_undeliverable,
        }
    )


class StaffContactViews:
    """The Contacts grid and a staff contact view, each with its contacts' portal state."""

    def __init__(self, *, contacts: ContactsTable, records: ContactRecords, states: PortalStates) -> None:
        self._contacts = contacts
        self._records = records
        self._states = states

    def grid(self, account_id: str, *, cursor: str | None, limit: int) -> tuple[list[StaffContact], str | None]:
        """Get account, Get class, Q `by_account` (one page) and the page's three BatchGetItem."""
        account = self._states.account(account_id)
        if account is None:
            raise NotFound(f"account {account_id} not found")
        contacts, next_cursor = self._contacts.list_by_account(
            account_id, cursor=cursor, limit=min(limit, MAX_CONTACTS_PER_PAGE)
        )
        states = self._states.of_page(contacts, {account_id: self._states.portal_of(account)}) if contacts else []
        return [staff_view(s) for s in states], next_cursor

    def get(self, contact_id: str) -> StaffContact:
        contact = self._records.get(contact_id)
        account = self._states.account(contact.account_id)
        if account is None:  # an orphan cannot happen through the API (the account is checked on create)
            raise NotFound(f"account {contact.account_id} of contact {contact_id} not found")
        (state,) = self._states.of_page([contact], {account.account_id: self._states.portal_of(account)})
        return staff_view(state)
