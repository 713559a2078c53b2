"""One valid request per route of the template, with the setup each needs (benchmarks/batches.py
does the same for the stream and queue consumers). Setup goes through the service's own routes and is not counted; only
the request a recipe returns is.

A route of template.yaml without a recipe here is reported (and fails the call-budget test):
add one when you add a route.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from benchmarks.seed import HOT_CLASS_BODY, site_address
from benchmarks.world import REGION, Request, World

Recipe = Callable[[World], Request]
RECIPES: dict[str, Recipe] = {}

TOKEN_IN_LINK = re.compile(r"#token=([A-Za-z0-9_.\-]+)")
PASSWORD = "Correct-Horse-9"  # noqa: S105 - the new login's password in moto
BUILT_IN_INVITE = "Portal Invite (All Divisions)"
SAVED_TEMPLATES = ("Bench Invite", "Bench Address Found")
TEMPLATE_BODY = {
    "subject": "Portal access for {{account_name}}",
    "html": '<p>Hello {{contact_name}}, <a href="{{invite_link}}">set up your login</a> by {{expires_at}}.</p>',
    "text": "Hello {{contact_name}}, set up your login: {{invite_link}} (by {{expires_at}})",
}
SYSTEM_OPTIONS: dict[str, Any] = {
    "customer_portal_url": "https://portal.example.com/",
    "enable_request_login_button": True,
    "enable_account_request_via_address": True,
    "enable_payment_as_guest": True,
    "display_login_terms": True,
    "login_message_html": "<p>Welcome to the portal</p>",
    "login_terms_html": "<p>Terms</p>",
    "login_logo_url": "https://portal.example.com/logo.png",
    # Staff-saved templates (not built in): the most reads a route that names them makes.
    "invite_email_template": SAVED_TEMPLATES[0],
    "account_request_address_found_template": SAVED_TEMPLATES[1],
}


def recipe(key: str) -> Callable[[Recipe], Recipe]:
    def register(function: Recipe) -> Recipe:
        RECIPES[key] = function
        return function

    return register


def prepare(world: World) -> None:
    """What every size shares, once: staff-saved templates, system options with the portal's
    public features on (self-registration, requests by address)."""
    if world.state.get("prepared"):
        return
    for name in SAVED_TEMPLATES:
        request = Request(params={"name": quote(name, safe="")}, body=TEMPLATE_BODY)
        world.call("PUT /admin/email-templates/{name}", request)
    world.call("PUT /admin/system-options/customer-portal", Request(body=SYSTEM_OPTIONS))
    world.state["prepared"] = True


# Helpers


def hot(world: World) -> dict[str, str]:
    return {"account_id": world.HOT_ACCOUNT}


def fresh_contact(world: World, **fields: Any) -> dict[str, Any]:
    """A contact on the hot account, with an email of its own, created through the staff API."""
    body = {"level": "account", "name": "Bench Contact", "email": f"{world.unique('c')}@bench.example.com", **fields}
    request = Request(params=hot(world), body=body, status=201)
    return dict(world.call("POST /admin/accounts/{account_id}/contacts", request).body)


def send_invitation(world: World, contact_id: str) -> None:
    world.call("POST /admin/contacts/{contact_id}/invitations", Request(params={"contact_id": contact_id}, status=202))


def invite_hot_login(world: World) -> None:
    """The login's contact on the hot account holds an invitation at every size, so a page of
    that account reads its invitation too (the read is skipped on a page that names none)."""
    if not world.state.get("portal_contact_invited"):
        send_invitation(world, str(world.state["portal_contact"]))
        world.state["portal_contact_invited"] = True


def latest_token(email: str) -> str:
    """The invitation link moto's SES delivered to `email` last."""
    for message in reversed(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages):
        if email in message.destinations.get("ToAddresses", []):
            match = TOKEN_IN_LINK.search(message.body)
            if match:
                return match.group(1)
    raise AssertionError(f"no invitation email to {email}")


# Staff API: classes, options, templates


@recipe("POST /admin/account-classes")
def create_class(world: World) -> Request:
    return Request(body={"class_id": world.unique("CL"), **HOT_CLASS_BODY}, status=201)


@recipe("GET /admin/account-classes")
def list_classes(world: World) -> Request:
    return Request(query={"limit": "100"})


@recipe("PUT /admin/account-classes/{class_id}")
def replace_class(world: World) -> Request:
    return Request(params={"class_id": world.HOT_CLASS}, body=HOT_CLASS_BODY)


@recipe("GET /admin/account-classes/{class_id}")
def get_class(world: World) -> Request:
    return Request(params={"class_id": world.HOT_CLASS})


@recipe("GET /admin/system-options/customer-portal")
def get_options(world: World) -> Request:
    return Request()


@recipe("PUT /admin/system-options/customer-portal")
def replace_options(world: World) -> Request:
    return Request(body=SYSTEM_OPTIONS)


@recipe("POST /admin/system-options/customer-portal/preview")
def preview_login_html(world: World) -> Request:
    body = {"login_message_html": "<p onclick=x()>Welcome</p><script>x()</script>", "login_terms_html": "<p>T</p>"}
    return Request(body=body)


@recipe("POST /admin/email-templates/{name}/preview")
def preview_template(world: World) -> Request:
    return Request(params={"name": quote(BUILT_IN_INVITE, safe="")}, body=TEMPLATE_BODY)


@recipe("GET /admin/email-templates")
def list_templates(world: World) -> Request:
    return Request()


@recipe("GET /admin/email-templates/{name}")
def get_template(world: World) -> Request:
    return Request(params={"name": quote(BUILT_IN_INVITE, safe="")})


@recipe("PUT /admin/email-templates/{name}")
def put_template(world: World) -> Request:
    return Request(params={"name": quote(SAVED_TEMPLATES[0], safe="")}, body=TEMPLATE_BODY)


# Staff API: accounts, sites, invoices


@recipe("POST /admin/accounts")
def create_account(world: World) -> Request:
    contacts = [{"name": f"First Contact {n}", "email": f"{world.unique('n')}@bench.example.com"} for n in range(2)]
    body = {
        "account_id": world.unique("NA"),
        "name": "New Account",
        "class_id": world.HOT_CLASS,
        "invoice_delivery": "email",
        "contacts": contacts,
    }
    return Request(body=body, status=201)


@recipe("GET /admin/accounts")
def search_accounts(world: World) -> Request:
    """A name prefix every filler account has (the fullest partition of the index), a full page."""
    return Request(query={"search": "filler", "limit": "100"})


@recipe("GET /admin/accounts/{account_id}")
def get_account(world: World) -> Request:
    return Request(params=hot(world))


@recipe("POST /admin/accounts/{account_id}/sites")
def add_site(world: World) -> Request:
    body = {
        "site_id": world.unique("S"),
        "name": "Reno Gym Southtown",
        "address": {"line1": "60 E Broadway", "city": "Bloomington", "state": "MN", "postal_code": "55425-5510"},
        "status": "active",
    }
    return Request(params=hot(world), body=body, status=201)


@recipe("GET /admin/accounts/{account_id}/sites")
def list_sites(world: World) -> Request:
    return Request(params=hot(world), query={"search": "pheasant"})


@recipe("POST /admin/invoices")
def record_invoice(world: World) -> Request:
    body = {
        "invoice_number": world.unique("INV"),
        "account_id": world.HOT_ACCOUNT,
        "quick_pay_code": "QP-49418",
        "amount": "125.40",
        "invoice_date": "2026-11-01",
    }
    return Request(body=body, status=201)


# Staff API: contacts


@recipe("POST /admin/accounts/{account_id}/contacts")
def create_contact(world: World) -> Request:
    body = {
        "level": "site",
        "site_id": world.seeded.hot_sites[0],
        "name": "Chiro Front Desk",
        "email": f"{world.unique('d')}@bench.example.com",
    }
    return Request(params=hot(world), body=body, status=201)


@recipe("GET /admin/accounts/{account_id}/contacts")
def contacts_grid(world: World) -> Request:
    request = Request(params=hot(world))
    # The page measured names an invitation at every size (the grid skips that read on a page
    # that names none): its first contact, whichever the tables' growth put first.
    first = world.call("GET /admin/accounts/{account_id}/contacts", request).body["items"][0]
    if first["portal_status"] == "none":
        send_invitation(world, str(first["contact_id"]))
    return request


@recipe("GET /admin/contacts/{contact_id}")
def get_contact(world: World) -> Request:
    return Request(params={"contact_id": world.seeded.hot_contacts[0]})


@recipe("PATCH /admin/contacts/{contact_id}")
def edit_contact(world: World) -> Request:
    contact = fresh_contact(world)
    return Request(
        params={"contact_id": contact["contact_id"]},
        headers={"If-Match": str(contact["version"])},
        body={"title": "Facilities Manager", "phone_1": "(763) 555-0101"},
    )


@recipe("DELETE /admin/contacts/{contact_id}")
def unlink_contact(world: World) -> Request:
    return Request(params={"contact_id": fresh_contact(world)["contact_id"]}, status=204)


@recipe("GET /admin/contacts/{contact_id}/portal-access")
def get_access(world: World) -> Request:
    return Request(params={"contact_id": world.seeded.hot_contacts[0]})


@recipe("PUT /admin/contacts/{contact_id}/portal-access")
def set_access(world: World) -> Request:
    contact = fresh_contact(world)
    body = {"all_sites": False, "site_ids": world.seeded.hot_sites[:3]}
    return Request(params={"contact_id": contact["contact_id"]}, body=body)


@recipe("GET /admin/contacts/{contact_id}/activity")
def contact_activity(world: World) -> Request:
    return Request(params={"contact_id": fresh_contact(world)["contact_id"]})


# Invitations


@recipe("POST /admin/contacts/{contact_id}/invitations")
def send_invite(world: World) -> Request:
    # A resend: the earlier, unused invitation is revoked in the same transaction.
    contact = fresh_contact(world)
    send_invitation(world, contact["contact_id"])
    return Request(params={"contact_id": contact["contact_id"]}, status=202)


@recipe("GET /admin/contacts/{contact_id}/invitations")
def list_invites(world: World) -> Request:
    contact = fresh_contact(world)
    send_invitation(world, contact["contact_id"])
    return Request(params={"contact_id": contact["contact_id"]})


@recipe("POST /portal/invitations/accept")
def accept_invite(world: World) -> Request:
    contact = fresh_contact(world)
    send_invitation(world, contact["contact_id"])
    return Request(body={"token": latest_token(contact["email"]), "password": PASSWORD})


def move_expiry(world: World, invitation_id: str, delta: timedelta) -> None:
    """The invitation expires at now + delta (setup: nobody waits a week)."""
    moment = (datetime.now(UTC) + delta).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    world.client.update_item(
        TableName=world.table("InvitationsTable"),
        Key={"invitation_id": {"S": invitation_id}},
        UpdateExpression="SET expires_at = :at, expiry_day = :day",
        ExpressionAttributeValues={":at": {"S": moment}, ":day": {"S": moment[:10]}},
    )


def expired_link(world: World) -> str:
    """The token of a fresh contact's invitation that expired an hour ago, unused."""
    contact = fresh_contact(world)
    send_invitation(world, contact["contact_id"])
    token = latest_token(contact["email"])
    move_expiry(world, token.split(".")[0], -timedelta(hours=1))
    return token


@recipe("POST /portal/invitations/refresh")
def refresh_invite(world: World) -> Request:
    """An expired, unused link: the costly path (a new invitation is sent)."""
    return Request(body={"token": expired_link(world)}, status=202)


@recipe("POST /portal/invitations/check")
def check_invite(world: World) -> Request:
    """An expired, unused link: the costly path (is it renewable?)."""
    return Request(body={"token": expired_link(world)})


# The login page (public) and what staff read back


def fresh_invoice(world: World) -> dict[str, str]:
    """An invoice of the hot account of its own (the public route rate-limits per invoice)."""
    body = {
        "invoice_number": world.unique("INV"),
        "account_id": world.HOT_ACCOUNT,
        "quick_pay_code": "QP7K2M9X",
        "amount": "125.50",
        "invoice_date": "2026-11-01",
    }
    world.call("POST /admin/invoices", Request(body=body, status=201))
    return body


def self_registration_body(world: World) -> dict[str, str]:
    invoice = fresh_invoice(world)
    return {
        "invoice_number": invoice["invoice_number"],
        "quick_pay_code": invoice["quick_pay_code"],
        "contact_name": "Pat Requester",
        "email": f"{world.unique('r')}@bench.example.com",
    }


def access_request_body(world: World) -> dict[str, Any]:
    # The hot account's first site: exactly one site has that address.
    return {
        "address": site_address(0),
        "contact_name": "Sam Neighbour",
        "email": f"{world.unique('a')}@bench.example.com",
    }


@recipe("GET /portal/login-config")
def login_config(world: World) -> Request:
    return Request()


@recipe("POST /portal/self-registrations")
def request_login(world: World) -> Request:
    return Request(body=self_registration_body(world), status=202)


@recipe("POST /portal/access-requests")
def request_access(world: World) -> Request:
    return Request(body=access_request_body(world), status=202)


@recipe("GET /admin/access-requests")
def list_access_requests(world: World) -> Request:
    return Request()


@recipe("GET /admin/self-registrations")
def list_self_registrations(world: World) -> Request:
    return Request()


@recipe("GET /admin/accounts/{account_id}/portal-logins")
def account_portal_logins(world: World) -> Request:
    invite_hot_login(world)
    return Request(params=hot(world), query={"limit": "100"})


@recipe("GET /admin/portal-logins")
def dormant_portal_logins(world: World) -> Request:
    return Request(query={"signed_in_before": "2100-01-01", "limit": "100"})


# Signed-in portal routes: the bench's portal login (an all-sites contact on the hot account,
# site-level contacts on two more accounts)


@recipe("GET /portal/me")
def portal_me(world: World) -> Request:
    return Request()


@recipe("GET /portal/accounts/{account_id}/sites/{site_id}")
def portal_site(world: World) -> Request:
    return Request(params={"account_id": world.HOT_ACCOUNT, "site_id": world.seeded.hot_sites[1]})


# Invitation batches


def fresh_account(world: World, contacts: int) -> str:
    """A new active account of the hot class with `contacts` contacts, each with an email."""
    account_id = world.unique("IB")
    people = [
        {"name": f"Batch Contact {n}", "email": f"{world.unique('b')}@bench.example.com"} for n in range(contacts)
    ]
    body = {"account_id": account_id, "name": "Batch Account", "class_id": world.HOT_CLASS, "contacts": people}
    world.call("POST /admin/accounts", Request(body=body, status=201))
    return account_id


def start_run(world: World, account_id: str) -> str:
    body = {"selection": {"account_ids": [account_id]}, "dry_run": False}
    return str(world.call("POST /admin/invitation-batches", Request(body=body, status=202)).body["batch_id"])


@recipe("POST /admin/invitation-batches")
def batch_dry_run(world: World) -> Request:
    """A dry run over one account of 10 contacts: one page, whatever the tables hold."""
    return Request(body={"selection": {"account_ids": [fresh_account(world, 10)]}, "dry_run": True})


@recipe("GET /admin/invitation-batches/{batch_id}")
def batch_progress(world: World) -> Request:
    return Request(params={"batch_id": start_run(world, fresh_account(world, 2))})


@recipe("DELETE /admin/invitation-batches/{batch_id}")
def batch_cancel(world: World) -> Request:
    return Request(params={"batch_id": start_run(world, fresh_account(world, 2))}, status=202)
