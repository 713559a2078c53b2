"""Demo data from the seed article ("Setting Up Portal Access for Contacts"), made the way a
user would: a staff login in the staff user pool, then the service's own HTTP API with that
login's access token. No table is written directly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

STAFF_USERNAME = "aliena.somers"  # the rep in the article's status bar
STAFF_PASSWORD = "Local-Staff-2026"  # noqa: S105 - meets the staff pool's policy; moto only
ADMIN_GROUP = "portal-admins"
# One staff login per staff role (the staff pool's groups); the first is `staff_username`.
STAFF_LOGINS: dict[str, tuple[str, str]] = {
    ADMIN_GROUP: (STAFF_USERNAME, STAFF_PASSWORD),
    "customer-service": ("casey.service", "Local-Service-2026"),
    "auditors": ("audrey.auditor", "Local-Auditor-2026"),
}

ACCOUNT_CLASS: dict[str, Any] = {
    "class_id": "COMM",
    "name": "Commercial",
    "enable_portal_access": True,
    "enable_add_sites": False,
    "enable_report_access": True,
    "default_work_order_photo_display": True,
    "auto_send_portal_invitation": True,
    "customer_portal_home_page": "Standard",
    "new_location_template": "COMM-Dayton",
    "enable_on_call_orders": True,
    "enable_viewing_inactive_site": "service_history_only",
    "default_work_order_attachment_display": True,
    "allow_invoice_verified_self_registration": True,
}


def system_options(portal_url: str, from_address: str) -> dict[str, Any]:
    """System Options Setup, Customer Portal, as the article's table has it."""
    return {
        "customer_portal_url": portal_url,
        "display_service_history": True,
        "display_ar_history": True,
        "display_aging_buckets": True,
        "display_login_terms": True,
        "display_current_services": True,
        "display_service_quantity": True,
        "enable_payment_as_guest": True,
        "enable_auto_pay_max_amount": True,
        "display_third_party_invoices": False,
        "account_invite_from_email": from_address,
        "invite_email_template": "Portal Invite (All Divisions)",
        "enable_account_request_via_address": True,
        # The article names its invite template here; ours is a real invitation with a one-time
        # link, which an address request does not earn before staff review it.
        "account_request_address_found_template": "Portal Access Request Received",
        "enable_request_login_button": True,
        "login_message_html": "<p>Welcome! Sign in to see your services, invoices and requests.</p>",
        "login_terms_html": "<p>Testing login terms</p>",
    }


def _site(site_id: str, name: str, where: tuple[str, str, str, str]) -> dict[str, Any]:
    line1, city, state, postal_code = where
    address = {"line1": line1, "city": city, "state": state, "postal_code": postal_code}
    return {"site_id": site_id, "name": name, "address": address, "status": "active"}


ACCOUNTS: list[tuple[dict[str, Any], list[dict[str, Any]]]] = [
    (
        {"account_id": "21638", "name": "The Mill", "class_id": "COMM", "invoice_delivery": "mail"},
        [
            _site("21638001", "The Mill", ("12911 Farm to Market 1960 Rd W", "Houston", "TX", "77065")),
            _site("21638002", "The Mill Warehouse", ("7710 Windfern Rd", "Houston", "TX", "77040")),
        ],
    ),
    (
        {"account_id": "49418", "name": "Renovation Gym", "class_id": "COMM", "invoice_delivery": "email"},
        [
            _site("49418001", "Renovation Gym", ("4405 Pheasant Ridge Dr NE", "Blaine", "MN", "55449-4531")),
            _site("49418002", "Reno Gym Southtown", ("60 E Broadway", "Bloomington", "MN", "55425-5510")),
            _site("49418003", "Total Body Wellness Chiropractic", ("425 Rice St", "Saint Paul", "MN", "55103-2123")),
        ],
    ),
]

INVOICE: dict[str, Any] = {
    "invoice_number": "1004217",
    "account_id": "21638",
    "quick_pay_code": "QP-7K2M-9X4D",
    "amount": "221.62",
    "invoice_date": "2026-06-01",
}


@dataclass(frozen=True)
class StaffLogin:
    username: str
    password: str


def create_staff_login(
    cognito: CognitoIdentityProviderClient,
    user_pool_id: str,
    username: str,
    password: str,
    group: str,
) -> StaffLogin:
    """A staff user with a permanent password, in the staff role `group` (what `aws cognito-idp
    admin-create-user`, `admin-set-user-password --permanent` and `admin-add-user-to-group` do
    for a real rep)."""
    cognito.admin_create_user(UserPoolId=user_pool_id, Username=username, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=username, Password=password, Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=username, GroupName=group)
    return StaffLogin(username, password)


def create_staff_logins(cognito: CognitoIdentityProviderClient, user_pool_id: str) -> dict[str, StaffLogin]:
    """One staff login per role of STAFF_LOGINS: role -> login."""
    return {
        group: create_staff_login(cognito, user_pool_id, username, password, group)
        for group, (username, password) in STAFF_LOGINS.items()
    }


def sign_in(cognito: CognitoIdentityProviderClient, client_id: str, username: str, password: str) -> str:
    """An access token from the app client's USER_PASSWORD_AUTH flow."""
    result = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return result["AuthenticationResult"]["AccessToken"]


class SeedFailed(Exception):
    pass


def seed(api_url: str, access_token: str, *, portal_url: str, from_address: str) -> dict[str, Any]:
    """Create the demo data through the staff API; returns what a developer may want to know."""
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {access_token}"

        def call(method: str, path: str, body: dict[str, Any], expected: int) -> None:
            response = http.request(method, f"{api_url}{path}", json=body, timeout=30)
            if response.status_code != expected:
                raise SeedFailed(f"{method} {path} answered {response.status_code}: {response.text[:500]}")

        call("POST", "/admin/account-classes", ACCOUNT_CLASS, 201)
        call("PUT", "/admin/system-options/customer-portal", system_options(portal_url, from_address), 200)
        for account, sites in ACCOUNTS:
            call("POST", "/admin/accounts", account, 201)
            for site in sites:
                call("POST", f"/admin/accounts/{account['account_id']}/sites", site, 201)
        call("POST", "/admin/invoices", INVOICE, 201)
    return {
        "account_class": ACCOUNT_CLASS["class_id"],
        "accounts": {
            account["account_id"]: {"name": account["name"], "sites": [s["site_id"] for s in sites]}
            for account, sites in ACCOUNTS
        },
        "invoice": {k: INVOICE[k] for k in ("invoice_number", "account_id", "quick_pay_code")},
    }
