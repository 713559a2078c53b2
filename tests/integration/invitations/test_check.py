"""CheckInvitationFunction against moto: the state of a link, before the accept page asks for a
password; `renewable` is true exactly when a refresh then sends a new link; nothing about the
contact in the answer; rate limited like refresh, with counters of its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from devkit.events import http_event, load_event
from devkit.responses import HttpResponse
from devkit.template import load_template
from tests.conftest import Function, Stack, call
from tests.integration.invitations.conftest import expire, patch_contact

CheckApi = Callable[..., HttpResponse]
EMAIL = "link.check@example.com"


@pytest.fixture
def check_function(load_function: Callable[[str], Function]) -> Function:
    return load_function("CheckInvitationFunction")


@pytest.fixture
def check(check_function: Function) -> CheckApi:
    def post(token: str, *, source_ip: str = "198.51.100.9") -> HttpResponse:
        event = http_event("POST", "/portal/invitations/check", body={"token": token}, claims=None, source_ip=source_ip)
        return call(check_function, event)

    return post


def answer(response: HttpResponse) -> tuple[str, bool]:
    assert response.status == 200, response.body
    assert set(response.body) == {"state", "renewable"}  # no email, name or account
    return response.body["state"], response.body["renewable"]


@pytest.fixture
def contact(add_contact: Any) -> dict[str, Any]:
    return dict(add_contact(email=EMAIL))


@pytest.fixture
def expired(stack: Stack, invite: Any, contact: dict[str, Any]) -> str:
    token = str(invite(contact))
    expire(stack, token.split(".", maxsplit=1)[0])
    return token


def suppress(stack: Stack, email: str) -> None:
    boto3.client("dynamodb").put_item(
        TableName=stack.table("InvitationsTable"),
        Item={
            "invitation_id": {"S": f"SUPPRESSED#{email}"},
            "email": {"S": email},
            "reason": {"S": "bounced"},
            "at": {"S": datetime.now(UTC).isoformat()},
            "reported_invitation_id": {"S": "inv_00000000000000000000"},
        },
    )


# What makes an expired link not renewable, each as staff or SES would bring it about.
NOT_RENEWABLE: dict[str, Callable[..., None]] = {
    "contact portal access off": lambda staff, stack, c, ask_refresh, token: patch_contact(
        staff, c["contact_id"], enable_portal_access=False
    ),
    "contact unlinked": lambda staff, stack, c, ask_refresh, token: staff(
        "DELETE", f"/admin/contacts/{c['contact_id']}"
    ),
    "contact email removed": lambda staff, stack, c, ask_refresh, token: patch_contact(
        staff, c["contact_id"], email=None
    ),
    "email undeliverable": lambda staff, stack, c, ask_refresh, token: suppress(stack, EMAIL),
    "class portal access off": lambda staff, stack, c, ask_refresh, token: staff(
        "PUT", "/admin/account-classes/COMM", body={"enable_portal_access": False}
    ),
    "renewed already": lambda staff, stack, c, ask_refresh, token: ask_refresh(token),
}


class TestRenewableIsExactlyWhenRefreshSends:
    def test_an_expired_link_of_a_contact_that_still_qualifies(self, expired, check, refresh, outbox):
        assert answer(check(expired)) == ("expired", True)
        refresh(expired)
        assert len(outbox.to(EMAIL)) == 2  # the first invitation and its renewal

    @pytest.mark.parametrize("change", sorted(NOT_RENEWABLE))
    def test_an_expired_link_that_refresh_would_not_renew(
        self, *, change, expired, contact, check, refresh, outbox, staff, stack
    ):
        NOT_RENEWABLE[change](staff, stack, contact, refresh, expired)
        sent_before = len(outbox.all())

        assert answer(check(expired)) == ("expired", False)
        refresh(expired)
        assert len(outbox.all()) == sent_before


class TestStates:
    def test_a_fresh_link_is_valid_and_not_renewable(self, invite, contact, check, refresh, outbox):
        token = invite(contact)
        assert answer(check(token)) == ("valid", False)
        refresh(token)
        assert len(outbox.to(EMAIL)) == 1

    def test_an_accepted_link_is_used(self, invite, contact, check, accept, portal_pool):
        token = invite(contact)
        assert accept(token).status == 200
        assert answer(check(token)) == ("used", False)

    def test_a_link_replaced_by_a_newer_invitation_is_revoked(self, invite, contact, check):
        first = invite(contact)
        invite(contact)
        assert answer(check(first)) == ("revoked", False)

    def test_a_link_whose_contact_changed_email_is_revoked_as_accepting_would_revoke_it(
        self, invite, contact, check, staff
    ):
        token = invite(contact)
        patch_contact(staff, contact["contact_id"], email="someone.else@example.com")
        assert answer(check(token)) == ("revoked", False)

    def test_forged_and_malformed_tokens_are_unknown(self, invite, contact, check):
        token = invite(contact)
        forged = token.split(".")[0] + "." + "A" * 43
        assert answer(check(forged)) == ("unknown", False)
        assert answer(check("inv_0123456789abcdef0123." + "B" * 43)) == ("unknown", False)
        assert answer(check("not a token")) == ("unknown", False)


def test_past_the_limit_the_check_answers_429_with_retry_after_and_leaves_refresh_its_own_counters(
    invite, contact, check, refresh
):
    limit = int(
        load_template()["Resources"]["CheckInvitationFunction"]["Properties"]["Environment"]["Variables"][
            "PUBLIC_REQUEST_LIMIT"
        ]
    )
    token = invite(contact)
    answers = [check(token, source_ip=f"203.0.113.{n}") for n in range(limit + 1)]  # one link, many addresses
    assert [a.status for a in answers] == [200] * limit + [429]
    assert answers[-1].body["error"]["code"] == "rate_limited"
    assert 0 < int(answers[-1].headers["retry-after"]) <= 3600
    from_one_address = [check(f"token-{n}", source_ip="192.0.2.1") for n in range(limit + 1)]
    assert [a.status for a in from_one_address][-1] == 429
    assert refresh(token).status == 202  # checking a link does not use up asking for a new one


def test_an_expired_link_costs_a_bounded_number_of_calls(expired, check, calls):
    with calls.recording() as made:
        assert answer(check(expired)) == ("expired", True)
    dynamodb = [c.operation for c in made if c.service == "dynamodb"]
    # two counters, the invitation, the contact, its account, its class, the suppression entry
    assert dynamodb == ["UpdateItem", "UpdateItem", "GetItem", "GetItem", "GetItem", "GetItem", "GetItem"]
    assert [c for c in made if c.service != "dynamodb"] == []


def test_the_route_never_answers_5xx_to_a_malformed_body(check_function):
    answers = [
        call(check_function, http_event("POST", "/portal/invitations/check", raw_body=body, claims=None))
        for body in ("{}", '{"token": ""}', "[]", '{"token": "x", "other": 1}', '{"token": "' + "x" * 201 + '"}')
    ]
    assert [a.status for a in answers] == [422] * 5
    assert all(a.body["error"]["field"] == "token" for a in answers[:2])


def test_the_sample_event_is_a_check_of_a_token(check_function):
    response = call(check_function, load_event("invitation_check_request.json"))
    assert answer(response) == ("unknown", False)
