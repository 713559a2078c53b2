"""Pure rules of the login page: HTML sanitising, the exactly-one-proof rule, constant-time proof
checks, counter keys and the id a self-registered contact gets."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from portal_access.dal.accounts_table import InvoiceRecord
from portal_access.dal.rate_limits_table import counter_key
from portal_access.domain.codes import hash_code
from portal_access.domain.login_page import login_config, sanitise_html
from portal_access.domain.self_registration import proof_matches, self_registered_contact_id
from portal_access.models.self_service import SelfRegistrationCreate, SelfRegistrationMessage
from portal_access.models.settings import SystemOptions

INVOICE = InvoiceRecord(
    invoice_number="INV-1",
    account_id="49418",
    amount="10.00",
    invoice_date="2026-11-01",
    created_at="2026-11-01T00:00:00.000Z",
    quick_pay_code_hash=hash_code("QP7K2M9X"),
)


def _message(**proof: str) -> SelfRegistrationMessage:
    return SelfRegistrationMessage(
        request_id="sr_1",
        received_at="2026-11-24T14:30:00.000Z",
        source_ip="203.0.113.10",
        contact_name="John",
        email="john@example.com",
        invoice_number="INV-1",
        **proof,
    )


class TestSanitise:
    @pytest.mark.parametrize(
        "html",
        [
            "<script>alert(1)</script>",
            '<img src="x" onerror="alert(1)">',
            '<a href="javascript:alert(1)">x</a>',
            '<a href="JaVaScRiPt:alert(1)">x</a>',
            '<p style="background:url(javascript:alert(1))">x</p>',
            "<iframe src=https://evil.example></iframe>",
            "<svg><script>alert(1)</script></svg>",
            '<body onload="x()">',
            "<scr<script>ipt>alert(1)</script>",
        ],
    )
    def test_nothing_executable_survives(self, html):
        cleaned = sanitise_html(html).lower()

        for forbidden in ("<script", "onerror", "onload", "javascript:", "<iframe", "style=", "<svg"):
            assert forbidden not in cleaned

    def test_formatting_and_safe_links_stay(self):
        html = '<p>Call <a href="tel:+16515550100">us</a> or <b>email</b> <a href="mailto:a@b.example">here</a></p>'

        assert sanitise_html(html) == (
            '<p>Call <a href="tel:+16515550100" rel="noopener noreferrer">us</a> or <b>email</b> '
            '<a href="mailto:a@b.example" rel="noopener noreferrer">here</a></p>'
        )

    def test_login_config_maps_the_options(self):
        options = SystemOptions(
            enable_request_login_button=True, display_login_terms=False, login_terms_html="<p>T</p>"
        )

        config = login_config(options)

        assert config.request_login_enabled is True
        assert config.login_terms_html == ""
        assert config.login_logo_url is None


class TestProofRule:
    BASE = {"invoice_number": "INV-1", "contact_name": "John", "email": "john@example.com"}

    @pytest.mark.parametrize(
        "proof", [{}, {"quick_pay_code": "QP7K", "account_number": "49418"}], ids=["neither", "both"]
    )
    def test_exactly_one_of_code_or_account_number(self, proof):
        with pytest.raises(ValidationError) as raised:
            SelfRegistrationCreate(**self.BASE, **proof)

        assert raised.value.errors()[0]["loc"] == ("account_number",)

    @pytest.mark.parametrize("proof", [{"quick_pay_code": "QP7K"}, {"account_number": "49418"}])
    def test_either_one_is_enough(self, proof):
        assert SelfRegistrationCreate(**self.BASE, **proof)


class TestProofMatches:
    def test_quick_pay_code_hash(self):
        assert proof_matches(_message(quick_pay_code_hash=hash_code("qp7k 2m9x")), INVOICE)
        assert not proof_matches(_message(quick_pay_code_hash=hash_code("QP7K2M9Y")), INVOICE)

    def test_account_number(self):
        assert proof_matches(_message(account_number="49418"), INVOICE)
        assert not proof_matches(_message(account_number="49419"), INVOICE)

    def test_no_proof_never_matches(self):
        assert not proof_matches(_message(), INVOICE)


def test_counter_keys_hold_no_email_and_fold_case():
    key = counter_key("self_registration:email", "John@Example.com", 42)

    assert "john" not in key.lower()
    assert key == counter_key("self_registration:email", " john@example.com ", 42)
    assert key.endswith("#42")


def test_self_registered_contact_id_is_stable_per_account_and_email():
    first = self_registered_contact_id("49418", "John@Example.com")

    assert first == self_registered_contact_id("49418", "john@example.com")
    assert first != self_registered_contact_id("49419", "john@example.com")
    assert first.startswith("ct_")
    assert len(first) == len("ct_") + 20
