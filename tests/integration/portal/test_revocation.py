"""Revocation takes effect on the next request (rule 6): disabling a contact's portal access,
unlinking it, or narrowing its sites. A login left with no enabled contact is disabled in the
portal pool and signed out everywhere; re-enabling the contact, or a new invitation, restores it.

The token the login already holds stays valid at the gateway until it expires (a JWT authorizer
never asks Cognito): the next request is refused because the contacts are re-read."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from portal_access.dal import contacts_table
from portal_access.domain.login_switch import LoginSwitchFailed
from tests.integration.invitations.conftest import GOOD_PASSWORD
from tests.integration.portal.conftest import Login, PortalWorld, seen, set_portal_access, sign_in

SITE = "/portal/accounts/{}/sites/{}"
EMAIL = "john.doe@renogym.example.com"
EVERY_SITE = {"49418": ["49418001", "49418002", "49418003"]}


@pytest.fixture
def contact(new_contact, demo_account) -> dict[str, Any]:
    return new_contact("49418", email=EMAIL, name="John Doe")


@pytest.fixture
def login(link, contact) -> Login:
    return link(contact)


def _enabled(world: PortalWorld) -> bool:
    return bool(world.pool.user(EMAIL)["Enabled"])


def _history(world: PortalWorld, contact_id: str) -> list[str]:
    return [e["action"] for e in world.staff("GET", f"/admin/contacts/{contact_id}/activity").body["items"]]


class TestDisable:
    def test_the_next_request_is_refused_and_the_login_is_disabled_and_signed_out(self, world, contact, login):
        cognito = boto3.client("cognito-idp", region_name="us-east-1")
        access_token = world.pool.sign_in(EMAIL, GOOD_PASSWORD)
        assert world.portal(login.claims, SITE.format("49418", "49418001")).status == 200

        set_portal_access(world, contact["contact_id"], enabled=False)

        # the token issued before still passes the gateway; the handler refuses what it asks
        assert world.portal(login.claims, SITE.format("49418", "49418001")).status == 404
        assert seen(world.portal(login.claims, "/portal/me")) == {}
        assert _enabled(world) is False
        with pytest.raises(ClientError, match="disabled"):
            world.pool.sign_in(EMAIL, GOOD_PASSWORD)
        with pytest.raises(ClientError):  # the global sign-out revoked what Cognito checks itself
            cognito.get_user(AccessToken=access_token)
        assert _history(world, contact["contact_id"])[:2] == ["login_disabled", "edited"]

    def test_re_enabling_the_contact_restores_the_login_and_its_access(self, world, contact, login):
        set_portal_access(world, contact["contact_id"], enabled=False)

        set_portal_access(world, contact["contact_id"], enabled=True)

        assert _enabled(world) is True
        assert seen(world.portal(sign_in(world.pool, EMAIL).claims, "/portal/me")) == EVERY_SITE
        assert _history(world, contact["contact_id"])[0] == "login_enabled"

    @pytest.mark.usefixtures("the_mill")
    def test_a_login_keeps_going_while_another_contact_still_grants(self, world, contact, login):
        world.link(world.new_contact("21638", email=EMAIL))

        set_portal_access(world, contact["contact_id"], enabled=False)

        assert _enabled(world) is True
        assert seen(world.portal(login.claims, "/portal/me")) == {"21638": ["21638001", "21638002"]}
        assert world.portal(login.claims, SITE.format("49418", "49418001")).status == 404
        assert "login_disabled" not in _history(world, contact["contact_id"])

    @pytest.mark.usefixtures("the_mill")
    def test_a_login_whose_contacts_were_read_in_part_is_kept(self, world, contact, login, monkeypatch):
        """by_login lists 21638 first: with a bound of one, the 49418 contact that still grants
        is unread, so the login is kept rather than disabled on a guess."""
        other = world.new_contact("21638", email=EMAIL)
        world.link(other)
        monkeypatch.setattr(contacts_table, "MAX_CONTACTS_PER_LOGIN", 1)

        set_portal_access(world, other["contact_id"], enabled=False)

        assert _enabled(world) is True
        assert "login_disabled" not in _history(world, other["contact_id"])
        monkeypatch.undo()
        assert seen(world.portal(login.claims, "/portal/me")) == EVERY_SITE

    def test_other_edits_never_touch_the_login(self, world, contact, login):
        path = f"/admin/contacts/{contact['contact_id']}"
        assert world.staff("PATCH", path, body={"title": "Owner"}, headers={"If-Match": "2"}).status == 200
        assert _enabled(world) is True

    @pytest.mark.usefixtures("login")
    def test_a_contact_never_linked_touches_no_login(self, world):
        other = world.new_contact("49418", email="not.linked@example.com")
        set_portal_access(world, other["contact_id"], enabled=False)
        assert _enabled(world) is True


class TestUnlink:
    def test_the_next_request_is_refused_and_the_login_is_disabled(self, world, contact, login):
        assert world.staff("DELETE", f"/admin/contacts/{contact['contact_id']}").status == 204

        assert world.portal(login.claims, SITE.format("49418", "49418002")).status == 404
        assert seen(world.portal(login.claims, "/portal/me")) == {}
        assert _enabled(world) is False
        assert _history(world, contact["contact_id"])[:2] == ["login_disabled", "unlinked"]

    @pytest.mark.usefixtures("login")
    def test_a_new_invitation_restores_the_login(self, world, contact):
        """Re-invited after the unlink: the accept enables the login again (it must still prove
        itself with its password: the accept answers sign_in_required first)."""
        assert world.staff("DELETE", f"/admin/contacts/{contact['contact_id']}").status == 204
        assert _enabled(world) is False
        token = world.invite(world.new_contact("49418", email=EMAIL, name="John Doe"))

        first = world.accept(token, None)

        assert first.status == 409
        assert first.body["error"]["code"] == "sign_in_required"
        assert _enabled(world) is True
        assert world.accept(token, None, bearer=world.pool.sign_in(EMAIL, GOOD_PASSWORD)).status == 200
        assert seen(world.portal(sign_in(world.pool, EMAIL).claims, "/portal/me")) == EVERY_SITE


class TestNarrow:
    def test_a_site_taken_out_of_the_grant_is_refused_on_the_next_request(self, world, contact, login):
        assert world.portal(login.claims, SITE.format("49418", "49418003")).status == 200
        narrowed = {"all_sites": False, "site_ids": ["49418001"]}

        response = world.staff("PUT", f"/admin/contacts/{contact['contact_id']}/portal-access", body=narrowed)

        assert response.status == 200
        assert world.portal(login.claims, SITE.format("49418", "49418003")).status == 404
        assert world.portal(login.claims, SITE.format("49418", "49418001")).status == 200
        assert seen(world.portal(login.claims, "/portal/me")) == {"49418": ["49418001"]}
        assert _enabled(world) is True  # still a portal user, with less to see


class TestIdentityProviderFailure:
    def test_access_still_goes_when_cognito_fails_and_the_failure_is_logged(
        self, world, contact, login, *, contacts_function, monkeypatch, caplog
    ):
        def refuse(login_id: str) -> bool:
            raise LoginSwitchFailed("could not disable portal login: TooManyRequestsException")

        monkeypatch.setattr(contacts_function.module.api.portal_logins, "suspend", refuse)

        set_portal_access(world, contact["contact_id"], enabled=False)

        assert world.portal(login.claims, SITE.format("49418", "49418001")).status == 404
        assert _enabled(world) is True  # left as it was: an operator alarm, not a 500
        assert "portal login not disabled" in caplog.text
        assert "login_disabled" not in _history(world, contact["contact_id"])
