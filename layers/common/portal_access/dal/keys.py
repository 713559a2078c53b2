"""Every key and index name of every table, in one place."""

from __future__ import annotations

# AccountsTable (pk, sk): accounts, their sites, invoices.
ACCOUNT_SK = "ACCOUNT"
SITE_PREFIX = "SITE#"
INVOICE_SK = "INVOICE"
# GSI on the normalised service address, for access requests by address.
ADDRESS_INDEX = "by_address"


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


def email_key(email: str) -> str:
    return email.strip().lower()


# ActivityTable (contact_id, activity_key): newest first by sorting on the key.
def activity_key(at: str, activity_id: str) -> str:
    return f"{at}#{activity_id}"
