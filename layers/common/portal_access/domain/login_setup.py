"""Setting up the portal login of an invited email: one accept at a time per email.

Two invitations to the same new email accepted at once (two accounts invited the same person)
must end with exactly one password set; the other caller is told to sign in (409
`sign_in_required`), never given a 200 for a password that silently lost, nor a 5xx. The email
guard (a DynamoDB conditional write, `dal/email_guard.py`) serialises setups of one email;
under it the login is read again, so whoever comes second sees the first one's login.
Cognito's own `UsernameExistsException` is the last line: it means the same thing.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from portal_access.domain.clock import iso
from portal_access.domain.errors import Conflict, LoginExists

if TYPE_CHECKING:
    from portal_access.dal.email_guard import EmailGuard
    from portal_access.dal.portal_logins import PortalLogin, PortalLogins
    from portal_access.domain.clock import Clock

# Longer than the accept function's timeout, so a live setup never loses its lease.
SETUP_LEASE = timedelta(seconds=60)
KEEP_GUARD = timedelta(days=1)  # then DynamoDB's TTL deletes a lease a crashed call left behind

SIGN_IN_FIRST = (
    "this email already has a portal login: sign in with it, then accept the invitation again"
    " (the accept call must carry the login's access token as Authorization: Bearer);"
    " your password is not changed"
)
BEING_SET_UP = (
    "a portal login for this email is being set up right now from another invitation:"
    " sign in with that login, then accept this invitation again; your password was not used"
)


class SignInRequired(Conflict):
    """The invited email already has a login: it must prove itself before the contact is linked."""

    code = "sign_in_required"


class LoginSetup:
    def __init__(self, *, logins: PortalLogins, guard: EmailGuard, clock: Clock) -> None:
        self._logins = logins
        self._guard = guard
        self._clock = clock

    def set_up(self, email: str, password: str) -> tuple[PortalLogin, bool]:
        """(login, created): a new login with `password`, or `password` given to a login that was
        created but never got one (an earlier accept failed half-way). 409 `sign_in_required`
        when another accept holds the email or has just finished setting it up."""
        holder = secrets.token_hex(8)
        now = self._clock()
        if not self._guard.acquire(
            email,
            holder=holder,
            now=iso(now),
            until=iso(now + SETUP_LEASE),
            purge_at=int((now + KEEP_GUARD).timestamp()),
        ):
            raise SignInRequired(BEING_SET_UP, field="Authorization")
        try:
            login = self._logins.find_by_email(email)  # again, under the guard
            if login is None:
                try:
                    return self._logins.create(email, password), True
                except LoginExists as error:
                    raise SignInRequired(SIGN_IN_FIRST, field="Authorization") from error
            if login.has_password:
                raise SignInRequired(SIGN_IN_FIRST, field="Authorization")
            self._logins.set_password(login, password)
            return login, False
        finally:
            self._guard.release(email, holder=holder)
