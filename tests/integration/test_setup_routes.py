"""Account classes, system options and email templates through the staff API (moto)."""

from __future__ import annotations

from urllib.parse import quote

import boto3
import pytest

from portal_access.domain.email_templates import BUILT_IN_TEMPLATES
from tests.integration.conftest import PORTAL_CLASS

CLASS_SETTINGS = (
    "enable_portal_access",
    "enable_add_sites",
    "new_location_bundle",
    "new_location_template",
    "enable_report_access",
    "default_work_order_photo_display",
    "default_work_order_attachment_display",
    "auto_send_portal_invitation",
    "allow_invoice_verified_self_registration",
    "customer_portal_home_page",
    "enable_on_call_orders",
    "enable_viewing_inactive_site",
)

SEED_OPTIONS = {
    "customer_portal_url": "https://portal.example.com/",
    "display_service_history": True,
    "display_ar_history": True,
    "display_aging_buckets": True,
    "display_login_terms": True,
    "display_current_services": True,
    "display_service_quantity": True,
    "enable_payment_as_guest": True,
    "enable_auto_pay_max_amount": True,
    "display_third_party_invoices": False,
    "account_invite_from_email": "portal@hauler.example.com",
    "invite_email_template": "Portal Invite (All Divisions)",
    "enable_account_request_via_address": True,
    "account_request_address_found_template": "Portal Invite (All Divisions)",
    "enable_request_login_button": True,
    "login_message_html": "<p>Welcome</p>",
    "login_terms_html": "<p>Testing login terms</p>",
    "make_a_payment_terms": "Payments post in 2 business days.",
    "login_logo_url": "https://portal.example.com/logo.png",
}


class TestAccountClasses:
    def test_create_read_replace_with_all_twelve_settings(self, staff):
        seed_class = {
            "class_id": "COMM-DAYTON",
            "enable_portal_access": True,
            "enable_add_sites": False,
            "new_location_bundle": "Starter",
            "new_location_template": "COMM-Dayton",
            "enable_report_access": True,
            "default_work_order_photo_display": True,
            "default_work_order_attachment_display": True,
            "auto_send_portal_invitation": True,
            "allow_invoice_verified_self_registration": True,
            "customer_portal_home_page": "Standard",
            "enable_on_call_orders": True,
            "enable_viewing_inactive_site": "service_history_only",
        }
        created = staff("POST", "/admin/account-classes", body=seed_class)
        assert created.status == 201
        assert {k: created.body[k] for k in CLASS_SETTINGS} == {k: seed_class[k] for k in CLASS_SETTINGS}

        read = staff("GET", "/admin/account-classes/COMM-DAYTON")
        assert read.status == 200
        assert read.body == created.body

        replaced = staff(
            "PUT", "/admin/account-classes/COMM-DAYTON", body={"enable_portal_access": False, "name": "Dayton"}
        )
        assert replaced.status == 200
        assert replaced.body["enable_portal_access"] is False
        # PUT replaces: what was not sent is back to its default.
        assert replaced.body["auto_send_portal_invitation"] is False
        assert staff("GET", "/admin/account-classes/COMM-DAYTON").body["name"] == "Dayton"

    def test_duplicate_class_is_409(self, staff):
        assert staff("POST", "/admin/account-classes", body=PORTAL_CLASS).status == 201
        again = staff("POST", "/admin/account-classes", body=PORTAL_CLASS)
        assert again.status == 409
        assert again.body["error"]["field"] == "class_id"

    def test_unknown_class_is_404_on_read_and_replace(self, staff):
        assert staff("GET", "/admin/account-classes/NOPE").status == 404
        missing = staff("PUT", "/admin/account-classes/NOPE", body={})
        assert missing.status == 404
        assert missing.body["error"]["code"] == "not_found"

    def test_bad_setting_value_names_the_field(self, staff):
        response = staff(
            "POST", "/admin/account-classes", body={"class_id": "X", "enable_viewing_inactive_site": "sometimes"}
        )
        assert response.status == 422
        assert response.body["error"]["field"] == "enable_viewing_inactive_site"

    def test_unknown_field_is_rejected(self, staff):
        response = staff("POST", "/admin/account-classes", body={"class_id": "X", "enable_portal_acess": True})
        assert response.status == 422
        assert response.body["error"]["field"] == "enable_portal_acess"
        assert staff("GET", "/admin/account-classes/X").status == 404


class TestSystemOptions:
    @pytest.fixture(autouse=True)
    def sender_domain_verified(self, stack):
        """SES may send from anything @hauler.example.com (a verified domain identity)."""
        boto3.client("sesv2").create_email_identity(EmailIdentity="hauler.example.com")

    def test_a_from_address_ses_cannot_send_from_is_422_and_nothing_saved(self, staff):
        bad = {**SEED_OPTIONS, "account_invite_from_email": "portal@unverified.example.org"}
        response = staff("PUT", "/admin/system-options/customer-portal", body=bad)
        assert response.status == 422
        assert response.body["error"]["field"] == "account_invite_from_email"
        assert "verified SES identity" in response.body["error"]["message"]
        assert staff("GET", "/admin/system-options/customer-portal").body["account_invite_from_email"] is None

    def test_a_verified_address_on_an_unverified_domain_is_accepted(self, staff):
        boto3.client("sesv2").create_email_identity(EmailIdentity="billing@other.example.org")
        options = {**SEED_OPTIONS, "account_invite_from_email": "billing@other.example.org"}
        assert staff("PUT", "/admin/system-options/customer-portal", body=options).status == 200
        other = {**SEED_OPTIONS, "account_invite_from_email": "someone.else@other.example.org"}
        assert staff("PUT", "/admin/system-options/customer-portal", body=other).status == 422

    def test_defaults_before_any_save_keep_customer_features_off(self, staff):
        response = staff("GET", "/admin/system-options/customer-portal")
        assert response.status == 200
        assert len(response.body) == 19
        assert response.body["enable_request_login_button"] is False
        assert response.body["enable_account_request_via_address"] is False

    def test_replace_with_the_seed_table_and_read_back(self, staff):
        saved = staff("PUT", "/admin/system-options/customer-portal", body=SEED_OPTIONS)
        assert saved.status == 200
        read = staff("GET", "/admin/system-options/customer-portal")
        assert read.body == saved.body
        assert read.body["account_invite_from_email"] == "portal@hauler.example.com"
        assert read.body["enable_request_login_button"] is True

    def test_unknown_template_is_422_and_nothing_saved(self, staff):
        bad = {**SEED_OPTIONS, "invite_email_template": "No Such Template"}
        response = staff("PUT", "/admin/system-options/customer-portal", body=bad)
        assert response.status == 422
        assert response.body["error"]["field"] == "invite_email_template"
        assert staff("GET", "/admin/system-options/customer-portal").body["enable_request_login_button"] is False

    def test_bad_email_and_url_name_their_fields(self, staff):
        response = staff(
            "PUT", "/admin/system-options/customer-portal", body={**SEED_OPTIONS, "account_invite_from_email": "nope"}
        )
        assert response.status == 422
        assert response.body["error"]["field"] == "account_invite_from_email"
        response = staff("PUT", "/admin/system-options/customer-portal", body={**SEED_OPTIONS, "login_logo_url": "x"})
        assert response.body["error"]["field"] == "login_logo_url"


class TestEmailTemplates:
    NAME = "Portal Invite (All Divisions)"

    def test_built_in_invite_template_is_listed_and_readable(self, staff):
        listed = staff("GET", "/admin/email-templates")
        assert listed.status == 200
        assert self.NAME in [t["name"] for t in listed.body["items"]]
        read = staff("GET", f"/admin/email-templates/{quote(self.NAME)}")
        assert read.status == 200
        assert "{{invite_link}}" in read.body["html"]
        assert read.body["built_in"] is True

    def test_staff_edit_replaces_the_built_in(self, staff):
        body = {"subject": "Welcome {{contact_name}}", "html": "<p>{{invite_link}}</p>", "text": "{{invite_link}}"}
        saved = staff("PUT", f"/admin/email-templates/{quote(self.NAME)}", body=body)
        assert saved.status == 200
        read = staff("GET", f"/admin/email-templates/{quote(self.NAME)}")
        assert read.body["subject"] == "Welcome {{contact_name}}"
        assert read.body["built_in"] is False
        names = [t["name"] for t in staff("GET", "/admin/email-templates").body["items"]]
        assert names.count(self.NAME) == 1

    def test_unknown_template_is_404_and_missing_part_is_422(self, staff):
        assert staff("GET", "/admin/email-templates/Nope").status == 404
        response = staff("PUT", "/admin/email-templates/Nope", body={"subject": "s", "html": "<p/>"})
        assert response.status == 422
        assert response.body["error"]["field"] == "text"

    def test_the_list_pages_in_name_order_with_the_built_in_ones_merged(self, staff):
        body = {"subject": "Hi {{contact_name}}", "html": "<p>{{invite_link}}</p>", "text": "{{invite_link}}"}
        saved = ["A first", "Portal Invite (All Divisions)", "Portal Invite X", "Portal Login", "Zz last"]
        for name in saved:
            assert staff("PUT", f"/admin/email-templates/{quote(name)}", body=body).status == 200
        built_in = {t["name"] for t in staff("GET", "/admin/email-templates").body["items"] if t["built_in"]}

        pages: list[list[str]] = []
        cursor: str | None = None
        while True:
            query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
            page = staff("GET", "/admin/email-templates", query=query).body
            pages.append([t["name"] for t in page["items"]])
            cursor = page["next_cursor"]
            if cursor is None:
                break

        listed = [name for page in pages for name in page]
        assert listed == sorted(set(saved) | built_in), pages  # each once, in order, across pages
        assert len(pages) == 3  # pages follow the 5 saved ones (2 per page); built-ins join by name

    def test_more_templates_than_a_page_say_so(self, staff, stack):
        """Over the route's page size the answer hands out a cursor, never a silent cut."""
        table = boto3.resource("dynamodb").Table(stack.table("SettingsTable"))
        with table.batch_writer() as batch:
            for n in range(101):
                name = f"Bulk {n:03}"
                batch.put_item(Item={"pk": "EMAIL_TEMPLATE", "sk": name, "name": name, "subject": "s", "html": "h",
                                     "text": "t", "built_in": False})  # fmt: skip

        first = staff("GET", "/admin/email-templates").body
        assert [t["name"] for t in first["items"] if not t["built_in"]] == [f"Bulk {n:03}" for n in range(100)]
        assert first["next_cursor"]
        rest = staff("GET", "/admin/email-templates", query={"cursor": first["next_cursor"]}).body
        assert [t["name"] for t in rest["items"] if not t["built_in"]] == ["Bulk 100"]
        assert rest["next_cursor"] is None
        built_in = [t["name"] for page in (first, rest) for t in page["items"] if t["built_in"]]
        assert sorted(built_in) == sorted(BUILT_IN_TEMPLATES)  # each once, on the page of its name
