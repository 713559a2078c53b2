"""The portal's public login page: invoice-verified self-registration and
requests for access by service address; what staff read back; what the queue carries."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from portal_access.models.accounts import Address
from portal_access.models.common import Email, Identifier, InputModel, OutputModel, PersonName

# The same shape staff record an invoice's quick-pay code with.
QuickPayCode = Annotated[str, Field(min_length=4, max_length=64)]


# The login page


class SelfRegistrationCreate(InputModel):
    """Request Login: an invoice number plus its quick-pay code or its account number."""

    # The cross-field rule below, as JSON Schema: exactly one of the two proofs.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {
                    "required": ["quick_pay_code"],
                    "properties": {"quick_pay_code": {"type": "string"}, "account_number": {"type": "null"}},
                },
                {
                    "required": ["account_number"],
                    "properties": {"account_number": {"type": "string"}, "quick_pay_code": {"type": "null"}},
                },
            ]
        }
    )

    invoice_number: Identifier
    quick_pay_code: QuickPayCode | None = None
    account_number: Annotated[Identifier | None, Field(validate_default=True)] = None
    contact_name: PersonName
    email: Email

    @field_validator("account_number", mode="after")
    @classmethod
    def _exactly_one_proof(cls, value: str | None, info: ValidationInfo) -> str | None:
        has_code = info.data.get("quick_pay_code") is not None
        if has_code and value is not None:
            raise ValueError("give quick_pay_code or account_number, not both")
        if not has_code and value is None and "quick_pay_code" in info.data:
            raise ValueError("give the invoice's quick_pay_code or its account_number")
        return value


class AccessRequestCreate(InputModel):
    """Request access by the service address of a site, when the option is on."""

    address: Address
    contact_name: PersonName
    email: Email


class RequestReceived(OutputModel):
    """The same answer whether or not anything matched: it never says which."""

    status: Literal["received"] = "received"
    message: str


SELF_REGISTRATION_RECEIVED = RequestReceived(
    message="Thank you. If the details match an invoice of an account with portal access, "
    "we will email you at the address you gave."
)
ACCESS_REQUEST_RECEIVED = RequestReceived(
    message="Thank you. If the address matches a service location, we will email you at the address you gave."
)


# What the queue carries (never the quick-pay code itself: its SHA-256, as stored on the invoice)


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    request_id: str
    received_at: str
    source_ip: str
    contact_name: str
    email: str


class SelfRegistrationMessage(_Message):
    kind: Literal["self_registration"] = "self_registration"
    invoice_number: str
    quick_pay_code_hash: str | None = None
    account_number: str | None = None


class AccessRequestMessage(_Message):
    kind: Literal["access_request"] = "access_request"
    address: Address


QueueMessage = Annotated[SelfRegistrationMessage | AccessRequestMessage, Field(discriminator="kind")]


# What staff read back

SelfRegistrationOutcome = Literal[
    "invited",  # a contact was created or reused and an invitation went out
    "login_reminder_sent",  # the email already has a portal login on the account
    "email_failed",  # verified, but SES did not take the email (see the contact's history)
    "contact_portal_access_disabled",  # staff switched portal access off for that contact
    "email_undeliverable",  # SES reported the email as bounced or complained about
    "invoice_not_found",
    "proof_mismatch",  # the quick-pay code or the account number does not match the invoice
    "account_not_found",
    "account_inactive",
    "class_not_allowed",  # the class has no invoice-verified self-registration or no portal access
    "rate_limited",
]


class SelfRegistrationAttempt(OutputModel):
    """One Request Login attempt as staff see it: never the code or account number typed."""

    request_id: str
    received_at: str
    decided_at: str
    source_ip: str
    invoice_number: str
    email: str
    contact_name: str
    proof: Literal["quick_pay_code", "account_number"] | None = None
    outcome: SelfRegistrationOutcome
    account_id: str | None = None
    contact_id: str | None = None


class MatchedSite(OutputModel):
    account_id: str
    site_id: str
    name: str
    address: Address
    status: str


class AccessRequest(OutputModel):
    """A request by address that matched a site: pending until staff act on it."""

    request_id: str
    status: Literal["pending"] = "pending"
    received_at: str
    source_ip: str
    contact_name: str
    email: str
    address: Address
    site: MatchedSite = Field(description="the matched site (the first, when several match)")
    matched_sites: list[MatchedSite] = Field(
        default_factory=list, description="the sites at that address (the first ones, when more match)"
    )
    more_matched_sites: bool = Field(
        default=False, description="true when more sites match the address than `matched_sites` lists"
    )
    email_status: Literal["sent", "failed"] = "sent"
