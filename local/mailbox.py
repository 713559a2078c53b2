"""SES's mailbox simulator, emulated: mail sent through a configuration set to
`success@`, `bounce@`, `complaint@`, `suppressionlist@` or `ooto@simulator.amazonses.com` (with
`+label` before the `@`, as SES allows) produces the events SES would publish, to the SNS topics
of that set's event destinations (template.yaml), a moment after the send, as SES does.

moto's SES accepts a send and stores it, but publishes no event: `SesRecorder` (local/outbox.py)
hands every accepted SendEmail here. Mail to any other address gets no event locally (there is
no mailbox behind it), so its invitation stays `pending`. `simulated_events` is pure."""

from __future__ import annotations

import json
import logging
import queue
import re
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient

    from local.provision import EventDestination

log = logging.getLogger("local.mailbox")

SIMULATOR = re.compile(r"^(success|bounce|complaint|suppressionlist|ooto)(\+[^@]*)?@simulator\.amazonses\.com$", re.I)
REPORTING_MTA = "dns; a8-70.smtp-out.amazonses.com"


@dataclass(frozen=True)
class SentEmail:
    """What a SendEmail request said, with the message id SES answered."""

    message_id: str
    source: str
    recipients: tuple[str, ...]
    configuration_set: str | None
    tags: Mapping[str, str]

    @classmethod
    def from_request(cls, message_id: str, request: Mapping[str, Any]) -> SentEmail:
        destination = request.get("Destination") or {}
        kinds = ("ToAddresses", "CcAddresses", "BccAddresses")
        recipients = tuple(a for key in kinds for a in destination.get(key, []))
        tags = {str(t.get("Name")): str(t.get("Value")) for t in request.get("EmailTags") or []}
        return cls(
            message_id=message_id,
            source=str(request.get("FromEmailAddress", "")),
            recipients=recipients,
            configuration_set=request.get("ConfigurationSetName"),
            tags=tags,
        )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def simulated_events(sent: SentEmail, *, now: datetime, account_id: str, region: str) -> list[dict[str, Any]]:
    """The events SES publishes for a send to simulator addresses, in the order it would."""
    mail = {
        "timestamp": _iso(now),
        "source": sent.source,
        "sourceArn": f"arn:aws:ses:{region}:{account_id}:identity/{sent.source.rsplit('@', 1)[-1]}",
        "sendingAccountId": account_id,
        "messageId": sent.message_id,
        "destination": list(sent.recipients),
        "headersTruncated": False,
        "tags": {
            **{name: [value] for name, value in sent.tags.items()},
            "ses:configuration-set": [sent.configuration_set or ""],
            "ses:from-domain": [sent.source.rsplit("@", 1)[-1]],
        },
    }
    later = _iso(now + timedelta(seconds=1))
    events: list[dict[str, Any]] = []
    for address in sent.recipients:
        match = SIMULATOR.match(address)
        if not match:
            continue
        kind = match.group(1).lower()
        delivered = {
            "eventType": "Delivery",
            "mail": mail,
            "delivery": {
                "timestamp": later,
                "processingTimeMillis": 812,
                "recipients": [address],
                "smtpResponse": "250 2.6.0 Message received",
                "reportingMTA": "a8-70.smtp-out.amazonses.com",
            },
        }
        if kind in ("success", "ooto"):
            events.append(delivered)
        elif kind in ("bounce", "suppressionlist"):
            suppressed = kind == "suppressionlist"
            events.append(
                {
                    "eventType": "Bounce",
                    "mail": mail,
                    "bounce": {
                        "bounceType": "Permanent",
                        "bounceSubType": "Suppressed" if suppressed else "General",
                        "bouncedRecipients": [
                            {
                                "emailAddress": address,
                                "action": "failed",
                                "status": "5.1.1",
                                "diagnosticCode": "Amazon SES has suppressed sending to this address because it "
                                "has a recent history of bouncing as an invalid address."
                                if suppressed
                                else "smtp; 550 5.1.1 user unknown",
                            }
                        ],
                        "timestamp": later,
                        "feedbackId": str(uuid.uuid4()),
                        "reportingMTA": REPORTING_MTA,
                    },
                }
            )
        elif kind == "complaint":
            events.append(delivered)
            events.append(
                {
                    "eventType": "Complaint",
                    "mail": mail,
                    "complaint": {
                        "complainedRecipients": [{"emailAddress": address}],
                        "timestamp": _iso(now + timedelta(seconds=2)),
                        "feedbackId": str(uuid.uuid4()),
                        "complaintFeedbackType": "abuse",
                        "userAgent": "Amazon SES Mailbox Simulator",
                        "arrivalDate": later,
                    },
                }
            )
    return events


class MailboxSimulator:
    """Publishes the simulated events of each send on a thread of its own (SES is asynchronous)."""

    def __init__(
        self,
        destinations: Mapping[str, Sequence[EventDestination]],
        sns: SNSClient,
        *,
        account_id: str = "123456789012",
        region: str = "us-east-1",
        delay_seconds: float = 0.2,
    ) -> None:
        self._destinations = destinations
        self._sns = sns
        self._account = account_id
        self._region = region
        self._delay = delay_seconds
        self._pending: queue.Queue[SentEmail] = queue.Queue()

    def on_sent(self, message_id: str, request: Mapping[str, Any]) -> None:
        """Called by the SES recorder for every SendEmail moto accepted."""
        sent = SentEmail.from_request(message_id, request)
        if sent.configuration_set and any(SIMULATOR.match(a) for a in sent.recipients):
            self._pending.put(sent)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                sent = self._pending.get(timeout=0.2)
            except queue.Empty:
                continue
            stop.wait(self._delay)
            try:
                self.publish(sent)
            except Exception:
                log.exception("mailbox simulator: events of %s not published", sent.message_id)

    def publish(self, sent: SentEmail) -> None:
        events = simulated_events(sent, now=datetime.now(UTC), account_id=self._account, region=self._region)
        for destination in self._destinations.get(sent.configuration_set or "", []):
            for event in events:
                if event["eventType"] in destination.event_types:
                    self._sns.publish(TopicArn=destination.topic_arn, Message=json.dumps(event))
