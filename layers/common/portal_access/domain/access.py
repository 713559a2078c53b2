"""What a signed-in portal login may see: the one access decision every portal route makes.

A login sees the union of what its linked contacts grant, read fresh on every request:

- the `by_login` index only supplies contact ids (it is eventually consistent); the contacts
  themselves are re-read strongly consistent, so disabling a contact's portal access, unlinking
  it or narrowing its sites takes effect on the very next request;
- only contacts with `enable_portal_access` on, still linked to this login, grant anything;
- `all_sites` grants every site of the account, including sites added later (they are listed
  from the account's partition at request time, never copied into the grant); otherwise the
  contact's `site_ids`;
- an account grants nothing while it is `inactive`, when its class has `enable_portal_access`
  off, or when its class is missing: the portal answers as if it did not exist;
- an inactive site follows the class's `enable_viewing_inactive_site`: `no` hides it,
  `service_history_only` shows it with `view: service_history_only`, `yes` shows it in full;
- an all-sites grant lists its account even when no site is visible (account-level access);
  a selected-sites grant none of whose sites is visible lists nothing.

Anything outside the grant, or that does not exist, is the same `NotFound` (404), so an answer
never confirms that an account or a site exists. The DynamoDB calls are bounded by the login's
own grants (caps below), never by the size of the tables: docs/data-model.md, "Portal routes".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from aws_lambda_powertools.metrics import MetricUnit

from portal_access.dal.accounts_table import AccountsTable
from portal_access.dal.contacts_table import ContactsTable
from portal_access.dal.settings_table import SettingsTable
from portal_access.domain.errors import NotFound
from portal_access.models.accounts import Account, Site
from portal_access.models.contacts import Contact
from portal_access.models.portal import PortalAccount, PortalCapabilities, PortalMe, PortalSite, SiteView
from portal_access.models.settings import AccountClass
from portal_access.observability import logger, metrics

# Sites listed per account by GET /portal/me (one Query page, or one BatchGetItem chunk).
MAX_SITES_PER_ACCOUNT = 100
# Explicitly granted sites GET /portal/me reads in all, across accounts (BatchGetItem chunks).
MAX_GRANTED_SITES = 200


@dataclass
class Grant:
    """What a login's enabled contacts on one account grant, merged."""

    account_id: str
    all_sites: bool = False
    everywhere_roles: set[str] = field(default_factory=set)  # roles of all-sites contacts
    site_roles: dict[str, set[str]] = field(default_factory=dict)  # explicitly granted site -> roles

    @property
    def site_ids(self) -> list[str]:
        """The explicitly granted sites (all of them are permitted too when `all_sites`)."""
        return sorted(self.site_roles)

    def permits(self, site_id: str) -> bool:
        return self.all_sites or site_id in self.site_roles

    def roles_at(self, site_id: str) -> list[str]:
        return sorted(self.everywhere_roles | self.site_roles.get(site_id, set()))


def merge_grants(contacts: Iterable[Contact], login_id: str) -> dict[str, Grant]:
    """The union, per account, of what the login's enabled contacts grant."""
    grants: dict[str, Grant] = {}
    for contact in contacts:
        if contact.login_id != login_id or not contact.enable_portal_access:
            continue
        grant = grants.setdefault(contact.account_id, Grant(contact.account_id))
        access = contact.portal_access
        account_roles = set(access.roles.get("account", []))
        if access.all_sites:
            grant.all_sites = True
            grant.everywhere_roles |= account_roles
            continue
        for site_id in access.site_ids:
            grant.site_roles.setdefault(site_id, set()).update(account_roles, access.roles.get(site_id, []))
    return grants


def login_email(contacts: Iterable[Contact], login_id: str) -> str | None:
    """The login's email as its linked contacts know it: Cognito access tokens carry no email
    claim, and each contact was linked by accepting an invitation sent to that address."""
    emails = Counter(c.email.lower() for c in contacts if c.login_id == login_id and c.email)
    return emails.most_common(1)[0][0] if emails else None


def account_is_open(account: Account | None, account_class: AccountClass | None) -> bool:
    """An account grants portal access only while active and its class enables the portal."""
    return (
        account is not None
        and account.status == "active"
        and account_class is not None
        and account_class.enable_portal_access
    )


def site_view(site: Site, account_class: AccountClass) -> SiteView | None:
    """How the portal shows a permitted site; None hides it."""
    if site.status == "active":
        return "full"
    policy = account_class.enable_viewing_inactive_site
    if policy == "yes":
        return "full"
    if policy == "service_history_only":
        return "service_history_only"
    return None


def capabilities(account_class: AccountClass) -> PortalCapabilities:
    return PortalCapabilities(
        report_access=account_class.enable_report_access,
        add_sites=account_class.enable_add_sites,
        on_call_orders=account_class.enable_on_call_orders,
        home_page=account_class.customer_portal_home_page,
        work_order_photo_display=account_class.default_work_order_photo_display,
        work_order_attachment_display=account_class.default_work_order_attachment_display,
        inactive_sites=account_class.enable_viewing_inactive_site,
    )


def portal_site(site: Site, view: SiteView, grant: Grant) -> PortalSite:
    return PortalSite(
        account_id=site.account_id,
        site_id=site.site_id,
        name=site.name,
        address=site.address,
        status=site.status,
        view=view,
        roles=grant.roles_at(site.site_id),
    )


def not_permitted(account_id: str, site_id: str | None = None) -> NotFound:
    """The same answer whether the thing does not exist or is outside the login's access."""
    if site_id is None:
        return NotFound(f"account {account_id} is not in your portal access")
    return NotFound(f"site {site_id} of account {account_id} is not in your portal access")


@dataclass(frozen=True, slots=True)
class LoginIdentity:
    """The signed-in login, only ever from the verified token's claims."""

    login_id: str  # the token's `sub`
    username: str
    email: str | None = None


class PortalGrants:
    """Every portal route resolves access here, so they all agree on what a login may see."""

    def __init__(self, *, contacts: ContactsTable, accounts: AccountsTable, settings: SettingsTable) -> None:
        self._contacts = contacts
        self._accounts = accounts
        self._settings = settings

    def grants(self, login_id: str, *, account_id: str | None = None) -> tuple[dict[str, Grant], bool]:
        """The login's grants (on one account, or on all) and whether it has more contacts than
        one read takes: Query `by_login` for the ids, BatchGetItem (consistent) for the contacts."""
        contacts, more = self._linked_contacts(login_id, account_id=account_id)
        return merge_grants(contacts, login_id), more

    def _linked_contacts(self, login_id: str, *, account_id: str | None = None) -> tuple[list[Contact], bool]:
        contact_ids, more = self._contacts.contact_ids_of_login(login_id, account_id=account_id)
        return self._contacts.get_many(contact_ids), more

    def me(self, login: LoginIdentity) -> PortalMe:
        """The login and every account it may see, each with its permitted sites."""
        contacts, more_contacts = self._linked_contacts(login.login_id)
        grants = merge_grants(contacts, login.login_id)
        explicit: list[tuple[str, str]] = []
        for account_id in sorted(grants):
            grant = grants[account_id]
            if not grant.all_sites:
                explicit += [(account_id, s) for s in grant.site_ids[:MAX_SITES_PER_ACCOUNT]]
        explicit = explicit[:MAX_GRANTED_SITES]
        accounts, sites = self._accounts.get_accounts_and_sites(sorted(grants), explicit)
        active = [a for a in accounts.values() if a.status == "active"]
        classes = self._settings.get_classes([a.class_id for a in active])
        read = set(explicit)
        answer: list[PortalAccount] = []
        for account in sorted(active, key=lambda a: a.account_id):
            account_class = classes.get(account.class_id)
            if account_class is None or not account_is_open(account, account_class):
                continue
            grant = grants[account.account_id]
            if grant.all_sites:
                listed, more_sites = self._all_sites(account.account_id)
            else:
                listed = [sites[(account.account_id, s)] for s in grant.site_ids if (account.account_id, s) in sites]
                more_sites = any((account.account_id, s) not in read for s in grant.site_ids)
            shown = [portal_site(s, view, grant) for s in listed if (view := site_view(s, account_class))]
            if not grant.all_sites and not shown and not more_sites:
                continue  # access through sites only, and none of them is visible: nothing to see
            answer.append(
                PortalAccount(
                    account_id=account.account_id,
                    name=account.name,
                    status=account.status,
                    invoice_delivery=account.invoice_delivery,
                    access="all_sites" if grant.all_sites else "selected_sites",
                    capabilities=capabilities(account_class),
                    sites=shown,
                    more_sites=more_sites,
                )
            )
        email = login.email or login_email(contacts, login.login_id)
        return PortalMe(username=login.username, email=email, accounts=answer, more_accounts=more_contacts)

    def site(self, login_id: str, account_id: str, site_id: str) -> PortalSite:
        """One permitted site, or 404 (also for an account or site that does not exist)."""
        grants, more = self.grants(login_id, account_id=account_id)
        grant = grants.get(account_id)
        if grant is None or not grant.permits(site_id):
            if more:  # deny by default, but say the login's contacts were read only in part
                logger.warning("portal grants read in part", login_id=login_id, account_id=account_id)
                metrics.add_metric(name="PortalGrantsReadInPart", unit=MetricUnit.Count, value=1)
            raise not_permitted(account_id, site_id)
        accounts, sites = self._accounts.get_accounts_and_sites([account_id], [(account_id, site_id)])
        account, site = accounts.get(account_id), sites.get((account_id, site_id))
        if account is None or site is None or account.status != "active":
            raise not_permitted(account_id, site_id)
        account_class = self._settings.get_class(account.class_id)
        if account_class is None or not account_is_open(account, account_class):
            raise not_permitted(account_id, site_id)
        view = site_view(site, account_class)
        if view is None:
            raise not_permitted(account_id, site_id)
        return portal_site(site, view, grant)

    def _all_sites(self, account_id: str) -> tuple[list[Site], bool]:
        """The account's sites as they are now (one Query page): covers sites added after the grant."""
        listed, _ = self._accounts.list_sites(account_id, search=None, cursor=None, limit=MAX_SITES_PER_ACCOUNT + 1)
        return listed[:MAX_SITES_PER_ACCOUNT], len(listed) > MAX_SITES_PER_ACCOUNT
