"""Fixtures of the signed-in portal tests: the portal function, portal logins made the real way
(staff invite, the contact accepts), their verified token claims, and a small world of
identities for the authorization matrix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError

from devkit.events import http_event
from devkit.responses import HttpResponse
from devkit.tokens import unverified_claims
from tests.conftest import Function, call
from tests.integration.conftest import StaffApi
from tests.integration.invitations import conftest as invitations
from tests.integration.invitations.conftest import GOOD_PASSWORD, AcceptApi, PortalPool, patch_contact

# The invitations tests' fixtures: logins are made here the way they are in production.
portal_pool = invitations.portal_pool
outbox = invitations.outbox
invite_admin = invitations.invite_admin
invites = invitations.invites
invite = invitations.invite
accept_function = invitations.accept_function
accept = invitations.accept

Claims = dict[str, Any]


@pytest.fixture
def contacts_function(portal_pool: PortalPool, load_function: Callable[[str], Function]) -> Function:
    """The staff API, loaded once the portal pool exists (it disables and enables its logins)."""
    return load_function("ContactsFunction")


@pytest.fixture
def portal_function(portal_pool: PortalPool, load_function: Callable[[str], Function]) -> Function:
    """Loaded after the pool exists: its environment names the pool's real app client."""
    return load_function("PortalFunction")


PortalApi = Callable[..., HttpResponse]


@pytest.fixture
def portal(portal_function: Function) -> PortalApi:
    """portal(claims, "/portal/me"): a GET as the gateway hands it over after verifying a token."""

    def request(claims: Claims | None, path: str, method: str = "GET") -> HttpResponse:
        return call(portal_function, http_event(method, path, claims=claims))

    return request


def token_claims(access_token: str) -> Claims:
    """What the gateway's JWT authorizer puts in the event after verifying the token."""
    return unverified_claims(access_token)


@dataclass
class Login:
    """A portal login: its email and the claims of an access token it signed in for."""

    email: str
    claims: Claims = field(repr=False)

    @property
    def login_id(self) -> str:
        return str(self.claims["sub"])


@pytest.fixture
def new_contact(staff: StaffApi) -> Callable[..., dict[str, Any]]:
    """new_contact("49418", name=..., email=..., level=..., site_id=...) through the staff API."""

    def create(account_id: str, *, email: str, name: str = "Portal User", **fields: Any) -> dict[str, Any]:
        body = {"level": "account", "name": name, "email": email, **fields}
        response = staff("POST", f"/admin/accounts/{account_id}/contacts", body=body)
        assert response.status == 201, response.body
        return dict(response.body)

    return create


@pytest.fixture
def link(invite: Callable[[dict[str, Any]], str], accept: AcceptApi, portal_pool: PortalPool) -> Callable[..., Login]:
    """link(contact): staff invite it and it accepts (a new login, or its email's existing one,
    signed in); the login signs in and its token's claims come back."""

    def run(contact: dict[str, Any]) -> Login:
        email = str(contact["email"]).lower()
        token = invite(contact)
        try:
            portal_pool.user(email)
        except ClientError:  # no login yet for this email
            response = accept(token, GOOD_PASSWORD)
        else:
            response = accept(token, None, bearer=portal_pool.sign_in(email, GOOD_PASSWORD))
        assert response.status == 200, response.body
        return sign_in(portal_pool, email)

    return run


def sign_in(portal_pool: PortalPool, email: str) -> Login:
    return Login(email=email, claims=token_claims(portal_pool.sign_in(email, GOOD_PASSWORD)))


def site_body(site_id: str, name: str, line1: str, *, status: str = "active") -> dict[str, Any]:
    return {
        "site_id": site_id,
        "name": name,
        "address": {"line1": line1, "city": "Houston", "state": "TX", "postal_code": "77064"},
        "status": status,
    }


@pytest.fixture
def the_mill(staff: StaffApi, demo_account: dict[str, Any]) -> dict[str, Any]:
    """A second account, 21638 The Mill, with two sites, on the same portal-enabled class."""
    account = {"account_id": "21638", "name": "The Mill", "class_id": "COMM", "invoice_delivery": "mail"}
    assert staff("POST", "/admin/accounts", body=account).status == 201
    for site_id, name, line1 in (
        ("21638001", "The Mill", "12911 Farm to Market 1960 Rd W"),
        ("21638002", "The Mill Annex", "12915 Farm to Market 1960 Rd W"),
    ):
        assert staff("POST", "/admin/accounts/21638/sites", body=site_body(site_id, name, line1)).status == 201
    return account


def set_portal_access(world: PortalWorld, contact_id: str, *, enabled: bool) -> None:
    """Details > Enable Portal Access, saved with the contact's current version."""
    patch_contact(world.staff, contact_id, enable_portal_access=enabled)


def seen(response: HttpResponse) -> dict[str, list[str]]:
    """GET /portal/me as {account_id: [site_id, ...]}."""
    assert response.status == 200, response.body
    return {a["account_id"]: [s["site_id"] for s in a["sites"]] for a in response.body["accounts"]}


@dataclass
class PortalWorld:
    """Everything a portal test drives, in one fixture: the staff API, the portal routes, the
    portal pool, and helpers that create contacts and link them to logins."""

    staff: StaffApi
    portal: PortalApi
    pool: PortalPool
    new_contact: Callable[..., dict[str, Any]]
    link: Callable[..., Login]
    invite: Callable[[dict[str, Any]], str]
    accept: AcceptApi


@pytest.fixture
def world(
    *,
    staff: StaffApi,
    portal: PortalApi,
    portal_pool: PortalPool,
    new_contact: Callable[..., dict[str, Any]],
    link: Callable[..., Login],
    invite: Callable[[dict[str, Any]], str],
    accept: AcceptApi,
) -> PortalWorld:
    return PortalWorld(staff, portal, portal_pool, new_contact, link, invite, accept)
