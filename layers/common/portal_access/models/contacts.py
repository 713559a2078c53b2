"""Contacts, their portal access and activity history."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from portal_access.models.common import (
    Email,
    Identifier,
    InputModel,
    LongText,
    OutputModel,
    Phone,
    StoredEmail,
    Text,
)

Level = Literal["account", "site"]
NotificationMethod = Literal["none", "email", "sms", "email_and_sms"]
BillingContact = Literal["none", "billing", "primary_billing"]
RoleName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]

MAX_SITES_PER_GRANT = 100  # one BatchGetItem checks them all


class ContactDetails(InputModel):
    """The Details tab of Edit Contact."""

    title: ShortText | None = None
    name: Text
    email: Email | None = None
    email_2: Email | None = None
    phone_1: Phone | None = None
    phone_2: Phone | None = None
    phone_3: Phone | None = None
    phone_4: Phone | None = None
    note: LongText | None = None
    receive_service_notifications: bool = False
    service_notification_method: NotificationMethod = "none"
    request_notification_method: NotificationMethod = "none"
    billing_contact: BillingContact = "none"
    receive_invoice_notifications: bool = False
    receive_past_due_notifications: bool = False
    mobile_opt_out: bool = False
    enable_portal_access: bool = True


DETAIL_FIELDS: tuple[str, ...] = tuple(ContactDetails.model_fields)


class ContactCreate(ContactDetails):
    # The rule of `_site_matches_level`, as JSON Schema.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"level": {"const": "site"}}, "required": ["level"]},
            "then": {"required": ["site_id"], "properties": {"site_id": {"type": "string"}}},
            "else": {"properties": {"site_id": {"type": "null"}}},
        }
    )

    level: Level = "account"
    site_id: Identifier | None = None

    @model_validator(mode="after")
    def _site_matches_level(self) -> Self:
        if self.level == "site" and not self.site_id:
            raise ValueError("site_id is required for a site-level contact")
        if self.level == "account" and self.site_id:
            raise ValueError("site_id is only for a site-level contact")
        return self


class AccountContactCreate(ContactDetails):
    """A contact created with a new account: the account has no sites yet, so account level."""

    level: Literal["account"] = "account"


def _patch_schema(schema: dict[str, Any]) -> None:
    """`_required_fields_not_null` as JSON Schema: at least one field, null only where allowed."""
    schema["minProperties"] = 1
    for name, field in schema.get("properties", {}).items():
        if name in _NOT_NULLABLE and "anyOf" in field:
            field["anyOf"] = [branch for branch in field["anyOf"] if branch.get("type") != "null"]


class ContactPatch(InputModel):
    """Any Details field; what is left out stays as it is. Only optional fields may be null."""

    model_config = ConfigDict(json_schema_extra=_patch_schema)

    title: ShortText | None = None
    name: Text | None = None
    email: Email | None = None
    email_2: Email | None = None
    phone_1: Phone | None = None
    phone_2: Phone | None = None
    phone_3: Phone | None = None
    phone_4: Phone | None = None
    note: LongText | None = None
    receive_service_notifications: bool | None = None
    service_notification_method: NotificationMethod | None = None
    request_notification_method: NotificationMethod | None = None
    billing_contact: BillingContact | None = None
    receive_invoice_notifications: bool | None = None
    receive_past_due_notifications: bool | None = None
    mobile_opt_out: bool | None = None
    enable_portal_access: bool | None = None

    @model_validator(mode="after")
    def _required_fields_not_null(self) -> Self:
        for field in sorted(self.model_fields_set & _NOT_NULLABLE):
            if getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null")
        if not self.model_fields_set:
            raise ValueError("send at least one Details field to change")
        return self

    def changes(self) -> dict[str, Any]:
        """Only the fields the caller sent."""
        return self.model_dump(mode="json", exclude_unset=True)


_NOT_NULLABLE = frozenset(
    name for name, field in ContactDetails.model_fields.items() if field.is_required() or field.default is not None
)


class PortalAccess(InputModel):
    """Account (All Sites), or a list of the account's sites with optional roles per site."""

    # `_consistent` as JSON Schema, as far as it can say it: Account (All Sites) takes no list
    # of sites, and no roles but the account's.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"all_sites": {"const": True}}, "required": ["all_sites"]},
            "then": {"properties": {"site_ids": {"maxItems": 0}, "roles": {"propertyNames": {"const": "account"}}}},
        }
    )

    all_sites: bool
    site_ids: list[Identifier] = Field(
        default_factory=list, max_length=MAX_SITES_PER_GRANT, json_schema_extra={"uniqueItems": True}
    )
    roles: dict[str, list[RoleName]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.all_sites and self.site_ids:
            raise ValueError("site_ids must be empty when all_sites is true")
        if len(set(self.site_ids)) != len(self.site_ids):
            raise ValueError("site_ids has duplicates")
        allowed = {"account", *self.site_ids}
        unknown = sorted(set(self.roles) - allowed)
        if unknown:
            raise ValueError(f"roles names sites not granted: {', '.join(unknown)}")
        return self


class Contact(ContactDetails):
    model_config = OutputModel.model_config

    # Stored contacts: their emails were validated when written (see models.common.Email).
    email: StoredEmail | None = None
    email_2: StoredEmail | None = None
    contact_id: str
    account_id: str
    level: Level
    site_id: str | None = None
    portal_user: bool = False
    portal_access: PortalAccess
    # The Cognito login (sub) this contact is linked to; internal, never in an API answer.
    login_id: str | None = Field(default=None, exclude=True)
    version: int
    created_at: str
    updated_at: str


# A contact's standing with the portal (domain/portal_status.py says how each is derived).
PortalStatus = Literal["none", "invited", "delivered", "undeliverable", "expired", "active", "disabled"]


class StaffContact(Contact):
    """A contact as staff read it: with its portal status and whether its email is undeliverable."""

    portal_status: PortalStatus
    email_undeliverable: bool


class ContactGridRow(OutputModel):
    """One row of the Contacts screen (`portal_status`: the Portal User column)."""

    contact_id: str
    type: Level
    site_id: str | None
    billing_contact: BillingContact
    name: str
    title: str | None
    email: str | None
    phone_1: str | None
    receive_service_notifications: bool
    service_notification_method: NotificationMethod
    request_notification_method: NotificationMethod
    enable_portal_access: bool
    portal_user: bool
    portal_status: PortalStatus
    email_undeliverable: bool

    @classmethod
    def of(cls, contact: StaffContact) -> ContactGridRow:
        return cls(type=contact.level, **contact.model_dump(exclude={"level"}))


ActivityAction = Literal[
    "created",
    "edited",
    "access_changed",
    "invite_sent",
    "invite_auto_sent",
    "invite_failed",
    "invite_accepted",
    "login_reminder_sent",
    "unlinked",
    "self_registered",
    "login_disabled",
    "login_enabled",
    # What SES reported about an invitation or reminder email (domain/delivery.py)
    "invite_delivered",
    "invite_bounced",
    "invite_complained",
    "invite_delivery_delayed",
    # An invitation or reminder not sent to an email SES reported as undeliverable
    "invite_skipped",
    "invite_expired",
    "invite_reminder_sent",
]


class ActivityEntry(OutputModel):
    activity_id: str
    contact_id: str
    at: str
    actor: str
    action: ActivityAction
    details: dict[str, Any] = Field(default_factory=dict)
