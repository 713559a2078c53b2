"""Activity History entries: who did what to a contact, and when (`at`, from the service's clock)."""

from typing import Any

from portal_access.domain.ids import new_sortable_id
from portal_access.models.contacts import ActivityAction, ActivityEntry


def activity(contact_id: str, actor: str, action: ActivityAction, *, at: str, **details: Any) -> ActivityEntry:
    return ActivityEntry(
        activity_id=new_sortable_id("act"),
        contact_id=contact_id,
        at=at,
        actor=actor,
        action=action,
        details=details,
    )
