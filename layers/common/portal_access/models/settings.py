"""Account classes, the customer-portal system options and email templates."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, StringConstraints

from portal_access.models.common import (
    Email,
    Html,
    Identifier,
    InputModel,
    LongText,
    OutputModel,
    StoredEmail,
    TemplateName,
    Text,
)

InactiveSiteView = Literal["no", "service_history_only", "yes"]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]

DEFAULT_INVITE_TEMPLATE = "Portal Invite (All Divisions)"
# What a request by address that matched a site answers by default: no invitation (staff review
# the request first), so not the invite template, whose link would not exist.
DEFAULT_ACCESS_REQUEST_TEMPLATE = "Portal Access Request Received"


class AccountClassSettings(InputModel):
    """The Customer Portal tab of Account Class Setup. Off unless staff switch it on."""

    enable_portal_access: bool = False
    enable_add_sites: bool = False
    new_location_bundle: ShortText | None = None
    new_location_template: ShortText | None = None
    enable_report_access: bool = False
    default_work_order_photo_display: bool = False
    default_work_order_attachment_display: bool = False
    auto_send_portal_invitation: bool = False
    allow_invoice_verified_self_registration: bool = False
    customer_portal_home_page: ShortText = "Standard"
    enable_on_call_orders: bool = False
    enable_viewing_inactive_site: InactiveSiteView = "no"


class AccountClassCreate(AccountClassSettings):
    class_id: Identifier
    name: Text | None = None


class AccountClassReplace(AccountClassSettings):
    name: Text | None = None


class AccountClass(AccountClassSettings):
    class_id: str
    name: str
    updated_at: str


class SystemOptions(InputModel):
    """System Options Setup, Customer Portal section (all 19 of the seed's table)."""

    customer_portal_url: AnyHttpUrl | None = None
    display_service_history: bool = True
    display_ar_history: bool = True
    display_aging_buckets: bool = True
    display_login_terms: bool = True
    display_current_services: bool = True
    display_service_quantity: bool = True
    enable_payment_as_guest: bool = False
    enable_auto_pay_max_amount: bool = False
    display_third_party_invoices: bool = False
    account_invite_from_email: StoredEmail | None = None  # validated by SystemOptionsReplace
    invite_email_template: TemplateName = DEFAULT_INVITE_TEMPLATE
    enable_account_request_via_address: bool = False
    account_request_address_found_template: TemplateName = DEFAULT_ACCESS_REQUEST_TEMPLATE
    enable_request_login_button: bool = False
    login_message_html: Html = ""
    login_terms_html: Html = ""
    make_a_payment_terms: LongText = ""
    login_logo_url: AnyHttpUrl | None = None


class SystemOptionsReplace(SystemOptions):
    """The options as staff send them: the from-address must be an email address."""

    account_invite_from_email: Email | None = None


class EmailTemplateBody(InputModel):
    subject: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    html: Html
    text: Annotated[str, StringConstraints(min_length=1, max_length=20000)]


class EmailPreview(OutputModel):
    """A template rendered with sample values for every placeholder, as an email would carry it."""

    subject: str
    html: str
    text: str


class LoginPageHtml(InputModel):
    """Login Message (HTML) and Login Terms (HTML) as staff type them, or as the login page
    shows them (sanitised) in a preview's answer."""

    login_message_html: Html = ""
    login_terms_html: Html = ""


class LoginConfig(OutputModel):
    """What the portal's login page shows; the HTML is sanitised (no script, no event handlers,
    no javascript: URLs) and the terms are empty when "Display Login Terms" is off."""

    request_login_enabled: bool = Field(description="Enable Request Login Button")
    login_message_html: str
    login_terms_html: str
    login_logo_url: str | None = None
    payment_as_guest_enabled: bool
    account_request_via_address_enabled: bool


class EmailTemplate(OutputModel):
    name: str
    subject: str
    html: str
    text: str
    updated_at: str | None = None
    built_in: bool = Field(default=False, description="true until staff save their own version")
