"""Which addresses SES will send from: the address itself, or its domain, is a verified identity
of the account (SESv2 GetEmailIdentity; the function's role may read identities, nothing else)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_sesv2 import SESV2Client


class SesSenderIdentities:
    def __init__(self, client: Callable[[], SESV2Client]) -> None:
        self._make_client = client

    @cached_property
    def _client(self) -> SESV2Client:
        """Made on first use (a system options save): the staff API's other cold starts skip it."""
        return self._make_client()

    def can_send_from(self, address: str) -> bool:
        """True when `address` or its domain is a verified identity (at most two calls)."""
        domain = address.rsplit("@", 1)[-1]
        for identity in (address, domain):
            try:
                found = self._client.get_email_identity(EmailIdentity=identity)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in {"NotFoundException", "BadRequestException"}:
                    continue
                raise
            if found.get("VerifiedForSendingStatus") or found.get("VerificationStatus") == "SUCCESS":
                return True
        return False
