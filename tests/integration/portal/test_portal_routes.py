"""Signed-in portal routes (rule 6): a login sees exactly what its linked contacts grant."""

from __future__ import annotations

import boto3
import pytest

from devkit.events import http_event, load_event
from portal_access.dal import contacts_table
from portal_access.domain import access
from tests.conftest import call
from tests.integration.portal.conftest import seen, site_body

SITE = "/portal/accounts/{}/sites/{}"


@pytest.fixture
def all_sites_login(new_contact, link, demo_account):
    """John Doe, an account-level contact of 49418: Account (All Sites)."""
    return link(new_contact("49418", email="john.doe@renogym.example.com", name="John Doe"))


@pytest.fixture
def one_site_login(new_contact, link, demo_account):
    """A site-level contact of 49418002 (Reno Gym Southtown) only."""
    contact = new_contact("49418", email="southtown@renogym.example.com", level="site", site_id="49418002")
    return link(contact)


class TestMe:
    def test_an_all_sites_login_sees_every_site_with_the_class_capabilities(self, portal, all_sites_login):
        response = portal(all_sites_login.claims, "/portal/me")

        assert response.status == 200
        body = response.body
        assert body["username"] == all_sites_login.claims["username"]
        assert "login_id" not in body
        (account,) = body["accounts"]
        assert account["account_id"] == "49418"
        assert account["name"] == "Renovation Gym"
        assert account["access"] == "all_sites"
        assert account["more_sites"] is False
        assert [s["site_id"] for s in account["sites"]] == ["49418001", "49418002", "49418003"]
        first = account["sites"][0]
        assert first == {
            "account_id": "49418",
            "site_id": "49418001",
            "name": "Renovation Gym",
            "address": {
                "line1": "4405 Pheasant Ridge Dr NE",
                "city": "Blaine",
                "state": "MN",
                "postal_code": "55449-4531",
            },
            "status": "active",
            "view": "full",
            "roles": [],
        }
        assert account["capabilities"] == {
            "report_access": False,
            "add_sites": False,
            "on_call_orders": False,
            "home_page": "Standard",
            "work_order_photo_display": False,
            "work_order_attachment_display": False,
            "inactive_sites": "service_history_only",
        }

    def test_capabilities_follow_the_account_class(self, portal, staff, all_sites_login):
        settings = {
            "name": "Commercial",
            "enable_portal_access": True,
            "enable_add_sites": True,
            "enable_report_access": True,
            "enable_on_call_orders": True,
            "customer_portal_home_page": "Service Requests",
            "default_work_order_photo_display": True,
            "default_work_order_attachment_display": True,
            "enable_viewing_inactive_site": "yes",
        }
        assert staff("PUT", "/admin/account-classes/COMM", body=settings).status == 200

        capabilities = portal(all_sites_login.claims, "/portal/me").body["accounts"][0]["capabilities"]

        assert capabilities == {
            "report_access": True,
            "add_sites": True,
            "on_call_orders": True,
            "home_page": "Service Requests",
            "work_order_photo_display": True,
            "work_order_attachment_display": True,
            "inactive_sites": "yes",
        }

    def test_a_site_level_login_sees_only_its_granted_sites(self, portal, one_site_login):
        response = portal(one_site_login.claims, "/portal/me")

        assert seen(response) == {"49418": ["49418002"]}
        assert response.body["accounts"][0]["access"] == "selected_sites"

    def test_all_sites_covers_a_site_added_after_the_grant(self, portal, staff, all_sites_login, one_site_login):
        body = site_body("49418004", "Renovation Gym North", "9 Main St")
        assert staff("POST", "/admin/accounts/49418/sites", body=body).status == 201

        assert seen(portal(all_sites_login.claims, "/portal/me"))["49418"][-1] == "49418004"
        assert portal(all_sites_login.claims, SITE.format("49418", "49418004")).status == 200
        # an explicit grant does not grow
        assert seen(portal(one_site_login.claims, "/portal/me")) == {"49418": ["49418002"]}
        assert portal(one_site_login.claims, SITE.format("49418", "49418004")).status == 404

    def test_a_login_linked_to_ten_accounts_gets_all_ten(self, portal, staff, new_contact, link, demo_account):
        """The portal's SELECT ACCOUNT 1 of 10."""
        email = "owner@holding.example.com"
        for n in range(10):
            account_id = f"5000{n}"
            account = {"account_id": account_id, "name": f"Holding {n}", "class_id": "COMM"}
            assert staff("POST", "/admin/accounts", body=account).status == 201
            body = site_body(f"{account_id}001", f"Yard {n}", f"{n} Industrial Way")
            assert staff("POST", f"/admin/accounts/{account_id}/sites", body=body).status == 201
            login = link(new_contact(account_id, email=email))

        answer = portal(login.claims, "/portal/me")

        assert seen(answer) == {f"5000{n}": [f"5000{n}001"] for n in range(10)}
        # Access tokens carry no email claim: the login's email comes from its linked contacts.
        assert "email" not in login.claims
        assert answer.body["email"] == email

    def test_grants_of_several_contacts_are_united(self, portal, new_contact, link, the_mill):
        """One login: site-level on two sites of 49418 (two contacts) and account-level on 21638."""
        email = "facilities@example.com"
        link(new_contact("49418", email=email, level="site", site_id="49418001"))
        link(new_contact("49418", email=email, level="site", site_id="49418003"))
        login = link(new_contact("21638", email=email))

        visible = seen(portal(login.claims, "/portal/me"))

        assert visible == {"49418": ["49418001", "49418003"], "21638": ["21638001", "21638002"]}

    def test_roles_of_the_grant_are_shown_per_site(self, portal, staff, new_contact, link, demo_account):
        contact = new_contact("49418", email="roles@example.com", level="site", site_id="49418001")
        grant = {"all_sites": False, "site_ids": ["49418001", "49418003"], "roles": {"49418003": ["Requests"]}}
        assert staff("PUT", f"/admin/contacts/{contact['contact_id']}/portal-access", body=grant).status == 200
        login = link(contact)

        sites = portal(login.claims, "/portal/me").body["accounts"][0]["sites"]

        assert {s["site_id"]: s["roles"] for s in sites} == {"49418001": [], "49418003": ["Requests"]}

    def test_a_login_with_no_contact_sees_no_account(self, portal, portal_pool, all_sites_login):
        stranger = {**all_sites_login.claims, "sub": "00000000-0000-0000-0000-000000000000", "username": "x"}
        assert portal(stranger, "/portal/me").body["accounts"] == []

    def test_the_login_comes_from_the_token_never_from_the_request(self, portal_function, all_sites_login):
        """A query string, a header or a body naming someone else changes nothing."""
        stranger = {**all_sites_login.claims, "sub": "00000000-0000-0000-0000-000000000000"}
        event = http_event(
            "GET",
            "/portal/me",
            claims=stranger,
            query={"login_id": all_sites_login.login_id, "sub": all_sites_login.login_id},
            body={"sub": all_sites_login.login_id},
            headers={"x-login-id": all_sites_login.login_id},
        )
        assert call(portal_function, event).body["accounts"] == []

    def test_the_sample_event_is_refused_without_a_login(self, portal_function):
        event = load_event("portal_me_request.json")
        event["requestContext"].pop("authorizer")

        response = call(portal_function, event)
        assert response.status == 401
        assert response.body["error"]["code"] == "unauthenticated"

    def test_more_sites_than_one_answer_lists_are_flagged(self, portal, staff, monkeypatch, all_sites_login):
        monkeypatch.setattr(access, "MAX_SITES_PER_ACCOUNT", 2)

        (account,) = portal(all_sites_login.claims, "/portal/me").body["accounts"]

        assert [s["site_id"] for s in account["sites"]] == ["49418001", "49418002"]
        assert account["more_sites"] is True

    def test_more_granted_sites_than_one_answer_reads_are_flagged(self, portal, monkeypatch, staff, one_site_login):
        grant = {"all_sites": False, "site_ids": ["49418001", "49418002"]}
        contacts = staff("GET", "/admin/accounts/49418/contacts").body["items"]
        (contact_id,) = [c["contact_id"] for c in contacts if c["email"] == one_site_login.email]
        assert staff("PUT", f"/admin/contacts/{contact_id}/portal-access", body=grant).status == 200
        monkeypatch.setattr(access, "MAX_GRANTED_SITES", 1)

        (account,) = portal(one_site_login.claims, "/portal/me").body["accounts"]

        assert [s["site_id"] for s in account["sites"]] == ["49418001"]
        assert account["more_sites"] is True

    def test_more_contacts_than_one_answer_reads_are_flagged_never_dropped_unsaid(
        self, portal, monkeypatch, new_contact, link, the_mill
    ):
        """The login's contacts on 21638 and 49418, read with a bound of two, then of one (by_login
        sorts by account)."""
        email = "two.accounts@example.com"
        link(new_contact("49418", email=email))
        login = link(new_contact("21638", email=email))
        monkeypatch.setattr(contacts_table, "MAX_CONTACTS_PER_LOGIN", 2)
        at_the_bound = portal(login.claims, "/portal/me").body
        assert [a["account_id"] for a in at_the_bound["accounts"]] == ["21638", "49418"]
        assert at_the_bound["more_accounts"] is False

        monkeypatch.setattr(contacts_table, "MAX_CONTACTS_PER_LOGIN", 1)

        over = portal(login.claims, "/portal/me").body
        assert [a["account_id"] for a in over["accounts"]] == ["21638"]
        assert over["more_accounts"] is True
        # one site asks for its account's contacts only: these fit, it is granted
        assert portal(login.claims, SITE.format("49418", "49418001")).status == 200

    @pytest.mark.usefixtures("demo_account")
    def test_a_site_refused_on_a_partial_read_is_logged(self, portal, monkeypatch, new_contact, link, caplog):
        email = "many.contacts@example.com"
        link(new_contact("49418", email=email, level="site", site_id="49418001"))
        login = link(new_contact("49418", email=email, level="site", site_id="49418002"))
        monkeypatch.setattr(contacts_table, "MAX_CONTACTS_PER_LOGIN", 1)

        refused = [
            site for site in ("49418001", "49418002") if portal(login.claims, SITE.format("49418", site)).status == 404
        ]

        assert len(refused) == 1  # deny by default: only one of the two contacts was read ...
        assert [r.getMessage() for r in caplog.records].count("portal grants read in part") == 1  # ... said


class TestSite:
    def test_a_permitted_site(self, portal, one_site_login):
        response = portal(one_site_login.claims, SITE.format("49418", "49418002"))

        assert response.status == 200
        assert response.body["site_id"] == "49418002"
        assert response.body["name"] == "Reno Gym Southtown"
        assert response.body["view"] == "full"

    @pytest.mark.parametrize(
        ("account_id", "site_id"),
        [
            ("49418", "49418001"),  # a site of the account, not granted
            ("49418", "49418999"),  # no such site
            ("21638", "21638001"),  # another account's site
            ("99999", "99999001"),  # no such account
            ("49418", "21638001"),  # a site of another account, under this account
        ],
    )
    def test_anything_else_is_404_with_the_same_body(self, portal, one_site_login, the_mill, account_id, site_id):
        response = portal(one_site_login.claims, SITE.format(account_id, site_id))

        assert response.status == 404
        assert response.body == {
            "error": {
                "code": "not_found",
                "message": f"site {site_id} of account {account_id} is not in your portal access",
            }
        }

    def test_an_overlong_id_is_refused(self, portal, one_site_login):
        assert portal(one_site_login.claims, SITE.format("4" * 65, "1")).status == 422


class TestInactive:
    @pytest.fixture
    def closed_site(self, staff, demo_account):
        """49418005 is an inactive site of 49418."""
        body = site_body("49418005", "Old Yard", "1 Closed Rd", status="inactive")
        assert staff("POST", "/admin/accounts/49418/sites", body=body).status == 201

    def _set_policy(self, staff, policy):
        body = {"name": "Commercial", "enable_portal_access": True, "enable_viewing_inactive_site": policy}
        assert staff("PUT", "/admin/account-classes/COMM", body=body).status == 200

    @pytest.mark.usefixtures("closed_site")
    @pytest.mark.parametrize(
        ("policy", "view"), [("no", None), ("service_history_only", "service_history_only"), ("yes", "full")]
    )
    def test_an_inactive_site_follows_the_class(self, portal, staff, all_sites_login, policy, view):
        self._set_policy(staff, policy)

        sites = {s["site_id"]: s for s in portal(all_sites_login.claims, "/portal/me").body["accounts"][0]["sites"]}
        one = portal(all_sites_login.claims, SITE.format("49418", "49418005"))

        if view is None:
            assert "49418005" not in sites
            assert one.status == 404
        else:
            assert sites["49418005"]["view"] == view
            assert sites["49418005"]["status"] == "inactive"
            assert one.status == 200
            assert one.body["view"] == view
        assert sites["49418001"]["view"] == "full"

    @pytest.mark.usefixtures("closed_site")
    def test_an_explicitly_granted_inactive_site_follows_the_class_too(self, portal, staff, new_contact, link):
        login = link(new_contact("49418", email="closed@example.com", level="site", site_id="49418005"))
        self._set_policy(staff, "no")
        assert seen(portal(login.claims, "/portal/me")) == {}
        self._set_policy(staff, "service_history_only")
        assert portal(login.claims, "/portal/me").body["accounts"][0]["sites"][0]["view"] == "service_history_only"

    def test_an_inactive_account_grants_nothing(self, portal, stack, all_sites_login):
        _set_account_status(stack, "49418", "inactive")

        assert seen(portal(all_sites_login.claims, "/portal/me")) == {}
        assert portal(all_sites_login.claims, SITE.format("49418", "49418001")).status == 404

    def test_a_class_without_portal_access_grants_nothing(self, portal, staff, all_sites_login):
        body = {"name": "Commercial", "enable_portal_access": False}
        assert staff("PUT", "/admin/account-classes/COMM", body=body).status == 200

        assert seen(portal(all_sites_login.claims, "/portal/me")) == {}
        assert portal(all_sites_login.claims, SITE.format("49418", "49418001")).status == 404


def _set_account_status(stack, account_id, status):
    """Billing marks accounts inactive (no staff route here does it)."""
    boto3.client("dynamodb").update_item(
        TableName=stack.table("AccountsTable"),
        Key={"pk": {"S": f"ACCOUNT#{account_id}"}, "sk": {"S": "ACCOUNT"}},
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": status}},
    )
