"""Contacts: create at account or site level, edit Details, portal access, unlink, history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import BotoCoreError, ClientError

from portal_access.domain.activity import activity
from portal_access.domain.clock import iso
from portal_access.domain.errors import InvalidInput, NotFound, PreconditionRequired, VersionMismatch
from portal_access.domain.ids import new_id
from portal_access.domain.login_switch import LoginSwitch, LoginSwitchFailed
from portal_access.models.contacts import (
    ActivityEntry,
    Contact,
    ContactDetails,
    ContactPatch,
    PortalAccess,
)
from portal_access.observability import logger, metrics

if TYPE_CHECKING:
    from portal_access.dal.accounts_table import AccountsTable
    from portal_access.dal.activity_table import ActivityTable
    from portal_access.dal.contacts_table import ContactsTable
    from portal_access.dal.login_records import LoginRecords
    from portal_access.dal.unit_of_work import TransactOp, UnitOfWork
    from portal_access.domain.clock import Clock


def new_contact(account_id: str, details: ContactDetails, *, level: str, site_id: str | None, now: str) -> Contact:
    """A contact as first saved at `now`: account level sees all sites, site level its own site."""
    access = PortalAccess(all_sites=True) if level == "account" else PortalAccess(all_sites=False, site_ids=[site_id])
    return Contact(
        **details.model_dump(include=set(ContactDetails.model_fields)),
        contact_id=new_id("ct"),
        account_id=account_id,
        level=level,
        site_id=site_id,
        portal_user=False,
        portal_access=access,
        version=1,
        created_at=now,
        updated_at=now,
    )


class ContactRecords:
    """Reading and saving contacts, each change with its history entry in the same transaction."""

    def __init__(
        self, *, unit_of_work: UnitOfWork, contacts: ContactsTable, activity_log: ActivityTable, clock: Clock
    ) -> None:
        self._unit_of_work = unit_of_work
        self._contacts = contacts
        self._activity = activity_log
        self._clock = clock

    def find(self, contact_id: str) -> Contact | None:
        return self._contacts.get(contact_id)

    def get(self, contact_id: str) -> Contact:
        contact = self._contacts.get(contact_id)
        if contact is None:
            raise NotFound(f"contact {contact_id} not found")
        return contact

    def creation_ops(self, contact: Contact, actor: str, *, source: str = "staff") -> list[TransactOp]:
        """The writes that create a contact: the item and its first history entry."""
        created = activity(
            contact.contact_id, actor, "created", at=iso(self._clock()), level=contact.level, source=source
        )
        return [self._contacts.put_new_op(contact), self._activity.put_op(created)]

    def save(
        self, contact: Contact, *, expected_version: int, entry: ActivityEntry, also: Sequence[TransactOp] = ()
    ) -> None:
        """Replace the contact (optimistic lock) and record why, in one transaction; `also` adds
        writes of other tables that must land with it (an invitation turning `accepted`)."""
        self._unit_of_work.commit(
            [self._contacts.replace_op(contact, expected_version=expected_version), self._activity.put_op(entry), *also]
        )


class ContactsService:
    """Staff's contacts: create at account or site level, edit, portal access, unlink, history.

    `logins` switches a linked portal login off when its last enabled contact is disabled or
    unlinked, and on again when one is re-enabled; `login_records` then writes the same
    `enabled` on the login's item, which the access review shows."""

    def __init__(
        self,
        *,
        records: ContactRecords,
        unit_of_work: UnitOfWork,
        contacts: ContactsTable,
        accounts: AccountsTable,
        activity_log: ActivityTable,
        logins: LoginSwitch,
        login_records: LoginRecords,
        clock: Clock,
    ) -> None:
        self.records = records
        self._unit_of_work = unit_of_work
        self._contacts = contacts
        self._accounts = accounts
        self._activity = activity_log
        self._logins = logins
        self._login_records = login_records
        self._clock = clock

    def create(
        self, account_id: str, details: ContactDetails, *, level: str, site_id: str | None, actor: str
    ) -> Contact:
        contact = new_contact(account_id, details, level=level, site_id=site_id, now=iso(self._clock()))
        guards = [self._accounts.account_exists_op(account_id)]
        if site_id:
            guards.append(self._accounts.site_exists_op(account_id, site_id))
        self._unit_of_work.commit([*guards, *self.records.creation_ops(contact, actor)])
        return contact

    def get(self, contact_id: str) -> Contact:
        return self.records.get(contact_id)

    def edit(self, contact_id: str, patch: ContactPatch, *, expected_version: int | None, actor: str) -> Contact:
        if expected_version is None:
            raise PreconditionRequired("send If-Match with the contact's version", field="If-Match")
        current = self.get(contact_id)
        if current.version != expected_version:
            raise VersionMismatch(f"contact {contact_id} is at version {current.version}, not {expected_version}")
        changes = {k: v for k, v in patch.changes().items() if getattr(current, k) != v}
        if not changes:
            return current
        updated = current.model_copy(
            update={**changes, "version": current.version + 1, "updated_at": iso(self._clock())}
        )
        self.records.save(
            updated,
            expected_version=current.version,
            entry=activity(contact_id, actor, "edited", at=updated.updated_at, fields=sorted(changes)),
        )
        if "enable_portal_access" in changes:
            if updated.enable_portal_access:
                self._restore_login(updated, actor)
            else:
                self._suspend_login_if_last(updated, actor)
        return updated

    def unlink(self, contact_id: str, *, actor: str) -> Contact:
        """Unlink from account: the contact and every grant it carried go at once."""
        contact = self.get(contact_id)
        entry = activity(contact_id, actor, "unlinked", at=iso(self._clock()), account_id=contact.account_id)
        self._unit_of_work.commit([self._contacts.delete_op(contact_id), self._activity.put_op(entry)])
        if contact.enable_portal_access:  # a disabled one was already accounted for when disabled
            self._suspend_login_if_last(contact, actor)
        return contact

    def set_access(self, contact_id: str, access: PortalAccess, *, actor: str) -> Contact:
        contact = self.get(contact_id)
        if not access.all_sites and access.site_ids:
            found = {s.site_id for s in self._accounts.get_sites(contact.account_id, access.site_ids)}
            foreign = [s for s in access.site_ids if s not in found]
            if foreign:
                raise InvalidInput(
                    f"site_ids are not sites of account {contact.account_id}: {', '.join(foreign)}", field="site_ids"
                )
        updated = contact.model_copy(
            update={"portal_access": access, "version": contact.version + 1, "updated_at": iso(self._clock())}
        )
        entry = activity(
            contact_id, actor, "access_changed", at=updated.updated_at,
            all_sites=access.all_sites, site_ids=list(access.site_ids), account_id=contact.account_id,
        )  # fmt: skip
        self.records.save(updated, expected_version=contact.version, entry=entry)
        return updated

    # The linked portal login follows its contacts (docs/architecture.md, "Portal access")

    def _suspend_login_if_last(self, contact: Contact, actor: str) -> None:
        """After `contact` lost its portal access (disabled or unlinked): when no other contact
        linked to the same login has portal access left, disable the login and sign it out.

        Runs after the change is committed; access was already gone with it (every portal
        request re-reads the contacts), so a failing identity provider is logged, not raised."""
        login_id = contact.login_id
        if login_id is None:
            return
        contact_ids, more = self._contacts.contact_ids_of_login(login_id)
        if more:  # an unread contact may still grant access: keep the login rather than guess
            logger.warning("portal login kept: its contacts were read in part", login_id=login_id)
            metrics.add_metric(name="PortalGrantsReadInPart", unit=MetricUnit.Count, value=1)
            return
        linked = self._contacts.get_many(contact_ids)
        if any(
            c.login_id == login_id and c.enable_portal_access and c.contact_id != contact.contact_id for c in linked
        ):
            return
        try:
            suspended = self._logins.suspend(login_id)
        except LoginSwitchFailed:
            logger.exception("portal login not disabled", contact_id=contact.contact_id, login_id=login_id)
            metrics.add_metric(name="PortalLoginSwitchFailed", unit=MetricUnit.Count, value=1)
            return
        self._record_enabled(login_id, enabled=False)
        if suspended:
            logger.info("portal login disabled", contact_id=contact.contact_id, login_id=login_id)
            self._activity.put(
                activity(
                    contact.contact_id,
                    actor,
                    "login_disabled",
                    at=iso(self._clock()),
                    reason="no contact with portal access left",
                    login_id=login_id,
                    account_id=contact.account_id,
                )
            )

    def _restore_login(self, contact: Contact, actor: str) -> None:
        """A linked contact got portal access back: its login may sign in again."""
        login_id = contact.login_id
        if login_id is None:
            return
        try:
            restored = self._logins.restore(login_id)
        except LoginSwitchFailed:
            logger.exception("portal login not enabled", contact_id=contact.contact_id, login_id=login_id)
            metrics.add_metric(name="PortalLoginSwitchFailed", unit=MetricUnit.Count, value=1)
            return
        self._record_enabled(login_id, enabled=True)
        if restored:
            logger.info("portal login enabled", contact_id=contact.contact_id, login_id=login_id)
            self._activity.put(
                activity(
                    contact.contact_id,
                    actor,
                    "login_enabled",
                    at=iso(self._clock()),
                    login_id=login_id,
                    account_id=contact.account_id,
                )
            )

    def _record_enabled(self, login_id: str, *, enabled: bool) -> None:
        """After the switch went through (or found the login already so): the login's item says
        the same, so the access review shows it at once (one conditional UpdateItem). Written
        whether or not Cognito changed anything, so an item a failed write left behind catches
        up here. A failure is logged and counted, never raised: the switch itself went."""
        try:
            self._login_records.set_enabled(login_id, enabled=enabled)
        except (BotoCoreError, ClientError):
            logger.exception("portal login item not switched", login_id=login_id, enabled=enabled)
            metrics.add_metric(name="LoginRecordSwitchFailed", unit=MetricUnit.Count, value=1)

    def history(self, contact_id: str, *, cursor: str | None, limit: int) -> tuple[list[ActivityEntry], str | None]:
        """Activity outlives an unlinked contact; an id that never existed is 404."""
        entries, next_cursor = self._activity.list(contact_id, cursor=cursor, limit=limit)
        if not entries and cursor is None and self._contacts.get(contact_id) is None:
            raise NotFound(f"contact {contact_id} not found")
        return entries, next_cursor
