"""The portal pool's Post Authentication trigger (functions/post_auth/)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.dal.dynamodb import create_client
from portal_access.dal.login_records import LoginRecords
from portal_access.domain.clock import system_clock
from portal_access.domain.sign_ins import SignInStamps

if TYPE_CHECKING:
    from portal_access.config import PostAuthenticationConfig


def build_sign_in_stamps(config: PostAuthenticationConfig) -> SignInStamps:
    return SignInStamps(logins=LoginRecords(create_client(), config.invitations_table), clock=system_clock)
