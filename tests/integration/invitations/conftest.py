"""Fixtures of the invitations tests: the three invite functions, a moto SES outbox, the
portal user pool made from template.yaml, and helpers to send, read and accept invitations."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from devkit.events import STAFF_CLAIMS, http_event, load_event
from devkit.responses import HttpResponse
from devkit.streams import stored_images, stream_event
from tests.conftest import Function, Stack, call
from tests.integration.conftest import StaffApi

REGION = "us-east-1"
TOKEN_IN_LINK = re.compile(r"#token=([A-Za-z0-9_.\-]+)")
GOOD_PASSWORD = "Correct-Horse-9"


@dataclass
class SentEmail:
    to: list[str]
    sender: str
    subject: str
    body: str  # moto keeps the HTML part of a simple-content SESv2 email

    @property
    def token(self) -> str:
        match = TOKEN_IN_LINK.search(self.body)
        assert match, f"no invitation link in {self.body!r}"
        return match.group(1)


class Outbox:
    """What moto's SES accepted, oldest first."""

    def all(self) -> list[SentEmail]:
        messages = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
        return [
            SentEmail(to=list(m.destinations.get("ToAddresses", [])), sender=m.source, subject=m.subject, body=m.body)
            for m in messages
        ]

    def to(self, address: str) -> list[SentEmail]:
        return [m for m in self.all() if address in m.to]


@pytest.fixture
def outbox(stack: Stack) -> Outbox:
    """SES with the template's default from-address verified (as a deployment must have it)."""
    sender = stack.resolver.parameters["SesFromAddress"]
    boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity=sender)
    return Outbox()


@dataclass
class PortalPool:
    pool_id: str
    client_id: str

    def sign_in(self, email: str, password: str) -> str:
        """USER_PASSWORD_AUTH as the portal does; the access token."""
        result = boto3.client("cognito-idp", region_name=REGION).initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
        return str(result["AuthenticationResult"]["AccessToken"])

    def user(self, email: str) -> dict[str, Any]:
        return dict(
            boto3.client("cognito-idp", region_name=REGION).admin_get_user(UserPoolId=self.pool_id, Username=email)
        )


@pytest.fixture
def portal_pool(stack: Stack) -> PortalPool:
    """The portal pool with the template's settings (email as username, password policy)."""
    resources = stack.template["Resources"]
    pool = resources["PortalUserPool"]["Properties"]
    client_properties = resources["PortalUserPoolClient"]["Properties"]
    cognito = boto3.client("cognito-idp", region_name=REGION)
    created = cognito.create_user_pool(
        PoolName="test-portal",
        Policies=pool["Policies"],
        UsernameAttributes=pool["UsernameAttributes"],
        AutoVerifiedAttributes=pool["AutoVerifiedAttributes"],
        AdminCreateUserConfig=pool["AdminCreateUserConfig"],
        UsernameConfiguration=pool["UsernameConfiguration"],
    )
    pool_id = created["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="test-portal", ExplicitAuthFlows=client_properties["ExplicitAuthFlows"]
    )
    stack.resolver.physical["PortalUserPool"] = pool_id
    stack.resolver.physical["PortalUserPoolClient"] = client["UserPoolClient"]["ClientId"]
    return PortalPool(pool_id=pool_id, client_id=client["UserPoolClient"]["ClientId"])


@pytest.fixture
def invite_admin(load_function: Callable[[str], Function]) -> Function:
    return load_function("InviteAdminFunction")


@pytest.fixture
def auto_invite(load_function: Callable[[str], Function]) -> Function:
    return load_function("AutoInviteFunction")


@pytest.fixture
def accept_function(load_function: Callable[[str], Function], portal_pool: PortalPool) -> Function:
    return load_function("AcceptInvitationFunction")


InviteApi = Callable[..., HttpResponse]


@pytest.fixture
def invites(invite_admin: Function, outbox: Outbox) -> InviteApi:
    """invites("POST", contact_id) sends; invites("GET", contact_id) lists."""

    def request(
        method: str, contact_id: str, *, claims: dict[str, Any] | None = STAFF_CLAIMS, **kwargs: Any
    ) -> HttpResponse:
        return call(
            invite_admin, http_event(method, f"/admin/contacts/{contact_id}/invitations", claims=claims, **kwargs)
        )

    return request


AcceptApi = Callable[..., HttpResponse]


@pytest.fixture
def accept(accept_function: Function) -> AcceptApi:
    """accept(token, password, bearer=None): the public accept route, as the portal page calls it."""

    def request(token: str, password: str | None = GOOD_PASSWORD, *, bearer: str | None = None) -> HttpResponse:
        event = load_event("invitation_accept_request.json")
        body: dict[str, Any] = {"token": token}
        if password is not None:
            body["password"] = password
        event["body"] = json.dumps(body)
        if bearer:
            event["headers"]["authorization"] = f"Bearer {bearer}"
        return call(accept_function, event)

    return request


@pytest.fixture
def add_contact(staff: StaffApi, demo_account: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """A contact on the demo account (49418), created through the staff API."""

    def create(name: str = "John Doe", email: str | None = "somers378@gmail.com", **fields: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"level": "account", "name": name, **fields}
        if email is not None:
            body["email"] = email
        response = staff("POST", "/admin/accounts/49418/contacts", body=body)
        assert response.status == 201, response.body
        return dict(response.body)

    return create


StreamRun = Callable[..., dict[str, Any]]


@pytest.fixture
def deliver(stack: Stack, auto_invite: Function) -> StreamRun:
    """deliver(contact_ids, event_name="INSERT"): the stream batch of those items, as stored now."""

    def run(
        contact_ids: list[str], *, event_name: str = "INSERT", event: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        if event is None:
            images = stored_images(boto3.client("dynamodb"), stack.table("ContactsTable"), contact_ids)
            event = stream_event(images, event_name=event_name)
        result: dict[str, Any] = auto_invite.invoke(event)
        return result

    return run


@pytest.fixture
def invite(invites: InviteApi, outbox: Outbox) -> Callable[[dict[str, Any]], str]:
    """invite(contact): staff send it an invitation; the token from the email's link."""

    def send(contact: dict[str, Any]) -> str:
        assert invites("POST", contact["contact_id"]).status == 202
        return outbox.to(contact["email"].lower())[-1].token

    return send


@pytest.fixture
def refresh(load_function: Callable[[str], Function]) -> Callable[..., HttpResponse]:
    function = load_function("RefreshInvitationFunction")

    def post(token: str, *, source_ip: str = "198.51.100.7") -> HttpResponse:
        event = http_event(
            "POST", "/portal/invitations/refresh", body={"token": token}, claims=None, source_ip=source_ip
        )
        return call(function, event)

    return post


def patch_contact(staff: Any, contact_id: str, **fields: Any) -> None:
    """Staff's Details edit, saved with the contact's current version (If-Match)."""
    path = f"/admin/contacts/{contact_id}"
    version = staff("GET", path).body["version"]
    response = staff("PATCH", path, body=fields, headers={"If-Match": str(version)})
    assert response.status == 200, response.body


def expire(stack: Stack, invitation_id: str) -> None:
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    boto3.client("dynamodb").update_item(
        TableName=stack.table("InvitationsTable"),
        Key={"invitation_id": {"S": invitation_id}},
        UpdateExpression="SET expires_at = :at",
        ExpressionAttributeValues={":at": {"S": past}},
    )
