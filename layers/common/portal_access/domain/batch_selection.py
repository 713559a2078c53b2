"""An invitation batch's selection, walked a page at a time, and what each contact would get.

A page is at most 100 contacts from at most 25 accounts: one Query of `by_account` per account
visited (DynamoDB keeps an account's contacts in its own partition of that index), one Query of
the accounts index per 100 accounts (`by_class`, or the sparse `by_active`), the account classes
once per walk, and the page's portal state in three BatchGetItem calls (domain/portal_status.py).
Nothing is read per contact. The walk's position is a `Continuation`: the dry run loops over
pages in one request, a run's planner carries it from one queue message to the next.

`classify` is pure: the skip reasons are checked in the order of `models.batches.SKIP_REASONS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from portal_access.domain.errors import InvalidInput
from portal_access.domain.portal_status import MAX_CONTACTS_PER_PAGE
from portal_access.models.batches import Account, Continuation, Include, Selection, SkipReason

if TYPE_CHECKING:
    from portal_access.dal.accounts_table import AccountsTable
    from portal_access.dal.contacts_table import ContactsTable
    from portal_access.domain.portal_status import AccountPortal, ContactState, PortalStates
    from portal_access.models.contacts import Contact
    from portal_access.models.settings import AccountClass

MAX_ACCOUNTS_PER_PAGE = 25  # Queries of `by_account` one page may make

Verdict = Literal["would_invite"] | SkipReason | None  # None: not a contact the batch is about


def classify(state: ContactState, portal: AccountPortal, include: Sequence[Include]) -> Verdict:
    contact = state.contact
    if not portal.active:
        return "account_inactive"
    if contact.portal_user:
        return "has_login"
    if not contact.enable_portal_access or not portal.class_allows:
        return "portal_access_disabled"
    if not contact.email:
        return "no_email"
    if state.email_undeliverable:
        return "email_undeliverable"
    match state.status:
        case "invited" | "delivered" | "undeliverable":  # unused, unexpired (a transient bounce too)
            return "invitation_pending"
        case "none":
            return "would_invite" if "never_invited" in include else None
        case "expired":
            return "would_invite" if "expired" in include else None
        case _:  # active / disabled: a login is linked (caught above)
            return "has_login"


@dataclass(frozen=True, slots=True)
class Page:
    states: list[ContactState]
    portals: dict[str, AccountPortal]
    accounts_visited: int
    next: Continuation | None  # None: the selection is walked


@dataclass(slots=True)
class SelectionWalker:
    accounts: AccountsTable
    contacts: ContactsTable
    states: PortalStates
    classes: dict[str, AccountClass | None] = field(default_factory=dict)  # read once per walk

    def start(self, selection: Selection) -> Continuation:
        """Where a walk begins: named accounts are read here (one BatchGetItem; 422 naming the
        unknown ones); a class or every active account comes from its index page by page."""
        if selection.account_ids is None:
            return Continuation()
        found, _ = self.accounts.get_accounts_and_sites(selection.account_ids)
        missing = [a for a in selection.account_ids if a not in found]
        if missing:
            raise InvalidInput(f"no such account: {', '.join(missing[:10])}", field="selection.account_ids")
        pending = [
            Account(account_id=a, status=found[a].status, class_id=found[a].class_id) for a in selection.account_ids
        ]
        return Continuation(pending_accounts=pending, accounts_exhausted=True)

    def page(self, selection: Selection, at: Continuation) -> Page:
        pending = list(at.pending_accounts)
        contacts_cursor = at.contacts_cursor
        accounts_cursor = at.accounts_cursor
        exhausted = at.accounts_exhausted
        found: list[Contact] = []
        portals: dict[str, AccountPortal] = {}
        visited = 0
        while len(found) < MAX_CONTACTS_PER_PAGE and visited < MAX_ACCOUNTS_PER_PAGE:
            if not pending:
                if exhausted:
                    break
                items, accounts_cursor = self.accounts.accounts_page(
                    class_id=selection.class_id, cursor=accounts_cursor
                )
                pending = [Account.model_validate(i) for i in items]
                exhausted = accounts_cursor is None
                continue
            account = pending[0]
            contacts, contacts_cursor = self.contacts.list_by_account(
                account.account_id, cursor=contacts_cursor, limit=MAX_CONTACTS_PER_PAGE - len(found)
            )
            visited += 1
            found.extend(contacts)
            portals[account.account_id] = self.states.portal_of(account, self.classes)
            if contacts_cursor is None:
                pending.pop(0)
        done = not pending and exhausted
        following = None if done else Continuation(
            pending_accounts=pending,
            contacts_cursor=contacts_cursor,
            accounts_cursor=accounts_cursor,
            accounts_exhausted=exhausted,
        )  # fmt: skip
        states = self.states.of_page(found, portals) if found else []
        return Page(states=states, portals=portals, accounts_visited=visited, next=following)
