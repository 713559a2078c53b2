"""What SES says happened to an email it accepted: the events its configuration set publishes
(event publishing, through SNS with raw message delivery, so the queue's body is the event).
Only the fields the service reads; SES adds others, which are ignored."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# What an invitation knows about its email. `pending` until SES reports; a later report may
# move `delivered` on to `bounced` or `complained` (a bounce or complaint can follow delivery).
Delivery = Literal["pending", "delivered", "bounced", "complained"]
# Message tags the service sets on every email it sends, and reads back from the events.
INVITATION_TAG = "invitation_id"
KIND_TAG = "email_kind"  # invitation / reminder


class _SesModel(BaseModel):
    # Built on first use: only the delivery-events function parses SES events; the others import
    # this module for the delivery status they store.
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class SesMail(_SesModel):
    message_id: str = Field(alias="messageId")
    timestamp: str
    destination: list[str] = Field(default_factory=list)
    # SES gives every tag as a list of values (and adds its own `ses:*` tags).
    tags: dict[str, list[str]] = Field(default_factory=dict)

    def tag(self, name: str) -> str | None:
        values = self.tags.get(name) or []
        return values[0] if values else None


class SesRecipient(_SesModel):
    email_address: str = Field(alias="emailAddress")
    status: str | None = None
    diagnostic_code: str | None = Field(default=None, alias="diagnosticCode")


class SesDelivery(_SesModel):
    timestamp: str
    recipients: list[str] = Field(default_factory=list)
    smtp_response: str | None = Field(default=None, alias="smtpResponse")


class SesBounce(_SesModel):
    bounce_type: Literal["Permanent", "Transient", "Undetermined"] = Field(alias="bounceType")
    bounce_sub_type: str = Field(default="General", alias="bounceSubType")
    timestamp: str
    bounced_recipients: list[SesRecipient] = Field(default_factory=list, alias="bouncedRecipients")


class SesComplaint(_SesModel):
    timestamp: str
    complaint_feedback_type: str | None = Field(default=None, alias="complaintFeedbackType")
    complained_recipients: list[SesRecipient] = Field(default_factory=list, alias="complainedRecipients")


class SesDeliveryDelay(_SesModel):
    timestamp: str
    delay_type: str = Field(default="General", alias="delayType")
    expiration_time: str | None = Field(default=None, alias="expirationTime")


class SesEvent(_SesModel):
    """One SES event. `event_type` names which of the optional parts is there."""

    event_type: Literal["Send", "Delivery", "Bounce", "Complaint", "DeliveryDelay", "Reject", "Open", "Click"] = Field(
        alias="eventType"
    )
    mail: SesMail
    delivery: SesDelivery | None = None
    bounce: SesBounce | None = None
    complaint: SesComplaint | None = None
    delivery_delay: SesDeliveryDelay | None = Field(default=None, alias="deliveryDelay")
