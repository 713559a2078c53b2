"""Portal logins: the only module that touches the portal Cognito user pool (cognito-idp).

The pool's username attribute is the email, so every admin call takes the email as the
username; a login's id is its immutable `sub`, which contacts store as `login_id`. Password
strength is the pool's policy: Cognito says no, this module turns it into a 422 with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from portal_access.domain.errors import InvalidInput, LoginExists, LoginSwitchFailed, Unauthenticated

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import AttributeTypeTypeDef

_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=5)

# Cognito's status of a user created by an admin that never set its own password.
NEVER_SIGNED_IN = "FORCE_CHANGE_PASSWORD"


def create_cognito_client() -> CognitoIdentityProviderClient:
    return boto3.client("cognito-idp", config=_CLIENT_CONFIG)


@dataclass(frozen=True, slots=True)
class PortalLogin:
    login_id: str  # the Cognito sub
    username: str  # Cognito's internal username (a UUID in an email-as-username pool)
    email: str
    enabled: bool
    status: str

    @property
    def has_password(self) -> bool:
        """False for a login that was created but never got a password of its own (an accept
        that failed half-way): nobody can sign in with it, so setting its password takes
        nothing from anyone."""
        return self.status != NEVER_SIGNED_IN


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _password_error(error: ClientError) -> InvalidInput:
    reason = str(error.response.get("Error", {}).get("Message") or "it does not meet the password policy")
    return InvalidInput(f"password is too weak: {reason}", field="password")


def _login_of(username: str, attributes: list[AttributeTypeTypeDef], *, enabled: bool, status: str) -> PortalLogin:
    values = {a["Name"]: a.get("Value", "") for a in attributes}
    return PortalLogin(
        login_id=values.get("sub", username),
        username=username,
        email=values.get("email", "").lower(),
        enabled=enabled,
        status=status,
    )


class PortalLogins:
    def __init__(self, client: Callable[[], CognitoIdentityProviderClient], user_pool_id: str) -> None:
        self._make_client = client
        self.user_pool_id = user_pool_id

    @cached_property
    def _client(self) -> CognitoIdentityProviderClient:
        """Made on first use: a cold start whose request never calls Cognito does not load it."""
        return self._make_client()

    def find_by_email(self, email: str) -> PortalLogin | None:
        try:
            user = self._client.admin_get_user(UserPoolId=self.user_pool_id, Username=email.lower())
        except ClientError as error:
            if _error_code(error) == "UserNotFoundException":
                return None
            raise
        return _login_of(
            user["Username"],
            list(user.get("UserAttributes", [])),
            enabled=bool(user.get("Enabled", True)),
            status=str(user.get("UserStatus", "")),
        )

    def create(self, email: str, password: str) -> PortalLogin:
        """A login with a verified email and `password` as its permanent password.

        The password is given as the temporary one too, so Cognito checks it against the pool
        policy before the user exists; no invitation email from Cognito (ours was the invite).
        """
        try:
            created = self._client.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=email.lower(),
                UserAttributes=[
                    {"Name": "email", "Value": email.lower()},
                    {"Name": "email_verified", "Value": "true"},
                ],
                TemporaryPassword=password,
                MessageAction="SUPPRESS",
            )
        except ClientError as error:
            if _error_code(error) == "InvalidPasswordException":
                raise _password_error(error) from error
            if _error_code(error) == "UsernameExistsException":
                raise LoginExists(f"a portal login for {email.lower()} already exists") from error
            raise
        user = created["User"]
        login = _login_of(
            user["Username"], list(user.get("Attributes", [])), enabled=True, status=str(user.get("UserStatus", ""))
        )
        self.set_password(login, password)
        return PortalLogin(login.login_id, login.username, login.email, enabled=True, status="CONFIRMED")

    def set_password(self, login: PortalLogin, password: str) -> None:
        """Permanent password for a login that has none of its own yet (see `has_password`)."""
        try:
            self._client.admin_set_user_password(
                UserPoolId=self.user_pool_id, Username=login.username, Password=password, Permanent=True
            )
        except ClientError as error:
            if _error_code(error) == "InvalidPasswordException":
                raise _password_error(error) from error
            raise

    def enable(self, login: PortalLogin) -> None:
        self._client.admin_enable_user(UserPoolId=self.user_pool_id, Username=login.username)

    # The contacts domain's `LoginSwitch` (domain/login_switch.py). A contact knows its login by
    # `sub`, which Cognito admin calls accept as the username.

    def suspend(self, login_id: str) -> bool:
        """AdminDisableUser, then AdminUserGlobalSignOut (revokes its refresh tokens); False
        when the pool has no such login."""
        try:
            self._client.admin_disable_user(UserPoolId=self.user_pool_id, Username=login_id)
            self._client.admin_user_global_sign_out(UserPoolId=self.user_pool_id, Username=login_id)
        except ClientError as error:
            if _error_code(error) == "UserNotFoundException":
                return False
            raise LoginSwitchFailed(f"could not disable portal login: {_error_code(error)}") from error
        return True

    def restore(self, login_id: str) -> bool:
        """AdminEnableUser when the login is disabled; False when it is enabled already or gone."""
        try:
            user = self._client.admin_get_user(UserPoolId=self.user_pool_id, Username=login_id)
            if user.get("Enabled", True):
                return False
            self._client.admin_enable_user(UserPoolId=self.user_pool_id, Username=login_id)
        except ClientError as error:
            if _error_code(error) == "UserNotFoundException":
                return False
            raise LoginSwitchFailed(f"could not enable portal login: {_error_code(error)}") from error
        return True

    def signed_in(self, access_token: str) -> PortalLogin:
        """The login an access token belongs to, checked by Cognito itself (signature, expiry,
        revocation, disabled user), for routes the gateway does not authorize.

        GetUser accepts a token of any pool: compare the returned `login_id` (sub) with a login
        found in this pool before trusting it."""
        try:
            user = self._client.get_user(AccessToken=access_token)
        except ClientError as error:
            if _error_code(error) in {"NotAuthorizedException", "UserNotFoundException", "InvalidParameterException"}:
                raise Unauthenticated("the access token is not valid; sign in again") from error
            raise
        return _login_of(user["Username"], list(user.get("UserAttributes", [])), enabled=True, status="CONFIRMED")
