"""Invitations as staff and the accept page see them: the derived status (`expired` is a sent
invitation past its `expires_at`), why one can no longer be accepted, and a contact's list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.domain.clock import iso
from portal_access.domain.errors import NotFound
from portal_access.models.common import normalized_email
from portal_access.models.invitations import Invitation, InvitationStatus

if TYPE_CHECKING:
    from portal_access.dal.invitation_records import InvitationRecord
    from portal_access.dal.invitations_table import InvitationsTable
    from portal_access.domain.clock import Clock
    from portal_access.domain.contacts import ContactRecords
    from portal_access.models.contacts import Contact


def status_at(record: InvitationRecord, now: str) -> InvitationStatus:
    """`expired` is derived: a sent invitation past its `expires_at`."""
    if record.status == "sent" and record.expires_at <= now:
        return "expired"
    return record.status


def to_view(record: InvitationRecord, now: str) -> Invitation:
    return Invitation.model_validate({**record.model_dump(), "status": status_at(record, now)})


def gone_message(record: InvitationRecord, now: str) -> str | None:
    """Why this invitation can no longer be accepted, or None when it still can."""
    status = status_at(record, now)
    if status == "expired":
        return "this invitation has expired: ask for a new one"
    if status == "accepted":
        return "this invitation was already used: sign in with your login"
    if status == "revoked":
        return "this invitation was replaced by a newer one: use the link in the latest email"
    if status == "failed":
        return "this invitation was never delivered: ask for a new one"
    return None


def contact_gone_message(contact: Contact | None, record: InvitationRecord) -> str | None:
    """Why the contact no longer takes this invitation (it is gone, or its email changed since),
    or None when it still does: accepting refuses it, the link check reads it as revoked."""
    if contact is None:
        return "the contact this invitation was for no longer exists: ask for a new invitation"
    if not contact.email or normalized_email(contact.email) != record.email:
        return "the contact's email changed since this invitation was sent: ask for a new one"
    return None


class InvitationListing:
    def __init__(self, *, invitations: InvitationsTable, contacts: ContactRecords, clock: Clock) -> None:
        self._invitations = invitations
        self._contacts = contacts
        self._clock = clock

    def list(self, contact_id: str, *, cursor: str | None, limit: int) -> tuple[list[Invitation], str | None]:
        """Newest first; invitations outlive an unlinked contact; an id that never existed is 404."""
        records, next_cursor = self._invitations.list_for_contact(contact_id, cursor=cursor, limit=limit)
        if not records and cursor is None and self._contacts.find(contact_id) is None:
            raise NotFound(f"contact {contact_id} not found")
        now = iso(self._clock())
        return [to_view(r, now) for r in records], next_cursor
