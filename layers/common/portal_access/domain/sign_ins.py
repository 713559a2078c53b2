"""Last sign-in: the portal pool's Post Authentication trigger stamps the login's item with the
time, one UpdateItem (`dal/login_records.py`), for the access review (`domain/access_review.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.domain.clock import iso

if TYPE_CHECKING:
    from portal_access.dal.login_records import LoginRecords
    from portal_access.domain.clock import Clock


class SignInStamps:
    def __init__(self, *, logins: LoginRecords, clock: Clock) -> None:
        self._logins = logins
        self._clock = clock

    def signed_in(self, login_id: str, email: str) -> str:
        """Record that the login signed in now; returns the time stamped."""
        at = iso(self._clock())
        self._logins.stamp_sign_in(login_id, email, at=at)
        return at
