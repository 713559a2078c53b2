"""Staff routes for invitations: "Send portal access invite" and a contact's invitations.
Routes parse, call the domain, shape the answer."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit

from portal_access.api.resolver import ContactId, Cursor, Limit, create_resolver, http_handler, staff_actor
from portal_access.config import InviteAdminConfig
from portal_access.models.common import Page
from portal_access.models.invitations import Invitation, InvitationSent
from portal_access.observability import metrics
from portal_access.wiring.invite import build_invite_admin

invite = build_invite_admin(InviteAdminConfig.from_env())

app = create_resolver("staff")


@app.post("/admin/contacts/<contact_id>/invitations", status_code=202, tags=["invitations"])
def send_invitation(contact_id: ContactId) -> InvitationSent:
    """Send portal access invite: 202 with `status` `sent`, or `failed` when SES refused it."""
    record = invite.sending.send_to_contact(contact_id, trigger="manual", actor=staff_actor(app))
    metrics.add_metric(
        name="InvitationsSent" if record.status == "sent" else "InvitationsFailed", unit=MetricUnit.Count, value=1
    )
    return InvitationSent(invitation_id=record.invitation_id, status=record.status, expires_at=record.expires_at)


@app.get("/admin/contacts/<contact_id>/invitations", tags=["invitations"])
def list_invitations(contact_id: ContactId, cursor: Cursor = None, limit: Limit = 50) -> Page[Invitation]:
    items, next_cursor = invite.listing.list(contact_id, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


lambda_handler = http_handler(app)
