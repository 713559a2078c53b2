"""The access review (staff, reads only): the portal logins that can see an account, and the
logins that have not signed in since a day. JSON pages by default, spreadsheet-safe CSV with
`Accept: text/csv` (api/csv_answer.py). Routes parse, call the domain, shape the answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Query

from portal_access.api.csv_answer import CSV_CONTENT, page_answer
from portal_access.api.resolver import AccountId, Cursor, Limit, create_resolver, http_handler
from portal_access.config import AccessReviewConfig
from portal_access.models.access_review import AccountPortalLogin, DormantPortalLogin
from portal_access.models.common import Page
from portal_access.wiring.access_review import build_access_review

review = build_access_review(AccessReviewConfig.from_env())

app = create_resolver("staff")

Accept = Annotated[str | None, Header(alias="accept", description="text/csv for CSV")]

ACCOUNT_COLUMNS = (
    "login_id", "email", "enabled", "last_sign_in_at", "invitation_status", "invitation_delivery",
    "contact_ids", "contact_names", "levels", "all_sites", "site_ids", "roles",
)  # fmt: skip
DORMANT_COLUMNS = ("login_id", "email", "enabled", "last_sign_in_at", "created_at")


def account_row(login: AccountPortalLogin) -> dict[str, Any]:
    """One CSV row per login: its contacts' fields joined with `; `."""
    contacts = login.contacts
    return {
        "login_id": login.login_id,
        "email": login.email,
        "enabled": login.enabled,
        "last_sign_in_at": login.last_sign_in_at,
        "invitation_status": login.invitation.status,
        "invitation_delivery": login.invitation.delivery,
        "contact_ids": "; ".join(c.contact_id for c in contacts),
        "contact_names": "; ".join(c.name for c in contacts),
        "levels": "; ".join(c.level for c in contacts),
        "all_sites": "; ".join("true" if c.all_sites else "false" for c in contacts),
        "site_ids": "; ".join(" ".join(c.site_ids) for c in contacts),
        "roles": "; ".join(
            " ".join(f"{scope}:{role}" for scope, roles in c.roles.items() for role in roles) for c in contacts
        ),
    }


@app.get(
    "/admin/accounts/<account_id>/portal-logins",
    tags=["access review"],
    responses={
        200: {
            "description": "The logins that can see the account (CSV with Accept: text/csv)",
            "content": {
                "application/json": {"model": Page[AccountPortalLogin]},
                **CSV_CONTENT,
            },
        }
    },
)
def account_portal_logins(
    account_id: AccountId, cursor: Cursor = None, limit: Limit = 50, accept: Accept = None
) -> Response[Any]:
    """Every portal login that can see the account: its contacts there (level, sites or all
    sites, roles), enabled, latest invitation and delivery, last sign-in."""
    items, next_cursor = review.account_logins(account_id, cursor=cursor, limit=limit)
    return page_answer(
        items, next_cursor, accept=accept, page=Page[AccountPortalLogin],
        columns=ACCOUNT_COLUMNS, row=account_row, filename=f"portal-logins-{account_id}.csv",
    )  # fmt: skip


@app.get(
    "/admin/portal-logins",
    tags=["access review"],
    responses={
        200: {
            "description": "Dormant logins (CSV with Accept: text/csv)",
            "content": {
                "application/json": {"model": Page[DormantPortalLogin]},
                **CSV_CONTENT,
            },
        }
    },
)
def dormant_portal_logins(
    signed_in_before: Annotated[date, Query(description="UTC day, YYYY-MM-DD: last sign-in before it, or never")],
    cursor: Cursor = None,
    limit: Limit = 50,
    accept: Accept = None,
) -> Response[Any]:
    """Portal logins across accounts that have not signed in since the day (never counts)."""
    items, next_cursor = review.dormant_logins(signed_in_before, cursor=cursor, limit=limit)
    return page_answer(
        items, next_cursor, accept=accept, page=Page[DormantPortalLogin],
        columns=DORMANT_COLUMNS, row=lambda login: login.model_dump(), filename="dormant-portal-logins.csv",
    )  # fmt: skip


lambda_handler = http_handler(app)
