"""Two invitations to the same new email (two accounts invited the same person), accepted at the
same instant from separate Lambda instances: exactly one sets the password, the other gets 409
`sign_in_required`, never a 5xx nor a 200 for a password that silently lost.

Each interleaving is forced with `atomic_aws` (every AWS call atomic, one caller paused at a
chosen call while the other runs to the end), so the race happens on every run."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from devkit.responses import HttpResponse
from portal_access.dal.keys import login_email_guard_key
from tests.integration.invitations.conftest import GOOD_PASSWORD

EMAIL = "pat.new@example.com"
OTHER_PASSWORD = "Another-Horse-7"


@pytest.fixture
def two_tokens(add_contact, invite, staff) -> tuple[str, str]:
    """Accounts 49418 and 21638 each invited EMAIL: the two tokens."""
    first = add_contact(name="Pat New", email=EMAIL)
    account = {"account_id": "21638", "name": "The Mill", "class_id": "COMM"}
    assert staff("POST", "/admin/accounts", body=account).status == 201
    second = staff("POST", "/admin/accounts/21638/contacts", body={"level": "account", "name": "Pat", "email": EMAIL})
    assert second.status == 201
    return invite(first), invite(second.body)


def race(atomic_aws, accept, tokens: tuple[str, str], *, pause: str, when: str = "before") -> list[HttpResponse]:
    """A accepts tokens[0]; it pauses at `pause` while B accepts tokens[1] to the end; then A
    goes on. [A's answer, B's answer]."""
    b_done = threading.Event()
    gate = atomic_aws.pause(pause, until=b_done, when=when)
    answers: dict[str, HttpResponse] = {}
    a = threading.Thread(target=lambda: answers.setdefault("a", accept(tokens[0], GOOD_PASSWORD)))
    a.start()
    assert gate.reached.wait(10), f"A never reached {pause}"
    answers["b"] = accept(tokens[1], OTHER_PASSWORD)
    b_done.set()
    a.join(10)
    return [answers["a"], answers["b"]]


def _signs_in(portal_pool, password: str) -> bool:
    try:
        portal_pool.sign_in(EMAIL, password)
    except ClientError:
        return False
    return True


def test_b_during_a_setting_its_password_is_told_to_sign_in(two_tokens, accept, portal_pool, atomic_aws, invites):
    # A created the user and is about to set its password; without a guard B would find a login
    # with no password of its own, set B's, answer 200, and then lose it to A's.
    a, b = race(atomic_aws, accept, two_tokens, pause="AdminSetUserPassword")

    assert a.status == 200, a.body
    assert b.status == 409, b.body
    assert b.body["error"]["code"] == "sign_in_required"
    assert _signs_in(portal_pool, GOOD_PASSWORD)
    assert not _signs_in(portal_pool, OTHER_PASSWORD)


def test_b_while_a_found_no_login_yet_is_told_to_sign_in(two_tokens, accept, portal_pool, atomic_aws):
    # Both looked the email up and found no login before either created one: whoever creates
    # second must not answer 500 (Cognito's UsernameExistsException) nor overwrite a password.
    a, b = race(atomic_aws, accept, two_tokens, pause="AdminCreateUser")

    statuses = sorted([a.status, b.status])
    assert statuses == [200, 409], (a.body, b.body)
    loser = a if a.status == 409 else b
    assert loser.body["error"]["code"] == "sign_in_required"
    winner_password, loser_password = (
        (GOOD_PASSWORD, OTHER_PASSWORD) if a.status == 200 else (OTHER_PASSWORD, GOOD_PASSWORD)
    )
    assert _signs_in(portal_pool, winner_password)
    assert not _signs_in(portal_pool, loser_password)


def test_the_loser_signs_in_and_accepts_its_invitation(two_tokens, accept, portal_pool, atomic_aws, staff):
    _, b = race(atomic_aws, accept, two_tokens, pause="AdminSetUserPassword")
    assert b.status == 409

    access_token = portal_pool.sign_in(EMAIL, GOOD_PASSWORD)
    again = accept(two_tokens[1], None, bearer=access_token)

    assert again.status == 200
    contacts = staff("GET", "/admin/accounts/21638/contacts").body["items"]
    assert [c["portal_user"] for c in contacts] == [True]


def test_a_login_created_elsewhere_meanwhile_is_409_not_500(two_tokens, accept, portal_pool, atomic_aws):
    # Past every check, Cognito itself says the email is taken (a setup whose lease ran out, a
    # login made by hand): UsernameExistsException is the same 409, and that password stays.
    created = threading.Event()
    gate = atomic_aws.pause("AdminCreateUser", until=created)
    answers: list[HttpResponse] = []
    a = threading.Thread(target=lambda: answers.append(accept(two_tokens[0], GOOD_PASSWORD)))
    a.start()
    assert gate.reached.wait(10)
    boto3.client("cognito-idp").admin_create_user(
        UserPoolId=portal_pool.pool_id, Username=EMAIL, TemporaryPassword=OTHER_PASSWORD, MessageAction="SUPPRESS"
    )
    created.set()
    a.join(10)

    assert answers[0].status == 409, answers[0].body
    assert answers[0].body["error"]["code"] == "sign_in_required"


def _put_guard(stack: Any, until: str) -> None:
    boto3.client("dynamodb").put_item(
        TableName=stack.table("InvitationsTable"),
        Item={
            "invitation_id": {"S": login_email_guard_key(EMAIL)},
            "holder": {"S": "crashed-call"},
            "until": {"S": until},
            "purge_at": {"N": "4102444800"},
        },
    )


def test_a_live_setup_of_the_email_makes_a_second_accept_409(two_tokens, accept, stack, portal_pool):
    _put_guard(stack, "2999-01-01T00:00:00.000Z")
    response = accept(two_tokens[0])
    assert response.status == 409
    assert response.body["error"]["code"] == "sign_in_required"
    with pytest.raises(ClientError):
        portal_pool.user(EMAIL)


def test_a_lease_left_by_a_crashed_call_runs_out(two_tokens, accept, stack, portal_pool):
    _put_guard(stack, "2020-01-01T00:00:00.000Z")
    assert accept(two_tokens[0]).status == 200
    assert _signs_in(portal_pool, GOOD_PASSWORD)
