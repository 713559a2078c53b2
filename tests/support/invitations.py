"""A stored invitation item, as the invitations table holds it (for stream-based tests)."""

from __future__ import annotations

from typing import Any

SENT_INVITATION: dict[str, Any] = {
    "invitation_id": "inv_0123456789abcdef0123",
    "contact_id": "ct_1",
    "account_id": "49418",
    "email": "someone@example.com",
    "trigger": "manual",
    "actor": "staff:aliena.somers",
    "status": "sent",
    "secret_hash": "ab" * 32,
    "created_at": "2026-11-24T14:30:00.000Z",
    "expires_at": "2026-12-01T14:30:00.000Z",
    "delivery": "pending",
}
