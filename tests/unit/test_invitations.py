"""Invitations' pure rules: tokens, derived status, links, rendering, the SES sender's contract."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import boto3
import pytest
from botocore.stub import Stubber

from portal_access.dal.invitation_records import InvitationRecord
from portal_access.domain.clock import human_time
from portal_access.domain.email_templates import BUILT_IN_TEMPLATES
from portal_access.domain.errors import InvalidInput
from portal_access.domain.invitation_views import status_at
from portal_access.domain.tokens import hash_secret, invite_link, new_token, parse_token
from portal_access.email.render import SAMPLE_CONTEXT, render_email
from portal_access.email.sender import EmailMessage, EmailSendFailed, SesEmailSender, create_ses_client
from portal_access.models.settings import EmailTemplate

ROOT = Path(__file__).resolve().parents[2]


def _record(**changes: object) -> InvitationRecord:
    base: dict[str, object] = {
        "invitation_id": "inv_0123456789abcdef0123",
        "contact_id": "ct_1",
        "account_id": "49418",
        "email": "a@example.com",
        "trigger": "manual",
        "actor": "staff:x",
        "template": "Portal Invite (All Divisions)",
        "status": "sent",
        "secret_hash": "0" * 64,
        "created_at": "2026-11-24T14:30:00.000Z",
        "expires_at": "2026-12-01T14:30:00.000Z",
        "purge_at": 1,
    }
    return InvitationRecord.model_validate({**base, **changes})


class TestTokens:
    def test_the_secret_is_256_random_bits_and_only_its_hash_is_kept(self):
        token, stored = new_token("inv_0123456789abcdef0123")
        invitation_id, secret = parse_token(token)
        assert invitation_id == "inv_0123456789abcdef0123"
        assert len(base64.urlsafe_b64decode(secret + "=")) == 32
        assert stored == hashlib.sha256(secret.encode()).hexdigest() == hash_secret(secret)
        assert secret not in stored

    def test_tokens_never_repeat(self):
        assert len({new_token("inv_0123456789abcdef0123")[0] for _ in range(1000)}) == 1000

    @pytest.mark.parametrize(
        "token",
        [
            "",
            "inv_0123456789abcdef0123",
            "inv_0123456789abcdef0123.",
            "inv_0123456789ABCDEF0123." + "A" * 43,
            "inv_0123456789abcdef0123." + "A" * 42,
            "inv_0123456789abcdef0123." + "A" * 44,
            "inv_0123456789abcdef0123." + "A" * 42 + "=",
            "ct_0123456789abcdef0123." + "A" * 43,
        ],
    )
    def test_malformed_tokens_are_invalid_input_on_the_token_field(self, token):
        with pytest.raises(InvalidInput) as raised:
            parse_token(token)
        assert raised.value.field == "token"

    def test_the_link_carries_the_token_in_the_fragment_under_the_portal_url(self):
        assert invite_link("https://portal.example.com/", "inv_x.y") == (
            "https://portal.example.com/invitations/accept#token=inv_x.y"
        )


class TestStatus:
    def test_expired_is_derived_from_expires_at(self):
        assert status_at(_record(), "2026-11-30T00:00:00.000Z") == "sent"
        assert status_at(_record(), "2026-12-01T14:30:00.000Z") == "expired"
        assert status_at(_record(status="accepted"), "2027-01-01T00:00:00.000Z") == "accepted"
        assert status_at(_record(status="revoked"), "2027-01-01T00:00:00.000Z") == "revoked"

    def test_expiry_reads_well_in_an_email(self):
        assert human_time(datetime(2026, 12, 1, 9, 5, tzinfo=UTC)) == "December 1, 2026 09:05 UTC"


class TestRendering:
    @pytest.mark.parametrize("name", sorted(BUILT_IN_TEMPLATES))
    def test_built_in_templates_render(self, name):
        rendered = render_email(BUILT_IN_TEMPLATES[name], SAMPLE_CONTEXT)
        assert rendered.subject
        assert "{{" not in rendered.html + rendered.text + rendered.subject

    def test_html_is_autoescaped_and_text_is_not(self):
        template = EmailTemplate(
            name="t", subject="Hi {{contact_name}}", html="<p>{{contact_name}}</p>", text="{{contact_name}}"
        )
        rendered = render_email(template, {**SAMPLE_CONTEXT, "contact_name": "<b>Tom</b> & Jerry"})
        assert rendered.html == "<p>&lt;b&gt;Tom&lt;/b&gt; &amp; Jerry</p>"
        assert rendered.text == "<b>Tom</b> & Jerry"

    def test_an_unknown_placeholder_is_an_error_never_a_blank(self):
        template = EmailTemplate(name="t", subject="s", html="<p>{{ nme }}</p>", text="t")
        with pytest.raises(InvalidInput) as raised:
            render_email(template, SAMPLE_CONTEXT)
        assert raised.value.field == "html"
        assert "nme" in raised.value.message

    def test_the_sandbox_refuses_python_internals(self):
        template = EmailTemplate(name="t", subject="s", html="h", text="{{ ''.__class__.__mro__[1].__subclasses__() }}")
        with pytest.raises(InvalidInput) as raised:
            render_email(template, SAMPLE_CONTEXT)
        assert raised.value.field == "text"

    def test_the_subject_is_one_line(self):
        template = EmailTemplate(name="t", subject="Hello\n{{contact_name}}\r\nBcc: x@example.com", html="h", text="t")
        assert render_email(template, SAMPLE_CONTEXT).subject == "Hello John Doe Bcc: x@example.com"

    def test_jinja2_is_imported_only_when_an_email_is_rendered(self):
        code = (
            "import sys\n"
            "import portal_access.wiring.invite, portal_access.domain.email_templates\n"
            "assert 'jinja2' not in sys.modules, 'jinja2 loaded at import'\n"
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT / "layers" / "common")}
        subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)


class TestSesSender:
    MESSAGE = EmailMessage(sender="portal@example.com", to="a@example.com", subject="S", html="<p>H</p>", text="T")

    # What SendEmail gets for MESSAGE: simple content with both parts.
    REQUEST: ClassVar[dict[str, Any]] = {
        "FromEmailAddress": "portal@example.com",
        "Destination": {"ToAddresses": ["a@example.com"]},
        "Content": {
            "Simple": {
                "Subject": {"Data": "S", "Charset": "UTF-8"},
                "Body": {"Html": {"Data": "<p>H</p>", "Charset": "UTF-8"}, "Text": {"Data": "T", "Charset": "UTF-8"}},
            }
        },
    }

    def test_sends_html_and_text_as_simple_content(self):
        client = boto3.client("sesv2", region_name="us-east-1")
        with Stubber(client) as stub:
            stub.add_response("send_email", {"MessageId": "m-1"}, self.REQUEST)
            assert SesEmailSender(lambda: client).send(self.MESSAGE) == "m-1"

    def test_it_sends_through_the_configuration_set_with_the_messages_tags(self):
        client = boto3.client("sesv2", region_name="us-east-1")
        message = dataclasses.replace(self.MESSAGE, tags={"invitation_id": "inv_1"})
        expected = {
            **self.REQUEST,
            "ConfigurationSetName": "invitations",
            "EmailTags": [{"Name": "invitation_id", "Value": "inv_1"}],
        }
        with Stubber(client) as stub:
            stub.add_response("send_email", {"MessageId": "m-2"}, expected)
            assert SesEmailSender(lambda: client, "invitations").send(message) == "m-2"

    def test_a_final_ses_error_becomes_email_send_failed_naming_the_code(self):
        client = boto3.client("sesv2", region_name="us-east-1")
        with Stubber(client) as stub:
            stub.add_client_error("send_email", "MessageRejected", "Email address is not verified.", 400)
            with pytest.raises(EmailSendFailed) as raised:
                SesEmailSender(lambda: client).send(self.MESSAGE)
        assert raised.value.reason == "MessageRejected: Email address is not verified."

    def test_throttling_is_retried_with_backoff_by_the_sdk(self):
        retries = getattr(create_ses_client().meta.config, "retries", None)
        assert retries is not None
        assert retries["mode"] == "standard"  # retries TooManyRequestsException and 5xx with backoff
        assert retries["total_max_attempts"] >= 3
