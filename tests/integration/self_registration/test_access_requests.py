"""POST /portal/access-requests, its queue worker and GET /admin/access-requests (moto)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from portal_access.domain.access_requests import MAX_MATCHED_SITES
from portal_access.models.self_service import ACCESS_REQUEST_RECEIVED

EVENT = "access_request_request.json"
RECEIVED = ACCESS_REQUEST_RECEIVED.model_dump(mode="json")
RICE_ST = {"line1": "425 Rice St", "city": "Saint Paul", "state": "MN", "postal_code": "55103-2123"}
REQUEST: dict[str, Any] = {"address": RICE_ST, "contact_name": "John Doe", "email": "somers378@gmail.com"}


def _pending(staff_lists):
    response = staff_lists("/admin/access-requests")
    assert response.status == 200, response.body
    return response.body["items"]


@pytest.fixture
def address_requests_on(set_options, demo_account):
    """Requests by address switched on; account 49418's sites include 425 Rice St, Saint Paul."""
    return set_options()


@pytest.mark.usefixtures("address_requests_on")
class TestRequestsByAddress:
    def test_a_matching_address_emails_the_requester_and_shows_staff_a_pending_request(
        self, post, drain, outbox, staff_lists
    ):
        response = post(EVENT, REQUEST)
        assert drain() == {"batchItemFailures": []}

        assert (response.status, response.body) == (202, RECEIVED)
        (email,) = outbox.all()
        assert email.to == ["somers378@gmail.com"]
        assert email.subject == "We received your customer portal access request"
        assert "#token=" not in email.body  # nobody is invited before staff review it
        (pending,) = _pending(staff_lists)
        assert pending["status"] == "pending"
        assert pending["email"] == "somers378@gmail.com"
        assert pending["contact_name"] == "John Doe"
        assert pending["source_ip"] == "198.51.100.23"
        assert pending["email_status"] == "sent"
        assert pending["site"]["account_id"] == "49418"
        assert pending["site"]["site_id"] == "49418003"
        assert pending["site"]["name"] == "Total Body Wellness Chiropractic"
        assert [s["site_id"] for s in pending["matched_sites"]] == ["49418003"]
        assert pending["more_matched_sites"] is False

    def test_more_sites_at_the_address_than_a_request_keeps_are_flagged(self, post, drain, staff, staff_lists):
        for n in range(MAX_MATCHED_SITES):  # with 49418003: one more than a request keeps
            site = {"site_id": f"4941810{n}", "name": f"Suite {n}", "address": RICE_ST, "status": "active"}
            assert staff("POST", "/admin/accounts/49418/sites", body=site).status == 201

        post(EVENT, REQUEST)
        assert drain() == {"batchItemFailures": []}

        (pending,) = _pending(staff_lists)
        assert len(pending["matched_sites"]) == MAX_MATCHED_SITES
        assert pending["more_matched_sites"] is True

    def test_the_address_matches_whatever_its_case_punctuation_and_zip_extension(self, post, drain, staff_lists):
        address = {"line1": "425  RICE ST.", "city": "St Paul", "state": "MN", "postal_code": "55103"}

        post(EVENT, {**REQUEST, "address": address})
        drain()

        assert [p["site"]["site_id"] for p in _pending(staff_lists)] == ["49418003"]

    def test_an_unknown_address_gets_the_same_answer_and_nothing_happens(self, post, drain, outbox, staff_lists):
        address = {**RICE_ST, "line1": "427 Rice St"}

        response = post(EVENT, {**REQUEST, "address": address})
        assert drain() == {"batchItemFailures": []}

        assert (response.status, response.body) == (202, RECEIVED)
        assert outbox.all() == []
        assert _pending(staff_lists) == []

    def test_staff_chosen_template_is_used(self, post, drain, outbox, staff, set_options):
        template = {"subject": "Hi {{contact_name}}", "html": "<p>{{portal_url}}</p>", "text": "{{portal_url}}"}
        assert staff("PUT", "/admin/email-templates/Address%20Found", body=template).status == 200
        set_options(account_request_address_found_template="Address Found")

        post(EVENT, REQUEST)
        drain()

        (email,) = outbox.all()
        assert email.subject == "Hi John Doe"
        assert "https://portal.example.com" in email.body

    def test_a_failed_email_still_leaves_the_request_for_staff(self, post, drain, outbox, staff_lists, stack):
        import boto3

        # Given the from-address is no longer verified in SES
        boto3.client("sesv2").delete_email_identity(EmailIdentity=stack.resolver.parameters["SesFromAddress"])

        post(EVENT, REQUEST)
        assert drain() == {"batchItemFailures": []}

        (pending,) = _pending(staff_lists)
        assert pending["email_status"] == "failed"

    def test_bad_address_is_422_naming_the_field(self, post):
        response = post(EVENT, {**REQUEST, "address": {**RICE_ST, "postal_code": "!!"}})

        assert response.status == 422
        assert response.body["error"]["field"] == "address.postal_code"

    def test_429_past_five_requests_for_one_email_from_one_address_and_not_from_another(self, post):
        answers = [post(EVENT, REQUEST, source_ip="198.51.100.7") for _ in range(6)]

        assert [a.status for a in answers] == [202] * 5 + [429]
        assert 0 < int(answers[-1].headers["retry-after"]) <= 3600
        assert post(EVENT, REQUEST, source_ip="192.0.2.44").status == 202


def test_404_when_requests_by_address_are_off(post, set_options, demo_account, queue):
    set_options(enable_account_request_via_address=False)

    response = post(EVENT, REQUEST)

    assert response.status == 404
    assert queue.receive() == []


def test_the_staff_list_needs_a_staff_identity(staff_lists):
    assert staff_lists("/admin/access-requests", signed_in=False).status == 401


def test_the_sample_event_is_a_request_for_rice_street():
    from devkit.events import load_event

    assert json.loads(load_event(EVENT)["body"])["address"]["line1"] == RICE_ST["line1"]
