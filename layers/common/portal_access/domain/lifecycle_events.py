"""Lifecycle events, read from committed data: the DynamoDB streams of the items that record
each change (template.yaml: `LifecycleEventsFunction`). A request that fails commits nothing and
so publishes nothing; a committed change is in the stream for 24 hours, retried until published.

- InvitationsTable (new and old images): an invitation's transitions — `sent_at` set (SES took
  it), `delivery` moved, `status` accepted or revoked, `expired_at` set by the expiry job.
- ActivityTable (inserts): a login created by an accept, disabled or enabled; portal access
  changed; a contact unlinked; a self-registration completed.
- PortalRequestsTable (inserts of requests by address): an access request received.
- InvitationsTable's invitation batch items: a batch's `state` becoming `completed`.

`event_id` is derived from the item and the transition, never from the delivery, so every
redelivery of a stream record publishes the same ids. Pure functions: no AWS here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from portal_access.models.lifecycle_events import (
    AccessRequestReceived,
    ContactUnlinked,
    EventDetail,
    InvitationAccepted,
    InvitationBatchCompleted,
    InvitationBounced,
    InvitationComplained,
    InvitationDelivered,
    InvitationExpired,
    InvitationRevoked,
    InvitationSent,
    LifecycleEvent,
    PortalAccessChanged,
    PortalLoginCreated,
    PortalLoginDisabled,
    PortalLoginEnabled,
    SelfRegistrationCompleted,
)

Image = Mapping[str, Any]
SYSTEM_ACTOR = "system:invitations"


def event_id(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _event(detail_type: str, detail: EventDetail) -> LifecycleEvent:
    return LifecycleEvent(detail_type=detail_type, detail=detail)


def invitation_events(old: Image | None, new: Image | None) -> list[LifecycleEvent]:
    """The transitions between two images of an invitation item (not a pointer or suppression)."""
    if not new or "contact_id" not in new or "secret_hash" not in new:
        return []
    before: Image = old or {}
    invitation_id = str(new["invitation_id"])

    def base(detail_type: str, at: str, actor: str) -> dict[str, Any]:
        return {
            "event_id": event_id("invitation", invitation_id, detail_type),
            "occurred_at": at,
            "actor": actor,
            "account_id": new["account_id"],
            "contact_id": new["contact_id"],
            "invitation_id": invitation_id,
            "trigger": new["trigger"],
        }

    def became(name: str) -> bool:
        return bool(new.get(name)) and not before.get(name)

    events: list[LifecycleEvent] = []
    if became("sent_at"):
        sent = base("Invitation Sent", new["sent_at"], new["actor"])
        events.append(_event("Invitation Sent", InvitationSent(**sent, expires_at=new["expires_at"])))
    delivery = new.get("delivery")
    if delivery != before.get("delivery"):
        if delivery == "delivered":
            detail = base("Invitation Delivered", new["delivered_at"], "system:ses")
            events.append(_event("Invitation Delivered", InvitationDelivered(**detail)))
        elif delivery == "bounced":
            detail = base("Invitation Bounced", new["bounced_at"], "system:ses")
            events.append(_event("Invitation Bounced", InvitationBounced(**detail, bounce_type=new.get("bounce_type"))))
        elif delivery == "complained":
            detail = base("Invitation Complained", new["complained_at"], "system:ses")
            events.append(_event("Invitation Complained", InvitationComplained(**detail)))
    status = new.get("status")
    if status != before.get("status"):
        if status == "accepted":
            detail = base("Invitation Accepted", new["accepted_at"], f"portal:{new['login_id']}")
            events.append(_event("Invitation Accepted", InvitationAccepted(**detail, login_id=new["login_id"])))
        elif status == "revoked":
            detail = base("Invitation Revoked", new["revoked_at"], SYSTEM_ACTOR)
            events.append(_event("Invitation Revoked", InvitationRevoked(**detail, replaced_by=new.get("replaced_by"))))
    if became("expired_at"):
        detail = base("Invitation Expired", new["expired_at"], "system:expiry")
        events.append(_event("Invitation Expired", InvitationExpired(**detail, expires_at=new["expires_at"])))
    return events


def activity_events(entry: Image) -> list[LifecycleEvent]:
    """The event an Activity History entry records, if another system may care about it."""
    action = entry.get("action")
    details: Mapping[str, Any] = entry.get("details") or {}
    account_id = details.get("account_id")
    if not account_id:
        return []  # entries written before they carried the account (nothing to address it to)
    actor = str(entry["actor"])
    if actor.startswith("portal:") and details.get("login_id"):
        actor = f"portal:{details['login_id']}"  # the history names the email; events name ids only
    common = {
        "event_id": event_id("activity", str(entry["activity_id"])),
        "occurred_at": entry["at"],
        "actor": actor,
        "account_id": account_id,
        "contact_id": entry["contact_id"],
    }
    if action == "invite_accepted" and details.get("new_login") and details.get("login_id"):
        detail: EventDetail = PortalLoginCreated(
            **common, login_id=details["login_id"], invitation_id=details["invitation_id"]
        )
        return [_event("Portal Login Created", detail)]
    if action == "login_disabled" and details.get("login_id"):
        return [_event("Portal Login Disabled", PortalLoginDisabled(**common, login_id=details["login_id"]))]
    if action == "login_enabled" and details.get("login_id"):
        return [_event("Portal Login Enabled", PortalLoginEnabled(**common, login_id=details["login_id"]))]
    if action == "access_changed":
        detail = PortalAccessChanged(
            **common, all_sites=bool(details.get("all_sites")), site_ids=list(details.get("site_ids") or [])
        )
        return [_event("Portal Access Changed", detail)]
    if action == "unlinked":
        return [_event("Contact Unlinked", ContactUnlinked(**common))]
    if action == "self_registered":
        detail = SelfRegistrationCompleted(
            **common, request_id=details["request_id"], contact_created=bool(details.get("contact_created"))
        )
        return [_event("Self Registration Completed", detail)]
    return []


def access_request_events(item: Image) -> list[LifecycleEvent]:
    """A request by address that matched a site (the only kind the table records)."""
    if not str(item.get("pk", "")).startswith("ACCESS_REQUEST#"):
        return []
    site = item["site"]
    matched = [s for s in item.get("matched_sites") or [site] if s["account_id"] == site["account_id"]]
    detail = AccessRequestReceived(
        event_id=event_id("access-request", str(item["request_id"])),
        occurred_at=item["received_at"],
        actor="public",
        account_id=site["account_id"],
        request_id=item["request_id"],
        site_ids=[s["site_id"] for s in matched],
    )
    return [_event("Access Request Received", detail)]


SKIPPED_PREFIX = "skipped_"


def batch_events(old: Image | None, new: Image | None) -> list[LifecycleEvent]:
    """`Invitation Batch Completed` when a batch item's `state` becomes `completed` (once)."""
    if not new or "batch_id" not in new or new.get("state") != "completed" or (old or {}).get("state") == "completed":
        return []
    batch_id = str(new["batch_id"])
    detail = InvitationBatchCompleted(
        event_id=event_id("invitation_batch", batch_id, "completed"),
        occurred_at=str(new.get("completed_at") or new["created_at"]),
        actor=str(new.get("actor") or "system:invitation-batch"),
        batch_id=batch_id,
        total=int(new.get("total", 0)),
        sent=int(new.get("sent", 0)),
        failed=int(new.get("failed", 0)),
        skipped={k.removeprefix(SKIPPED_PREFIX): int(v) for k, v in new.items() if k.startswith(SKIPPED_PREFIX)},
    )
    return [_event("Invitation Batch Completed", detail)]
