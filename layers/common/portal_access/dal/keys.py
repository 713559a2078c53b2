"""Every key and index name of every table, in one place."""

from __future__ import annotations

import hashlib

from portal_access.models.common import normalized_email

# AccountsTable (pk, sk): accounts, their sites, invoices.
ACCOUNT_PREFIX = "ACCOUNT#"
ACCOUNT_SK = "ACCOUNT"
SITE_PREFIX = "SITE#"
INVOICE_SK = "INVOICE"
# GSI on the normalised service address, for access requests by address.
ADDRESS_INDEX = "by_address"
# GSI on the accounts' search terms (number, name, each further word of the name): staff's search.
ACCOUNT_SEARCH_INDEX = "by_search_term"  # search_bucket, search_term
SEARCH_TERM_PREFIX = "SEARCH#"
# GSIs on account items only: by class (class_key, pk), and the active ones (active_key, pk; sparse).
ACCOUNTS_BY_CLASS_INDEX = "by_class"
ACTIVE_ACCOUNTS_INDEX = "by_active"
ACTIVE = "ACTIVE"


def account_pk(account_id: str) -> str:
    return f"{ACCOUNT_PREFIX}{account_id}"


def site_sk(site_id: str) -> str:
    return f"{SITE_PREFIX}{site_id}"


def search_term_sk(position: int) -> str:
    """The account's `position`-th search term item (0: its number, 1: its name, 2..: words)."""
    return f"{SEARCH_TERM_PREFIX}{position:02d}"


def search_bucket(term: str) -> str:
    """A term's index partition: its first character, so a prefix names exactly one partition."""
    return f"TERM#{term[0]}"


def search_term_key(term: str, account_id: str) -> str:
    return f"{term}#{account_id}"


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
# GSI listing every item of one kind in key order (kind, kind_key): the account classes.
SETTINGS_BY_KIND_INDEX = "by_kind"
CLASS_KIND = "CLASS"


def class_pk(class_id: str) -> str:
    return f"CLASS#{class_id}"


# ContactsTable (contact_id): one item per contact; the stream feeds auto-invite.
CONTACTS_BY_ACCOUNT_INDEX = "by_account"  # account_id, created_key
CONTACTS_BY_EMAIL_INDEX = "by_email"  # email_key, account_id
CONTACTS_BY_LOGIN_INDEX = "by_login"  # login_id, account_id
CONTACTS_BY_ACCOUNT_LOGIN_INDEX = "by_account_login"  # account_id, login_id: the access review


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


# Portal logins' review items (InvitationsTable, `dal/login_records.py`): one per login, and the
# sparse, sharded `by_sign_in` index over them (shard, last sign-in).
LOGINS_BY_SIGN_IN_INDEX = "by_sign_in"  # sign_in_shard, sign_in_key
LOGIN_SIGN_IN_SHARDS = 4
NEVER_SIGNED_IN = "0000-00-00"  # sorts before every date: a login that never signed in is dormant


def login_record_key(login_id: str) -> str:
    return f"LOGIN#{login_id}"


def sign_in_shard(login_id: str) -> str:
    """Which of the LOGIN_SIGN_IN_SHARDS partitions of `by_sign_in` holds the login (stable)."""
    number = int(hashlib.sha256(login_id.encode()).hexdigest()[:8], 16) % LOGIN_SIGN_IN_SHARDS
    return sign_in_shard_named(number)


def sign_in_shard_named(number: int) -> str:
    return f"LOGINS#{number}"
