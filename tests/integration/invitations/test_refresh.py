"""RefreshInvitationFunction against moto: the same 202 for any token, one renewal per expired
link, and 429 past the limit (counted like self-registration, before anything is read)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devkit.events import http_event
from tests.conftest import Stack, call
from tests.integration.invitations.conftest import expire


@pytest.fixture
def expired_token(stack: Stack, invite: Any, add_contact: Any) -> tuple[str, str]:
    """(contact_id, token) of an invitation that expired unused."""
    contact = add_contact(email="renew.me@example.com")
    token = invite(contact)
    expire(stack, token.split(".")[0])
    return contact["contact_id"], token


def test_an_expired_link_is_renewed_once(expired_token, refresh, outbox, invites):
    contact_id, token = expired_token

    answers = [refresh(token) for _ in range(3)]

    assert {a.status for a in answers} == {202}
    assert len({json.dumps(a.body) for a in answers}) == 1
    assert len(outbox.to("renew.me@example.com")) == 2  # the first invitation and one renewal
    statuses = [(i["status"], i["trigger"]) for i in invites("GET", contact_id).body["items"]]
    assert statuses == [("sent", "refresh"), ("expired", "manual")]


def test_a_link_that_still_works_or_is_unknown_gets_the_same_answer_and_no_email(refresh, invite, add_contact, outbox):
    token = invite(add_contact(email="still.valid@example.com"))
    forged = token.split(".")[0] + "." + "A" * 43

    answers = [refresh(token), refresh(forged), refresh("garbage")]

    assert [a.status for a in answers] == [202, 202, 202]
    assert answers[0].body == answers[1].body == answers[2].body
    assert len(outbox.to("still.valid@example.com")) == 1


def test_past_the_limit_a_link_is_refused_with_429_before_anything_is_read(refresh, invite, add_contact):
    token = invite(add_contact(email="flood@example.com"))
    answers = [refresh(token, source_ip=f"203.0.113.{n}") for n in range(6)]  # one invitation, many addresses
    assert [a.status for a in answers] == [202] * 5 + [429]
    from_one_address = [refresh(f"token-{n}", source_ip="192.0.2.1") for n in range(6)]
    assert [a.status for a in from_one_address][-1] == 429


def test_the_route_never_answers_5xx_to_a_malformed_body(load_function):
    function = load_function("RefreshInvitationFunction")
    answers: list[Any] = [
        call(function, http_event("POST", "/portal/invitations/refresh", raw_body=body, claims=None))
        for body in ("{}", '{"token": ""}', "[]", '{"token": "x", "other": 1}')
    ]
    assert [a.status for a in answers] == [422, 422, 422, 422]
