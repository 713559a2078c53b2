"""The port through which the contacts domain switches a portal login off and on again.

When a change leaves a login with no linked contact that has portal access enabled, the login
is disabled and signed out everywhere; when a linked contact gets portal access back, or an
invitation is accepted, it is enabled again. `dal.portal_logins.PortalLogins` implements it on
the portal Cognito user pool; tests may pass a fake.

Access itself never depends on this switch: every portal request re-reads the login's contacts
(`domain.access`), so a grant taken away is gone on the next request even while a token issued
before lives on (the gateway's JWT authorizer does not know about revocation). Disabling the
login stops new sign-ins and refreshes; the global sign-out revokes its refresh tokens.
"""

from __future__ import annotations

from typing import Protocol

from portal_access.domain.errors import LoginSwitchFailed

__all__ = ["LoginSwitch", "LoginSwitchFailed"]


class LoginSwitch(Protocol):
    def suspend(self, login_id: str) -> bool:
        """Disable the login and sign it out of every device; False when there is no such login."""
        ...

    def restore(self, login_id: str) -> bool:
        """Enable the login again; True only when it was disabled."""
        ...
