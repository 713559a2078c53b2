"""Accepting an invitation (rules 3 and 4): a new login, single use, expiry, concurrent accepts,
and an email that already has a login, whose password is never changed."""

from __future__ import annotations

import threading

import boto3
import pytest
from botocore.exceptions import ClientError

from portal_access.dal.invitations_table import InvitationsTable
from tests.integration.invitations.conftest import GOOD_PASSWORD

OTHER_PASSWORD = "Another-Horse-7"


@pytest.fixture
def invited(add_contact, invite):
    """A contact of 49418 with a sent invitation: (contact, token)."""
    contact = add_contact()
    return contact, invite(contact)


def _contact_item(stack, contact_id):
    item = boto3.client("dynamodb").get_item(
        TableName=stack.table("ContactsTable"), Key={"contact_id": {"S": contact_id}}
    )["Item"]
    return item


def _status(invites, contact_id):
    return invites("GET", contact_id).body["items"][0]["status"]


class TestNewLogin:
    def test_creates_the_login_links_the_contact_and_records_it(self, invited, accept, portal_pool, staff, stack):
        contact, token = invited

        response = accept(token)

        assert response.status == 200
        assert response.body == {"username": "somers378@gmail.com"}
        user = portal_pool.user("somers378@gmail.com")
        attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
        assert attributes["email_verified"] == "true"
        assert user["UserStatus"] == "CONFIRMED"
        assert portal_pool.sign_in("somers378@gmail.com", GOOD_PASSWORD)
        read = staff("GET", f"/admin/contacts/{contact['contact_id']}").body
        assert read["portal_user"] is True
        assert read["version"] == contact["version"] + 1
        assert "login_id" not in read
        assert _contact_item(stack, contact["contact_id"])["login_id"]["S"] == attributes["sub"]
        history = staff("GET", f"/admin/contacts/{contact['contact_id']}/activity").body["items"]
        assert history[0]["action"] == "invite_accepted"
        assert history[0]["details"]["new_login"] is True

    def test_the_invitation_is_listed_accepted(self, invited, accept, invites):
        contact, token = invited
        assert accept(token).status == 200
        item = invites("GET", contact["contact_id"]).body["items"][0]
        assert item["status"] == "accepted"
        assert item["accepted_at"]

    def test_a_used_token_is_410(self, invited, accept):
        _, token = invited
        assert accept(token).status == 200
        again = accept(token, OTHER_PASSWORD)
        assert again.status == 410
        assert "already used" in again.body["error"]["message"]

    def test_an_expired_token_is_410_and_listed_expired(self, invited, accept, invites, stack, portal_pool):
        contact, token = invited
        boto3.client("dynamodb").update_item(
            TableName=stack.table("InvitationsTable"),
            Key={"invitation_id": {"S": token.split(".")[0]}},
            UpdateExpression="SET expires_at = :past",
            ExpressionAttributeValues={":past": {"S": "2020-01-01T00:00:00.000Z"}},
        )

        response = accept(token)

        assert response.status == 410
        assert "expired" in response.body["error"]["message"]
        assert _status(invites, contact["contact_id"]) == "expired"
        with pytest.raises(ClientError):
            portal_pool.user("somers378@gmail.com")

    def test_two_concurrent_accepts_one_wins(self, invited, accept, portal_pool, atomic_aws):
        _, token = invited
        # Both callers reach the conditional claim before either makes it; DynamoDB (here: each
        # moto call under one lock) lets exactly one condition pass.
        atomic_aws.rendezvous("UpdateItem", parties=2)
        statuses: list[int] = []

        def attempt(password: str) -> None:
            statuses.append(accept(token, password).status)

        threads = [threading.Thread(target=attempt, args=(p,)) for p in (GOOD_PASSWORD, OTHER_PASSWORD)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert sorted(statuses) == [200, 410]

    def test_when_both_have_read_it_the_conditional_claim_decides(self, invited, accept, portal_pool, monkeypatch):
        _, token = invited
        both_read = threading.Barrier(2, timeout=10)
        real_get = InvitationsTable.get

        def get_then_wait(self, invitation_id):
            record = real_get(self, invitation_id)
            both_read.wait()  # neither claims before the other has seen the invitation unused
            return record

        monkeypatch.setattr(InvitationsTable, "get", get_then_wait)
        statuses: list[int] = []
        threads = [
            threading.Thread(target=lambda p=p: statuses.append(accept(token, p).status))
            for p in (GOOD_PASSWORD, OTHER_PASSWORD)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert sorted(statuses) == [200, 410]

    def test_a_weak_password_is_422_and_the_same_link_works_afterwards(self, invited, accept, invites, portal_pool):
        contact, token = invited

        weak = accept(token, "short")

        assert weak.status == 422
        assert weak.body["error"]["field"] == "password"
        assert "password" in weak.body["error"]["message"]
        assert _status(invites, contact["contact_id"]) == "sent"
        assert accept(token, GOOD_PASSWORD).status == 200
        assert portal_pool.sign_in("somers378@gmail.com", GOOD_PASSWORD)

    def test_a_missing_password_is_422_for_a_new_login(self, invited, accept, invites):
        contact, token = invited
        response = accept(token, None)
        assert response.status == 422
        assert response.body["error"]["field"] == "password"
        assert _status(invites, contact["contact_id"]) == "sent"

    @pytest.mark.parametrize(
        "token",
        ["", "garbage", "inv_0123.short", "inv_0123456789abcdef0123.AAAA AAAA", "x" * 300],
    )
    def test_a_malformed_token_is_422(self, accept, invited, token):
        response = accept(token)
        assert response.status == 422
        assert response.body["error"]["field"] == "token"

    def test_an_unknown_token_or_a_wrong_secret_is_410_and_nothing_changes(self, invited, accept, invites, portal_pool):
        contact, token = invited
        invitation_id, secret = token.split(".")
        wrong_secret = f"{invitation_id}.{'A' * len(secret)}"
        unknown = f"inv_{'0' * 20}.{secret}"

        for bad in (wrong_secret, unknown):
            response = accept(bad)
            assert response.status == 410
            assert "not valid" in response.body["error"]["message"]

        assert _status(invites, contact["contact_id"]) == "sent"
        assert accept(token).status == 200

    def test_a_revoked_token_is_410(self, invited, accept, invites, outbox):
        contact, old = invited
        invites("POST", contact["contact_id"])
        response = accept(old)
        assert response.status == 410
        assert "newer one" in response.body["error"]["message"]

    def test_a_contact_unlinked_after_the_invite_makes_it_410(self, invited, accept, staff, invites, portal_pool):
        contact, token = invited
        assert staff("DELETE", f"/admin/contacts/{contact['contact_id']}").status == 204

        assert accept(token).status == 410
        assert _status(invites, contact["contact_id"]) == "revoked"
        with pytest.raises(ClientError):
            portal_pool.user("somers378@gmail.com")

    def test_portal_access_disabled_after_the_invite_is_409_until_enabled_again(self, invited, accept, staff):
        contact, token = invited
        path = f"/admin/contacts/{contact['contact_id']}"
        assert staff("PATCH", path, body={"enable_portal_access": False}, headers={"If-Match": "1"}).status == 200

        assert accept(token).status == 409

        assert staff("PATCH", path, body={"enable_portal_access": True}, headers={"If-Match": "2"}).status == 200
        assert accept(token).status == 200


class TestExistingLogin:
    """somers378@gmail.com already signed up through account 49418; account 21638 invites them too."""

    @pytest.fixture
    def second_invitation(self, invited, accept, staff, invite):
        _, token = invited
        assert accept(token, GOOD_PASSWORD).status == 200
        account = {
            "account_id": "21638",
            "name": "The Mill",
            "class_id": "COMM",
            "contacts": [{"name": "John Doe", "email": "Somers378@Gmail.com"}],
        }
        contact = staff("POST", "/admin/accounts", body=account).body["contacts"][0]
        return contact, invite(contact)

    def test_without_signing_in_it_is_409_and_the_password_is_unchanged(
        self, second_invitation, accept, portal_pool, invites
    ):
        contact, token = second_invitation

        response = accept(token, OTHER_PASSWORD)

        assert response.status == 409
        assert response.body["error"]["code"] == "sign_in_required"
        assert "sign in" in response.body["error"]["message"]
        assert portal_pool.sign_in("somers378@gmail.com", GOOD_PASSWORD)
        with pytest.raises(ClientError):
            portal_pool.sign_in("somers378@gmail.com", OTHER_PASSWORD)
        assert _status(invites, contact["contact_id"]) == "sent"

    def test_signed_in_it_links_the_contact_to_the_same_login(
        self, second_invitation, accept, portal_pool, staff, stack
    ):
        contact, token = second_invitation
        access_token = portal_pool.sign_in("somers378@gmail.com", GOOD_PASSWORD)

        response = accept(token, OTHER_PASSWORD, bearer=access_token)

        assert response.status == 200
        assert response.body == {"username": "somers378@gmail.com"}
        assert portal_pool.sign_in("somers378@gmail.com", GOOD_PASSWORD)
        with pytest.raises(ClientError):
            portal_pool.sign_in("somers378@gmail.com", OTHER_PASSWORD)
        sub = {a["Name"]: a["Value"] for a in portal_pool.user("somers378@gmail.com")["UserAttributes"]}["sub"]
        assert _contact_item(stack, contact["contact_id"])["login_id"]["S"] == sub
        assert staff("GET", f"/admin/contacts/{contact['contact_id']}").body["portal_user"] is True
        history = staff("GET", f"/admin/contacts/{contact['contact_id']}/activity").body["items"]
        assert history[0]["details"]["new_login"] is False

    def test_no_password_is_needed_when_signed_in(self, second_invitation, accept, portal_pool):
        _, token = second_invitation
        access_token = portal_pool.sign_in("somers378@gmail.com", GOOD_PASSWORD)
        assert accept(token, None, bearer=access_token).status == 200

    def test_another_logins_token_is_401(self, second_invitation, accept, add_contact, invite, portal_pool):
        _, token = second_invitation
        stranger = add_contact(name="Stranger", email="stranger@example.com")
        assert accept(invite(stranger), GOOD_PASSWORD).status == 200
        stranger_token = portal_pool.sign_in("stranger@example.com", GOOD_PASSWORD)

        response = accept(token, bearer=stranger_token)

        assert response.status == 401
        assert accept(token, bearer="not-a-real-token").status == 401
        access_token = portal_pool.sign_in("somers378@gmail.com", GOOD_PASSWORD)
        assert accept(token, bearer=access_token).status == 200

    def test_a_disabled_login_is_enabled_but_still_has_to_sign_in(self, second_invitation, accept, portal_pool):
        _, token = second_invitation
        cognito = boto3.client("cognito-idp", region_name="us-east-1")
        cognito.admin_disable_user(UserPoolId=portal_pool.pool_id, Username="somers378@gmail.com")

        first = accept(token, OTHER_PASSWORD)

        assert first.status == 409
        assert portal_pool.user("somers378@gmail.com")["Enabled"] is True
        access_token = portal_pool.sign_in("somers378@gmail.com", GOOD_PASSWORD)
        assert accept(token, bearer=access_token).status == 200
