"""The access review (staff, reads only): which portal logins can see an account, with their
grants there, their latest invitation and last sign-in; and which logins are dormant.

An account's page is one page of its contacts (`by_account`): the logins linked to those with
portal access on, their login items, the contacts' invitation pointers and those invitations,
each read once for the page (5 calls, whatever the page holds). A login whose contacts on the
account fall on two pages shows on both, each time with the contacts of that page. Dormant
logins come from the sharded `by_sign_in` index (`dal/login_records.py`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from portal_access.domain.clock import iso
from portal_access.domain.errors import NotFound
from portal_access.domain.invitation_views import status_at
from portal_access.models.access_review import (
    AccountPortalLogin,
    DormantPortalLogin,
    InvitationState,
    ReviewedContact,
)

if TYPE_CHECKING:
    from portal_access.dal.accounts_table import AccountsTable
    from portal_access.dal.contacts_table import ContactsTable
    from portal_access.dal.invitations_table import InvitationsTable
    from portal_access.dal.invitations_table_pointers import InvitationPointers
    from portal_access.dal.login_records import LoginRecords
    from portal_access.domain.clock import Clock
    from portal_access.models.contacts import Contact


def _reviewed(contact: Contact) -> ReviewedContact:
    grant = contact.portal_access
    return ReviewedContact(
        contact_id=contact.contact_id,
        name=contact.name,
        level=contact.level,
        all_sites=grant.all_sites,
        site_ids=list(grant.site_ids),
        roles={scope: list(roles) for scope, roles in grant.roles.items()},
    )


class AccessReview:
    def __init__(
        self,
        *,
        accounts: AccountsTable,
        contacts: ContactsTable,
        logins: LoginRecords,
        pointers: InvitationPointers,
        invitations: InvitationsTable,
        clock: Clock,
    ) -> None:
        self._accounts = accounts
        self._contacts = contacts
        self._logins = logins
        self._pointers = pointers
        self._invitations = invitations
        self._clock = clock

    def account_logins(
        self, account_id: str, *, cursor: str | None, limit: int
    ) -> tuple[list[AccountPortalLogin], str | None]:
        if self._accounts.get_account(account_id) is None:
            raise NotFound(f"account {account_id} not found", field="account_id")
        contacts, next_cursor = self._contacts.list_by_account(account_id, cursor=cursor, limit=limit)
        by_login: dict[str, list[Contact]] = {}
        for contact in contacts:
            if contact.login_id and contact.enable_portal_access:
                by_login.setdefault(contact.login_id, []).append(contact)
        if not by_login:
            return [], next_cursor
        records = self._logins.get_many(list(by_login))
        linked = [c for group in by_login.values() for c in group]
        latest = self._pointers.latest_invitation_ids([c.contact_id for c in linked])
        invitations = self._invitations.get_many(list(latest.values()))
        now = iso(self._clock())
        answer = []
        for login_id, own in by_login.items():
            record = records.get(login_id)
            found = [invitations[latest[c.contact_id]] for c in own if latest.get(c.contact_id) in invitations]
            newest = max(found, key=lambda r: r.created_at, default=None)
            answer.append(
                AccountPortalLogin(
                    login_id=login_id,
                    email=record.email if record else str(own[0].email or ""),
                    enabled=record.enabled if record else True,
                    last_sign_in_at=record.last_sign_in_at if record else None,
                    contacts=[_reviewed(c) for c in own],
                    invitation=InvitationState(
                        status=status_at(newest, now) if newest else None,
                        delivery=newest.delivery if newest else None,
                    ),
                )
            )
        return answer, next_cursor

    def dormant_logins(
        self, signed_in_before: date, *, cursor: str | None, limit: int
    ) -> tuple[list[DormantPortalLogin], str | None]:
        """Logins whose last sign-in is before that day (UTC), or that never signed in."""
        records, next_cursor = self._logins.signed_in_before(signed_in_before.isoformat(), limit=limit, cursor=cursor)
        items = [DormantPortalLogin.model_validate(r.model_dump()) for r in records]
        return items, next_cursor
