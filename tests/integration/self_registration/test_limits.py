"""Rate limits of Request Login without lockout (domain/public_limits.py): limits per source
address, wrong proofs counted apart from right ones and per address, and a customer with the
right invoice proof from another address always served."""

from __future__ import annotations

import pytest

from tests.integration.self_registration.conftest import INVOICE

EVENT = "self_registration_request.json"
CUSTOMER = "somers378@gmail.com"
RIGHT = {
    "invoice_number": INVOICE["invoice_number"],
    "quick_pay_code": INVOICE["quick_pay_code"],
    "contact_name": "John Doe",
    "email": CUSTOMER,
}
STRANGER_IP = "198.51.100.7"
CUSTOMER_IP = "192.0.2.44"


@pytest.fixture(autouse=True)
def login_page(set_options, invoice):
    return set_options()


def _outcomes(staff_lists):
    return [a["outcome"] for a in reversed(staff_lists("/admin/self-registrations").body["items"])]


def test_a_stranger_filling_the_customers_email_does_not_stop_the_customer(post, drain, outbox):
    # A stranger asks five times with the customer's email (and a wrong code) from their address
    answers = [post(EVENT, {**RIGHT, "quick_pay_code": f"WRONG-{n}"}, source_ip=STRANGER_IP) for n in range(6)]
    assert [a.status for a in answers] == [202] * 5 + [429]
    assert answers[-1].body["error"]["code"] == "rate_limited"
    assert 0 < int(answers[-1].headers["retry-after"]) <= 3600
    drain()

    # The customer, from their own address, is still served
    assert post(EVENT, RIGHT, source_ip=CUSTOMER_IP).status == 202
    drain()
    assert len(outbox.to(CUSTOMER)) == 1


def test_one_address_cycling_through_emails_stops_at_twenty(post):
    answers = [post(EVENT, {**RIGHT, "email": f"p{n}@example.com"}, source_ip=STRANGER_IP) for n in range(21)]

    assert [a.status for a in answers] == [202] * 20 + [429]
    assert int(answers[-1].headers["retry-after"]) > 0
    assert post(EVENT, {**RIGHT, "email": "p0@example.com"}, source_ip=CUSTOMER_IP).status == 202


def test_wrong_proofs_stop_that_address_and_not_the_right_proof_from_another(post, drain, outbox, staff_lists):
    # Three wrong guesses on the invoice from one address (different emails: not the requester limit)
    for n in range(3):
        assert (
            post(
                EVENT, {**RIGHT, "quick_pay_code": f"GUESS-{n}", "email": f"g{n}@example.com"}, source_ip=STRANGER_IP
            ).status
            == 202
        )
    drain()
    # Its next guess is not even checked, right or not: brute force from there ends
    assert post(EVENT, {**RIGHT, "email": "g9@example.com"}, source_ip=STRANGER_IP).status == 202
    drain()
    assert outbox.to("g9@example.com") == []

    # The customer with the right code from another address is served
    assert post(EVENT, RIGHT, source_ip=CUSTOMER_IP).status == 202
    drain()

    assert len(outbox.to(CUSTOMER)) == 1
    assert _outcomes(staff_lists) == ["proof_mismatch"] * 3 + ["rate_limited", "invited"]


def test_unknown_invoice_numbers_count_as_wrong_proofs_too(post, drain, staff_lists):
    for _ in range(4):
        post(EVENT, {**RIGHT, "invoice_number": "NO-SUCH-1", "email": "x@example.com"}, source_ip=STRANGER_IP)
    drain()
    assert _outcomes(staff_lists) == ["invoice_not_found"] * 3 + ["rate_limited"]


def test_right_proofs_are_not_counted_as_failures(post, drain, outbox, staff_lists):
    for _ in range(4):
        assert post(EVENT, RIGHT, source_ip=CUSTOMER_IP).status == 202
        drain()

    outcomes = _outcomes(staff_lists)
    assert "rate_limited" not in outcomes
    assert outcomes[0] == "invited"
