"""Filler data for the call counts: accounts, sites and contacts, made with the layer's own
models and table operations (so they are stored exactly as the service stores them), written
with batch_write_item.

Shape, for a target of N items:
- the hot account 49418 (class COMM: portal access, auto-send) that the measured requests read:
  max(3, N/200) sites and max(5, N/100) contacts, so its lists outgrow a page as N grows;
- the portal login the portal routes sign in as: linked to an account-level contact on 49418 and
  to a site-level contact on each of two filler accounts (the same three accounts at every size);
- filler accounts with 3 sites and 6 contacts each, every third contact linked to a login of its own.
"""

from __future__ import annotations

from typing import Any

from benchmarks.world import PORTAL_LOGIN, Request, World, batch_write
from portal_access.dal.accounts_table import AccountsTable
from portal_access.dal.contacts_table import ContactsTable
from portal_access.domain.contacts import new_contact
from portal_access.models.accounts import Account, Address, Site
from portal_access.models.contacts import ContactDetails

FILLER_SITES = 3
FILLER_CONTACTS = 6
PORTAL_FILLER_ACCOUNTS = 2
# Site numbers make addresses: the hot account's from 0, then the portal login's, then fillers',
# so a hot site's address matches that site only (requests by address).
PORTAL_SITE_NUMBERS = 5_000
FILLER_SITE_NUMBERS = 10_000
HOT_CLASS_BODY: dict[str, Any] = {
    "name": "Commercial",
    "enable_portal_access": True,
    "enable_add_sites": True,
    "enable_report_access": True,
    "auto_send_portal_invitation": True,
    "allow_invoice_verified_self_registration": True,
    "enable_on_call_orders": True,
    "enable_viewing_inactive_site": "service_history_only",
}
CREATED_AT = "2026-11-24T14:30:00.000Z"
PORTAL_EMAIL = "portal@renogym.example.com"


def site_address(number: int) -> dict[str, str]:
    return {
        "line1": f"{100 + number % 90_000} Pheasant Ridge Dr NE",
        "city": "Blaine",
        "state": "MN",
        "postal_code": f"{55000 + number % 999:05d}",
    }


def hot_targets(items: int) -> tuple[int, int]:
    return max(3, items // 200), max(5, items // 100)


class _Writer:
    """Items made with the layer's models and table operations, written 25 at a time."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.accounts_table = AccountsTable(world.client, world.table("AccountsTable"))
        self.contacts_table = ContactsTable(world.client, world.table("ContactsTable"))
        self.account_items: list[dict[str, Any]] = []
        self.contact_items: list[dict[str, Any]] = []

    def account(self, account_id: str, name: str) -> None:
        model = Account(
            account_id=account_id,
            name=name,
            status="active",
            class_id=self.world.HOT_CLASS,
            invoice_delivery="email",
            created_at=CREATED_AT,
        )
        self.account_items.append(dict(self.accounts_table.put_account_op(model).request["Put"]["Item"]))
        for op in self.accounts_table.search_term_ops(model):  # the staff search finds it, as on AWS
            self.account_items.append(dict(op.request["Put"]["Item"]))
        self.world.seeded.accounts += 1

    def site(self, account_id: str, site_id: str, number: int) -> None:
        model = Site(
            account_id=account_id,
            site_id=site_id,
            name=f"Site {site_id}",
            address=Address(**site_address(number)),
            status="active" if number % 7 else "inactive",
            created_at=CREATED_AT,
        )
        self.account_items.append(dict(self.accounts_table.put_site_op(model).request["Put"]["Item"]))
        self.world.seeded.sites += 1

    def contact(
        self,
        account_id: str,
        number: int,
        *,
        login_id: str | None,
        site_id: str | None = None,
        email: str | None = None,
    ) -> str:
        details = ContactDetails(name=f"Contact {number}", email=email or f"contact{number}@filler.example.com")
        model = new_contact(
            account_id, details, level="site" if site_id else "account", site_id=site_id, now=CREATED_AT
        )
        if login_id:
            model = model.model_copy(update={"login_id": login_id, "portal_user": True})
        self.contact_items.append(dict(self.contacts_table.put_new_op(model).request["Put"]["Item"]))
        self.world.seeded.contacts += 1
        return model.contact_id

    def flush(self) -> None:
        batch_write(self.world.client, self.world.table("AccountsTable"), self.account_items)
        batch_write(self.world.client, self.world.table("ContactsTable"), self.contact_items)
        self.account_items.clear()
        self.contact_items.clear()


def seed_to(world: World, items: int) -> None:
    """Grow the tables to `items` accounts + sites + contacts (see the module's docstring)."""
    seeded = world.seeded
    write = _Writer(world)
    if seeded.items == 0:
        body = {"class_id": world.HOT_CLASS, **HOT_CLASS_BODY}
        world.call("POST /admin/account-classes", Request(body=body, status=201))
        write.account(world.HOT_ACCOUNT, "Renovation Gym")
        world.state["portal_contact"] = write.contact(world.HOT_ACCOUNT, 0, login_id=PORTAL_LOGIN, email=PORTAL_EMAIL)
        for n in range(PORTAL_FILLER_ACCOUNTS):
            account_id = f"P{n:05d}"
            write.account(account_id, f"Portal Filler {n}")
            write.site(account_id, f"{account_id}001", PORTAL_SITE_NUMBERS + n)
            write.contact(account_id, 1 + n, login_id=PORTAL_LOGIN, site_id=f"{account_id}001", email=PORTAL_EMAIL)
    hot_sites, hot_contacts = hot_targets(items)
    while len(seeded.hot_sites) < hot_sites:
        site_id = f"{world.HOT_ACCOUNT}{len(seeded.hot_sites) + 1:03d}"
        write.site(world.HOT_ACCOUNT, site_id, len(seeded.hot_sites))
        seeded.hot_sites.append(site_id)
    while len(seeded.hot_contacts) < hot_contacts:
        seeded.hot_contacts.append(write.contact(world.HOT_ACCOUNT, 1000 + len(seeded.hot_contacts), login_id=None))
    per_account = 1 + FILLER_SITES + FILLER_CONTACTS
    while seeded.items + per_account <= items:
        n = seeded.next_filler
        seeded.next_filler += 1
        account_id = f"F{n:06d}"
        write.account(account_id, f"Filler {n}")
        for s in range(FILLER_SITES):
            write.site(account_id, f"{account_id}{s + 1:03d}", FILLER_SITE_NUMBERS + n * FILLER_SITES + s)
        for c in range(FILLER_CONTACTS):
            number = 10_000 + n * FILLER_CONTACTS + c
            write.contact(account_id, number, login_id=f"bench-login-{number}" if c % 3 == 0 else None)
        if len(write.account_items) >= 2_500:
            write.flush()
    write.flush()
