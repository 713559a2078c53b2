"""Invitation tokens. A token is `<invitation_id>.<secret>`: the secret is 256 bits from
`secrets`, only its SHA-256 is stored and it is compared in constant time. Never log a token
or a secret."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import TYPE_CHECKING

from portal_access.domain.errors import InvalidInput

if TYPE_CHECKING:
    from portal_access.dal.invitation_records import InvitationRecord

# The portal page that takes the token; the token rides in the fragment, which browsers never
# send to a server, so it does not land in the portal's access logs or in a Referer.
ACCEPT_PATH = "/invitations/accept"

_TOKEN = re.compile(r"^(inv_[0-9a-f]{20})\.([A-Za-z0-9_-]{43})$")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(record: InvitationRecord, secret: str) -> bool:
    """The invitation's link, or its reminder's (each has a secret of its own), in constant time."""
    presented = hash_secret(secret)
    link = hmac.compare_digest(record.secret_hash, presented)
    reminder = hmac.compare_digest(record.reminder_secret_hash or "", presented)
    return link or reminder  # both compared, always


def new_token(invitation_id: str) -> tuple[str, str]:
    """(token for the link, hash to store): 32 random bytes = 256 bits from the OS CSPRNG."""
    secret = secrets.token_urlsafe(32)
    return f"{invitation_id}.{secret}", hash_secret(secret)


def parse_token(token: str) -> tuple[str, str]:
    """(invitation_id, secret), or 422 for anything that is not shaped like our tokens."""
    match = _TOKEN.match(token.strip())
    if not match:
        raise InvalidInput("token is not an invitation token: copy the whole link from the email", field="token")
    return match.group(1), match.group(2)


def invite_link(portal_url: str, token: str) -> str:
    return f"{portal_url.rstrip('/')}{ACCEPT_PATH}#token={token}"
