"""Staff routes: "Send portal access invite" and a contact's invitations (moto SES and DynamoDB)."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

import boto3
import pytest

from devkit.events import load_event
from portal_access.domain.tokens import hash_secret
from tests.conftest import call


def _statuses(invites, contact_id):
    response = invites("GET", contact_id)
    assert response.status == 200
    return [item["status"] for item in response.body["items"]]


class TestSend:
    def test_sends_one_email_with_a_single_use_link(self, invites, add_contact, outbox):
        contact = add_contact()

        response = invites("POST", contact["contact_id"])

        assert response.status == 202
        assert set(response.body) == {"invitation_id", "status", "expires_at"}
        assert response.body["status"] == "sent"
        (email,) = outbox.all()
        assert email.to == ["somers378@gmail.com"]
        assert email.sender == "portal@example.com"
        assert email.subject == "Your customer portal access for Renovation Gym"
        assert "https://portal.example.com/invitations/accept#token=" in email.body
        assert email.token.startswith(response.body["invitation_id"] + ".")

    def test_only_the_hash_of_the_token_is_stored(self, invites, add_contact, outbox, stack):
        contact = add_contact()
        invitation_id = invites("POST", contact["contact_id"]).body["invitation_id"]
        secret = outbox.all()[0].token.split(".", 1)[1]

        item = boto3.client("dynamodb").get_item(
            TableName=stack.table("InvitationsTable"), Key={"invitation_id": {"S": invitation_id}}
        )["Item"]

        assert item["secret_hash"]["S"] == hash_secret(secret)
        assert secret not in str(item)
        assert int(item["purge_at"]["N"]) > 0  # the table's TTL attribute

    def test_list_shows_status_and_timestamps_and_history_records_it(self, invites, add_contact, staff):
        contact = add_contact()
        sent = invites("POST", contact["contact_id"]).body

        (item,) = invites("GET", contact["contact_id"]).body["items"]

        assert item["invitation_id"] == sent["invitation_id"]
        assert item["status"] == "sent"
        assert item["trigger"] == "manual"
        assert item["email"] == "somers378@gmail.com"
        assert item["created_at"] <= item["sent_at"] < item["expires_at"] == sent["expires_at"]
        assert "secret_hash" not in item
        history = staff("GET", f"/admin/contacts/{contact['contact_id']}/activity").body["items"]
        assert history[0]["action"] == "invite_sent"
        assert history[0]["actor"] == "staff:aliena.somers"
        assert history[0]["details"]["invitation_id"] == sent["invitation_id"]

    def test_expiry_is_seven_days_by_default(self, invites, add_contact):
        contact = add_contact()
        body = invites("POST", contact["contact_id"]).body
        (item,) = invites("GET", contact["contact_id"]).body["items"]
        created = datetime.fromisoformat(item["created_at"])
        assert datetime.fromisoformat(body["expires_at"]) - created == timedelta(days=7)

    def test_resend_revokes_the_earlier_unused_invitation(self, invites, add_contact, outbox, accept):
        contact = add_contact()
        first = invites("POST", contact["contact_id"]).body
        second = invites("POST", contact["contact_id"]).body

        assert _statuses(invites, contact["contact_id"]) == ["sent", "revoked"]
        old_token, new_token = (email.token for email in outbox.all())
        assert old_token.startswith(first["invitation_id"])
        assert accept(old_token).status == 410
        assert accept(new_token).status == 200
        assert _statuses(invites, contact["contact_id"]) == ["accepted", "revoked"]
        assert second["invitation_id"] != first["invitation_id"]

    def test_resend_after_acceptance_keeps_the_accepted_one(self, invites, add_contact, outbox, accept):
        contact = add_contact()
        invites("POST", contact["contact_id"])
        assert accept(outbox.all()[0].token).status == 200

        assert invites("POST", contact["contact_id"]).status == 202

        assert _statuses(invites, contact["contact_id"]) == ["sent", "accepted"]

    def test_many_resends_leave_exactly_one_unused(self, invites, add_contact):
        contact = add_contact()
        for _ in range(4):
            assert invites("POST", contact["contact_id"]).status == 202
        assert _statuses(invites, contact["contact_id"]) == ["sent", "revoked", "revoked", "revoked"]

    def test_html_part_escapes_what_staff_typed_and_text_part_does_not_need_to(self, invites, add_contact, outbox):
        contact = add_contact(name="Bob <script>alert(1)</script> & Co")
        invites("POST", contact["contact_id"])
        (email,) = outbox.all()
        assert "<script>" not in email.body
        assert "Bob &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in email.body


class TestRefused:
    def test_contact_without_email_is_422_and_nothing_is_recorded(self, invites, add_contact, outbox):
        contact = add_contact(email=None)
        response = invites("POST", contact["contact_id"])
        assert response.status == 422
        assert response.body["error"]["field"] == "email"
        assert outbox.all() == []
        assert invites("GET", contact["contact_id"]).body["items"] == []

    def test_contact_with_portal_access_disabled_is_409(self, invites, add_contact, outbox):
        contact = add_contact(enable_portal_access=False)
        response = invites("POST", contact["contact_id"])
        assert response.status == 409
        assert "disabled" in response.body["error"]["message"]
        assert outbox.all() == []

    def test_class_with_portal_access_disabled_is_409(self, invites, staff, outbox):
        assert (
            staff("POST", "/admin/account-classes", body={"class_id": "RES", "enable_portal_access": False}).status
            == 201
        )
        account = {
            "account_id": "30001",
            "name": "Home",
            "class_id": "RES",
            "contacts": [{"name": "Ann", "email": "ann@example.com"}],
        }
        contact = staff("POST", "/admin/accounts", body=account).body["contacts"][0]

        response = invites("POST", contact["contact_id"])

        assert response.status == 409
        assert "account class RES" in response.body["error"]["message"]
        assert outbox.all() == []

    def test_unknown_contact_is_404_on_both_routes(self, invites, demo_account):
        assert invites("POST", "ct_00000000000000000000").status == 404
        assert invites("GET", "ct_00000000000000000000").status == 404

    def test_no_identity_is_401(self, invites, add_contact, outbox):
        contact = add_contact()
        assert invites("POST", contact["contact_id"], claims=None).status == 401
        assert outbox.all() == []


class TestEmailSettings:
    def test_system_options_choose_the_sender_the_portal_url_and_the_template(
        self, invites, add_contact, outbox, staff
    ):
        boto3.client("sesv2", region_name="us-east-1").create_email_identity(EmailIdentity="billing@hauler.example.com")
        template = {
            "subject": "Welcome {{contact_name}}",
            "html": "<p>{{account_name}}: <a href='{{invite_link}}'>start</a> before {{expires_at}}</p>",
            "text": "{{invite_link}}",
        }
        assert staff("PUT", f"/admin/email-templates/{quote('Hauler Invite')}", body=template).status == 200
        options = {
            "customer_portal_url": "https://my.hauler.example.com/portal/",
            "account_invite_from_email": "billing@hauler.example.com",
            "invite_email_template": "Hauler Invite",
        }
        assert staff("PUT", "/admin/system-options/customer-portal", body=options).status == 200
        contact = add_contact()

        invites("POST", contact["contact_id"])

        (email,) = outbox.all()
        assert email.sender == "billing@hauler.example.com"
        assert email.subject == "Welcome John Doe"
        assert "https://my.hauler.example.com/portal/invitations/accept#token=" in email.body

    def test_link_never_comes_from_the_request_host(self, invite_admin, add_contact, outbox):
        contact = add_contact()
        event = load_event("invitation_send_request.json")
        event["rawPath"] = event["requestContext"]["http"]["path"] = (
            f"/admin/contacts/{contact['contact_id']}/invitations"
        )
        event["pathParameters"] = {"contact_id": contact["contact_id"]}
        event["headers"]["host"] = "evil.example.net"
        event["headers"]["x-forwarded-host"] = "evil.example.net"
        event["requestContext"]["domainName"] = "evil.example.net"

        assert call(invite_admin, event).status == 202

        assert "evil.example.net" not in outbox.all()[0].body

    def test_ses_refusal_marks_the_invitation_failed_and_keeps_it(self, invites, add_contact, outbox, staff):
        # A from-address whose SES identity was removed after the options were saved: SES
        # (moto) rejects the email.
        sesv2 = boto3.client("sesv2", region_name="us-east-1")
        sesv2.create_email_identity(EmailIdentity="nobody@unverified.example.org")
        options = {"account_invite_from_email": "nobody@unverified.example.org"}
        assert staff("PUT", "/admin/system-options/customer-portal", body=options).status == 200
        sesv2.delete_email_identity(EmailIdentity="nobody@unverified.example.org")
        contact = add_contact()

        response = invites("POST", contact["contact_id"])

        assert response.status == 202
        assert response.body["status"] == "failed"
        assert outbox.all() == []
        (item,) = invites("GET", contact["contact_id"]).body["items"]
        assert item["status"] == "failed"
        assert item["failed_at"]
        assert "MessageRejected" in item["failure_reason"]
        actions = [e["action"] for e in staff("GET", f"/admin/contacts/{contact['contact_id']}/activity").body["items"]]
        assert actions[:2] == ["invite_failed", "invite_sent"]

    @pytest.mark.parametrize(
        ("part", "source"),
        [("html", "<p>{{no_such_placeholder}}</p>"), ("subject", "{{ ''.__class__.__mro__[1].__subclasses__() }}")],
    )
    def test_a_template_that_does_not_render_is_refused_on_save(self, staff, part, source):
        body = {"subject": "Hi", "html": "<p>{{invite_link}}</p>", "text": "{{invite_link}}", part: source}
        response = staff("PUT", f"/admin/email-templates/{quote('Broken')}", body=body)
        assert response.status == 422
        assert response.body["error"]["field"] == part
        assert staff("GET", f"/admin/email-templates/{quote('Broken')}").status == 404
