"""Activity History entries: who did what to a contact, and when."""

from typing import Any

from portal_access.domain.ids import new_sortable_id
from portal_access.models.common import utc_now
from portal_access.models.contacts import ActivityAction, ActivityEntry


def activity(contact_id: str, actor: str, action: ActivityAction, **details: Any) -> ActivityEntry:
    return ActivityEntry(
        activity_id=new_sortable_id("act"),
        contact_id=contact_id,
        at=utc_now(),
        actor=actor,
        action=action,
        details=details,
    )
