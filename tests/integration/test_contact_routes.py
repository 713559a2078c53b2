"""Contacts, portal access and activity history through the staff API (moto)."""

from __future__ import annotations

import pytest

from devkit.events import STAFF_CLAIMS

ALL_DETAILS = {
    "title": "Facilities Manager",
    "name": "John Doe",
    "email": "somers378@gmail.com",
    "email_2": "john.doe@renogym.example.com",
    "phone_1": "(763) 555-0101",
    "phone_2": "763-555-0102",
    "phone_3": "+1 763 555 0103",
    "phone_4": "763.555.0104 x12",
    "note": "Prefers email.",
    "receive_service_notifications": True,
    "service_notification_method": "email",
    "request_notification_method": "email_and_sms",
    "billing_contact": "primary_billing",
    "receive_invoice_notifications": True,
    "receive_past_due_notifications": True,
    "mobile_opt_out": False,
    "enable_portal_access": True,
}


@pytest.fixture
def contact(staff, demo_account):
    response = staff("POST", "/admin/accounts/49418/contacts", body={"level": "account", **ALL_DETAILS})
    assert response.status == 201
    return response.body


@pytest.fixture
def other_account(staff, demo_account):
    assert (
        staff("POST", "/admin/accounts", body={"account_id": "21638", "name": "The Mill", "class_id": "COMM"}).status
        == 201
    )
    site = {
        "site_id": "21638001",
        "name": "The Mill",
        "address": {
            "line1": "12911 Farm to Market 1960 Rd W",
            "city": "Houston",
            "state": "TX",
            "postal_code": "77065",
        },
    }
    assert staff("POST", "/admin/accounts/21638/sites", body=site).status == 201


class TestCreate:
    def test_account_level_contact_with_every_details_field(self, contact):
        assert {k: contact[k] for k in ALL_DETAILS} == ALL_DETAILS
        assert contact["level"] == "account"
        assert contact["version"] == 1
        assert contact["portal_user"] is False
        assert contact["portal_access"] == {"all_sites": True, "site_ids": [], "roles": {}}
        assert "login_id" not in contact

    def test_site_level_contact_sees_its_site(self, staff, demo_account):
        body = {"level": "site", "site_id": "49418003", "name": "Chiro Front Desk", "email": "desk@chiro.example.com"}
        response = staff("POST", "/admin/accounts/49418/contacts", body=body)
        assert response.status == 201
        assert response.body["site_id"] == "49418003"
        assert response.body["portal_access"] == {"all_sites": False, "site_ids": ["49418003"], "roles": {}}

    def test_site_level_contact_on_another_accounts_site_is_422(self, staff, other_account):
        body = {"level": "site", "site_id": "21638001", "name": "Wrong Site"}
        response = staff("POST", "/admin/accounts/49418/contacts", body=body)
        assert response.status == 422
        assert response.body["error"]["field"] == "site_id"
        assert staff("GET", "/admin/accounts/49418/contacts").body["items"] == []

    def test_level_and_site_must_agree(self, staff, demo_account):
        response = staff("POST", "/admin/accounts/49418/contacts", body={"level": "site", "name": "No Site"})
        assert response.status == 422
        assert "site_id is required" in response.body["error"]["message"]
        response = staff(
            "POST", "/admin/accounts/49418/contacts", body={"level": "account", "site_id": "49418001", "name": "X"}
        )
        assert response.status == 422

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("email", "not-an-email"),
            ("name", ""),
            ("phone_1", "call me"),
            ("service_notification_method", "pigeon"),
            ("colour", "red"),
        ],
    )
    def test_bad_details_name_the_field(self, staff, demo_account, field, value):
        body = {"name": "Jane", field: value}
        response = staff("POST", "/admin/accounts/49418/contacts", body=body)
        assert response.status == 422
        assert response.body["error"]["field"] == field
        assert set(response.body["error"]) >= {"code", "message"}

    def test_unknown_account_is_404(self, staff, demo_account):
        response = staff("POST", "/admin/accounts/00000/contacts", body={"name": "Jane"})
        assert response.status == 404
        assert response.body["error"]["code"] == "not_found"


class TestReadAndGrid:
    def test_get_contact(self, staff, contact):
        response = staff("GET", f"/admin/contacts/{contact['contact_id']}")
        assert response.status == 200
        assert response.body == {**contact, "portal_status": "none", "email_undeliverable": False}

    def test_unknown_contact_is_404(self, staff, demo_account):
        assert staff("GET", "/admin/contacts/ct_missing").status == 404

    def test_grid_shows_the_contacts_screen_columns(self, staff, contact):
        response = staff("GET", "/admin/accounts/49418/contacts")
        assert response.status == 200
        (row,) = response.body["items"]
        assert row == {
            "contact_id": contact["contact_id"],
            "type": "account",
            "site_id": None,
            "billing_contact": "primary_billing",
            "name": "John Doe",
            "title": "Facilities Manager",
            "email": "somers378@gmail.com",
            "phone_1": "(763) 555-0101",
            "receive_service_notifications": True,
            "service_notification_method": "email",
            "request_notification_method": "email_and_sms",
            "enable_portal_access": True,
            "portal_user": False,
            "portal_status": "none",
            "email_undeliverable": False,
        }

    def test_grid_pages_with_a_cursor(self, staff, demo_account):
        for n in range(5):
            assert staff("POST", "/admin/accounts/49418/contacts", body={"name": f"Contact {n}"}).status == 201
        first = staff("GET", "/admin/accounts/49418/contacts", query={"limit": "3"})
        second = staff(
            "GET", "/admin/accounts/49418/contacts", query={"limit": "3", "cursor": first.body["next_cursor"]}
        )
        names = [r["name"] for r in first.body["items"] + second.body["items"]]
        assert sorted(names) == [f"Contact {n}" for n in range(5)]
        assert second.body["next_cursor"] is None


class TestEdit:
    def test_patch_with_current_version(self, staff, contact):
        contact_id = contact["contact_id"]
        response = staff(
            "PATCH",
            f"/admin/contacts/{contact_id}",
            body={"title": "Owner", "phone_1": None},
            headers={"If-Match": '"1"'},
        )
        assert response.status == 200
        assert response.body["version"] == 2
        assert response.body["title"] == "Owner"
        assert response.body["phone_1"] is None
        assert response.body["email"] == contact["email"]
        history = staff("GET", f"/admin/contacts/{contact_id}/activity").body["items"]
        assert history[0]["action"] == "edited"
        assert history[0]["details"]["fields"] == ["phone_1", "title"]
        assert history[0]["actor"] == f"staff:{STAFF_CLAIMS['username']}"

    def test_stale_version_is_412_and_changes_nothing(self, staff, contact):
        contact_id = contact["contact_id"]
        assert (
            staff("PATCH", f"/admin/contacts/{contact_id}", body={"title": "A"}, headers={"If-Match": "1"}).status
            == 200
        )
        stale = staff("PATCH", f"/admin/contacts/{contact_id}", body={"title": "B"}, headers={"If-Match": "1"})
        assert stale.status == 412
        assert stale.body["error"]["code"] == "version_mismatch"
        assert staff("GET", f"/admin/contacts/{contact_id}").body["title"] == "A"

    def test_if_match_is_required_and_must_be_a_version(self, staff, contact):
        path = f"/admin/contacts/{contact['contact_id']}"
        missing = staff("PATCH", path, body={"title": "A"})
        assert missing.status == 428
        assert missing.body["error"]["field"] == "If-Match"
        garbage = staff("PATCH", path, body={"title": "A"}, headers={"If-Match": "yesterday"})
        assert garbage.status == 422

    def test_required_field_cannot_be_nulled_and_unknown_field_is_rejected(self, staff, contact):
        path = f"/admin/contacts/{contact['contact_id']}"
        response = staff("PATCH", path, body={"name": None}, headers={"If-Match": "1"})
        assert response.status == 422
        assert "name cannot be null" in response.body["error"]["message"]
        response = staff("PATCH", path, body={"level": "site"}, headers={"If-Match": "1"})
        assert response.status == 422
        assert response.body["error"]["field"] == "level"
        assert staff("GET", path).body["version"] == 1

    def test_patch_unknown_contact_is_404(self, staff, demo_account):
        assert (
            staff("PATCH", "/admin/contacts/ct_missing", body={"title": "A"}, headers={"If-Match": "1"}).status == 404
        )

    def test_same_values_do_not_bump_the_version(self, staff, contact):
        path = f"/admin/contacts/{contact['contact_id']}"
        response = staff("PATCH", path, body={"title": contact["title"]}, headers={"If-Match": "1"})
        assert response.status == 200
        assert response.body["version"] == 1


class TestPortalAccess:
    def test_all_sites_then_a_site_list(self, staff, contact):
        path = f"/admin/contacts/{contact['contact_id']}/portal-access"
        assert staff("GET", path).body == {"all_sites": True, "site_ids": [], "roles": {}}
        narrowed = {"all_sites": False, "site_ids": ["49418001", "49418003"], "roles": {"49418001": ["Role 1"]}}
        response = staff("PUT", path, body=narrowed)
        assert response.status == 200
        assert response.body == narrowed
        assert staff("GET", path).body == narrowed
        assert staff("GET", f"/admin/contacts/{contact['contact_id']}").body["version"] == 2
        history = staff("GET", f"/admin/contacts/{contact['contact_id']}/activity").body["items"]
        assert history[0]["action"] == "access_changed"

    def test_foreign_site_is_422_and_changes_nothing(self, staff, contact, other_account):
        path = f"/admin/contacts/{contact['contact_id']}/portal-access"
        response = staff("PUT", path, body={"all_sites": False, "site_ids": ["49418001", "21638001"]})
        assert response.status == 422
        assert response.body["error"]["field"] == "site_ids"
        assert "21638001" in response.body["error"]["message"]
        assert staff("GET", path).body["all_sites"] is True

    @pytest.mark.parametrize(
        "body",
        [
            {"all_sites": True, "site_ids": ["49418001"]},
            {"all_sites": False, "site_ids": ["49418001", "49418001"]},
            {"all_sites": False, "site_ids": ["49418001"], "roles": {"49418002": ["Role 1"]}},
            {"site_ids": ["49418001"]},
        ],
    )
    def test_inconsistent_grants_are_422(self, staff, contact, body):
        response = staff("PUT", f"/admin/contacts/{contact['contact_id']}/portal-access", body=body)
        assert response.status == 422

    def test_unknown_contact_is_404(self, staff, demo_account):
        assert staff("GET", "/admin/contacts/ct_missing/portal-access").status == 404
        assert staff("PUT", "/admin/contacts/ct_missing/portal-access", body={"all_sites": True}).status == 404


class TestUnlinkAndHistory:
    def test_unlink_removes_the_contact_and_keeps_its_history(self, staff, contact):
        contact_id = contact["contact_id"]
        assert (
            staff("PATCH", f"/admin/contacts/{contact_id}", body={"title": "A"}, headers={"If-Match": "1"}).status
            == 200
        )
        response = staff("DELETE", f"/admin/contacts/{contact_id}")
        assert response.status == 204
        assert response.body is None
        assert staff("GET", f"/admin/contacts/{contact_id}").status == 404
        assert staff("GET", "/admin/accounts/49418/contacts").body["items"] == []
        history = staff("GET", f"/admin/contacts/{contact_id}/activity").body["items"]
        assert [e["action"] for e in history] == ["unlinked", "edited", "created"]

    def test_unlink_unknown_contact_is_404(self, staff, demo_account):
        assert staff("DELETE", "/admin/contacts/ct_missing").status == 404
        assert staff("GET", "/admin/contacts/ct_missing/activity").status == 404

    def test_history_pages_newest_first(self, staff, contact):
        contact_id = contact["contact_id"]
        for version, title in enumerate(["A", "B", "C"], start=1):
            staff("PATCH", f"/admin/contacts/{contact_id}", body={"title": title}, headers={"If-Match": str(version)})
        first = staff("GET", f"/admin/contacts/{contact_id}/activity", query={"limit": "2"})
        second = staff(
            "GET", f"/admin/contacts/{contact_id}/activity", query={"limit": "2", "cursor": first.body["next_cursor"]}
        )
        actions = [e["action"] for e in first.body["items"] + second.body["items"]]
        assert actions == ["edited", "edited", "edited", "created"]
