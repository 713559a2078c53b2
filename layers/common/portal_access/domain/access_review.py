"""The access review (staff, reads only): which portal logins can see an account, with their
grants there, their latest invitation and last sign-in; and which logins are dormant.

An account's page is a page of whole logins: `by_account_login` lists the account's linked
contacts in login order (`dal/contacts_table.py` `logins_of_account`), so each login is one row,
on one page, with all its contacts there. The contacts are then re-read (consistent), and a
login is a row while one of its contacts there still has portal access: that is what lets it
see the account. Only those contacts are listed; a contact switched off or unlinked takes its
login off the account's review at once when it was the login's last one there (the login then
shows, `enabled: false` when it has no access left anywhere, in the logins list). Then the
page's login items, the contacts' invitation pointers and those invitations, each read once for
the page. Dormant logins come from the sharded `by_sign_in` index (`dal/login_records.py`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from aws_lambda_powertools.metrics import MetricUnit

from portal_access.domain.clock import iso
from portal_access.domain.errors import NotFound
from portal_access.domain.invitation_views import status_at
from portal_access.models.access_review import (
    AccountPortalLogin,
    DormantPortalLogin,
    InvitationState,
    ReviewedContact,
)
from portal_access.observability import logger, metrics

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
        page = self._contacts.logins_of_account(account_id, cursor=cursor, limit=limit)
        if page.cut:
            logger.warning("access review: a login's contacts continue on the next page", login_id=page.cut)
            metrics.add_metric(name="AccessReviewLoginReadInPart", unit=MetricUnit.Count, value=1)
        by_login = self._granting(account_id, page.contact_ids)
        if not by_login:
            return [], page.next_cursor
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
        return answer, page.next_cursor

    def _granting(self, account_id: str, contact_ids: dict[str, list[str]]) -> dict[str, list[Contact]]:
        """login id -> its contacts on the account that have portal access, as they are now
        (one consistent read of the page's contacts), oldest first; logins left with none out."""
        found = {c.contact_id: c for c in self._contacts.get_many([i for ids in contact_ids.values() for i in ids])}
        by_login: dict[str, list[Contact]] = {}
        for login_id, ids in contact_ids.items():
            own = [
                c
                for c in (found.get(i) for i in ids)
                if c and c.login_id == login_id and c.account_id == account_id and c.enable_portal_access
            ]
            if own:
                by_login[login_id] = sorted(own, key=lambda c: (c.created_at, c.contact_id))
        return by_login

    def dormant_logins(
        self, signed_in_before: date, *, cursor: str | None, limit: int
    ) -> tuple[list[DormantPortalLogin], str | None]:
        """Logins whose last sign-in is before that day (UTC), or that never signed in."""
        records, next_cursor = self._logins.signed_in_before(signed_in_before.isoformat(), limit=limit, cursor=cursor)
        items = [DormantPortalLogin.model_validate(r.model_dump()) for r in records]
        return items, next_cursor
