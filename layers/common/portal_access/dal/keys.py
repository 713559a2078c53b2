"""Every key and index name of every table, in one place."""

from __future__ import annotations

from portal_access.models.common import normalized_email

# AccountsTable (pk, sk): accounts, their sites, invoices.
ACCOUNT_SK = "ACCOUNT"
SITE_PREFIX = "SITE#"
INVOICE_SK = "INVOICE"
# GSI on the normalised service address, for access requests by address.
ADDRESS_INDEX = "by_address"
# GSIs on account items only: by class (class_key, pk), and the active ones (active_key, pk; sparse).
ACCOUNTS_BY_CLASS_INDEX = "by_class"
ACTIVE_ACCOUNTS_INDEX = "by_active"
ACTIVE = "ACTIVE"


def account_pk(account_id: str) -> str:
    return f"ACCOUNT#{account_id}"


def site_sk(site_id: str) -> str:
    return f"{SITE_PREFIX}{site_id}"


def invoice_pk(invoice_number: str) -> str:
    return f"INVOICE#{invoice_number}"


def address_key(line1: str, postal_code: str) -> str:
    """Case, spacing and punctuation folded, so '425 Rice St.' finds '425 rice st'."""
    folded_line = " ".join("".join(c for c in line1.lower() if c.isalnum() or c.isspace()).split())
    folded_postal = postal_code.strip().split("-")[0]
    return f"ADDRESS#{folded_line}#{folded_postal}"


# SettingsTable (pk, sk): account classes, the system options, email templates.
CLASS_SK = "CLASS"
SYSTEM_OPTIONS_PK = "SYSTEM_OPTIONS"
CUSTOMER_PORTAL_SK = "customer-portal"
EMAIL_TEMPLATE_PK = "EMAIL_TEMPLATE"


def class_pk(class_id: str) -> str:
    return f"CLASS#{class_id}"


# ContactsTable (contact_id): one item per contact; the stream feeds auto-invite.
CONTACTS_BY_ACCOUNT_INDEX = "by_account"  # account_id, created_key
CONTACTS_BY_EMAIL_INDEX = "by_email"  # email_key, account_id
CONTACTS_BY_LOGIN_INDEX = "by_login"  # login_id, account_id


def created_key(created_at: str, contact_id: str) -> str:
    return f"{created_at}#{contact_id}"


# ActivityTable (contact_id, activity_key): newest first by sorting on the key.
def activity_key(at: str, activity_id: str) -> str:
    return f"{at}#{activity_id}"


# InvitationsTable (invitation_id): one item per invitation, plus one pointer item per invited
# contact naming its latest invitation (so a resend revokes exactly the earlier unused one).
INVITATIONS_BY_CONTACT_INDEX = "by_contact"  # contact_id, created_at (pointer items are not in it)
INVITATIONS_BY_EXPIRY_DAY_INDEX = "by_expiry_day"  # expiry_day (UTC yyyy-mm-dd), expires_at


def invitation_pointer_key(contact_id: str) -> str:
    return f"CONTACT#{contact_id}"


def suppression_key(email: str) -> str:
    """An email SES reported as undeliverable (permanent bounce, complaint): one item per email."""
    return f"SUPPRESSED#{normalized_email(email)}"


def login_email_guard_key(email: str) -> str:
    """The lease item that lets one accept at a time set up the login of `email` (dal/email_guard.py)."""
    return f"LOGIN_EMAIL#{normalized_email(email)}"


# PortalRequestsTable (pk): Request Login attempts and requests by address, for staff.
# GSI by_feed (feed, feed_key) lists them newest first: attempts per UTC day, requests by status.
PORTAL_REQUESTS_FEED_INDEX = "by_feed"


def attempt_pk(request_id: str) -> str:
    return f"ATTEMPT#{request_id}"


def access_request_pk(request_id: str) -> str:
    return f"ACCESS_REQUEST#{request_id}"


def attempts_feed(day: str) -> str:
    return f"SELF_REGISTRATION#{day}"


def access_requests_feed(status: str) -> str:
    return f"ACCESS_REQUEST#{status}"


def feed_key(received_at: str, request_id: str) -> str:
    return f"{received_at}#{request_id}"
