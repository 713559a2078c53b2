"""What a signed-in portal login sees: its accounts, their sites and the class's capabilities."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from portal_access.models.accounts import Address, InvoiceDelivery, Status
from portal_access.models.common import OutputModel
from portal_access.models.settings import InactiveSiteView

SiteView = Literal["full", "service_history_only"]
AccessLevel = Literal["all_sites", "selected_sites"]


class PortalCapabilities(OutputModel):
    """The Customer Portal tab of the account's class, as the portal switches features."""

    report_access: bool = Field(description="Enable Report Access")
    add_sites: bool = Field(description="Enable Add Sites")
    on_call_orders: bool = Field(description="Enable On Call Orders")
    home_page: str = Field(description="Customer Portal Home Page")
    work_order_photo_display: bool = Field(description="Default Work Order Photo - Display in Customer Portal")
    work_order_attachment_display: bool = Field(
        description="Default Work Order Attachment - Display in Customer Portal"
    )
    inactive_sites: InactiveSiteView = Field(description="Enable Viewing Inactive Site")


class PortalSite(OutputModel):
    """A site the login may see; `view` is `service_history_only` for an inactive site whose
    class allows only its service history."""

    account_id: str
    site_id: str
    name: str
    address: Address
    status: Status
    view: SiteView
    roles: list[str] = Field(default_factory=list, description="roles the granting contacts give at this site")


class PortalAccount(OutputModel):
    account_id: str
    name: str
    status: Status
    invoice_delivery: InvoiceDelivery
    access: AccessLevel = Field(description="all_sites: Account (All Sites), which covers sites added later")
    capabilities: PortalCapabilities
    sites: list[PortalSite]
    more_sites: bool = Field(
        default=False, description="true when the account has more permitted sites than this answer lists"
    )


class PortalMe(OutputModel):
    """The signed-in login (from its verified token) and every account it may see."""

    username: str
    email: str | None = Field(default=None, description="the login's email, as its linked contacts know it")
    accounts: list[PortalAccount]
    more_accounts: bool = Field(
        default=False, description="true when the login is linked to more contacts than one answer reads"
    )
