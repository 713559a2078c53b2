"""Sending email. Domain code depends on the `EmailSender` protocol; functions build the SES one,
unit tests pass a fake. Only this module touches SES."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

# Standard retry mode backs off and retries SES throttling (TooManyRequestsException, 429) and
# 5xx answers; what still fails after that is final. Bounded so an API call stays in its timeout.
_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=5)


@dataclass(frozen=True, slots=True)
class EmailMessage:
    sender: str
    to: str
    subject: str
    html: str
    text: str
    # SES message tags: the delivery events SES publishes carry them back (models/delivery.py).
    tags: Mapping[str, str] = field(default_factory=dict)


class EmailSendFailed(Exception):
    """SES refused the email, or kept failing after the SDK's retries. `reason` is safe to store
    and show staff: it names the SES error, never the message's content. `transient`: SES was
    throttling or unavailable (trying later may work), not refusing this email."""

    def __init__(self, reason: str, *, transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


# SES's answers that mean "not now" rather than "not this email".
_TRANSIENT_CODES = frozenset(
    {"TooManyRequestsException", "Throttling", "ThrottlingException", "LimitExceededException", "InternalFailure"}
)


class EmailSender(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Send one email; return the provider's message id or raise `EmailSendFailed`."""
        ...


def create_ses_client() -> SESV2Client:
    return boto3.client("sesv2", config=_CLIENT_CONFIG)


class SesEmailSender:
    """SESv2 SendEmail with simple content (HTML and text parts), the same call on SES and moto.
    Through `configuration_set` when given: its event destination reports delivery, bounces
    and complaints (template.yaml, `InvitationEmails`)."""

    def __init__(self, client: Callable[[], SESV2Client], configuration_set: str | None = None) -> None:
        self._make_client = client
        self._configuration_set = configuration_set

    @cached_property
    def _client(self) -> SESV2Client:
        """Made on first use: a cold start whose request sends nothing does not load SES."""
        return self._make_client()

    def send(self, message: EmailMessage) -> str:
        extra: dict[str, Any] = {}
        if self._configuration_set:
            extra["ConfigurationSetName"] = self._configuration_set
        if message.tags:
            extra["EmailTags"] = [{"Name": k, "Value": v} for k, v in message.tags.items()]
        try:
            response = self._client.send_email(
                **extra,
                FromEmailAddress=message.sender,
                Destination={"ToAddresses": [message.to]},
                Content={
                    "Simple": {
                        "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                        "Body": {
                            "Html": {"Data": message.html, "Charset": "UTF-8"},
                            "Text": {"Data": message.text, "Charset": "UTF-8"},
                        },
                    }
                },
            )
        except ClientError as error:
            details = error.response.get("Error", {})
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
            raise EmailSendFailed(
                f"{details.get('Code', 'Error')}: {details.get('Message', '')}".strip(),
                transient=details.get("Code") in _TRANSIENT_CODES or status >= 500,
            ) from error
        except BotoCoreError as error:
            raise EmailSendFailed(type(error).__name__, transient=True) from error
        return str(response.get("MessageId", ""))
