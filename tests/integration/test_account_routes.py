"""Accounts, sites and invoices through the staff API (moto)."""

from __future__ import annotations

from typing import Any

import boto3

SITE: dict[str, Any] = {
    "site_id": "21638001",
    "name": "The Mill",
    "address": {"line1": "12911 Farm to Market 1960 Rd W", "city": "Houston", "state": "TX", "postal_code": "77065"},
    "status": "active",
}


def test_account_create_and_read(staff, demo_account):
    response = staff("GET", "/admin/accounts/49418")
    assert response.status == 200
    assert response.body["name"] == "Renovation Gym"
    assert response.body["status"] == "active"
    assert response.body["class_id"] == "COMM"


def test_account_with_contacts_creates_them_with_history(staff, demo_account):
    body = {
        "account_id": "21638",
        "name": "The Mill",
        "class_id": "COMM",
        "contacts": [{"name": "Mill Manager", "email": "manager@mill.example.com"}, {"name": "Mill Billing"}],
    }
    response = staff("POST", "/admin/accounts", body=body)
    assert response.status == 201
    assert [c["name"] for c in response.body["contacts"]] == ["Mill Manager", "Mill Billing"]
    assert all(c["level"] == "account" and c["portal_user"] is False for c in response.body["contacts"])
    grid = staff("GET", "/admin/accounts/21638/contacts")
    assert sorted(row["name"] for row in grid.body["items"]) == ["Mill Billing", "Mill Manager"]
    first = response.body["contacts"][0]["contact_id"]
    history = staff("GET", f"/admin/contacts/{first}/activity")
    assert [e["action"] for e in history.body["items"]] == ["created"]
    assert history.body["items"][0]["details"]["source"] == "account_created"


def test_account_with_unknown_class_writes_nothing(staff, stack):
    body = {"account_id": "777", "name": "Ghost", "class_id": "NOPE", "contacts": [{"name": "Nobody"}]}
    response = staff("POST", "/admin/accounts", body=body)
    assert response.status == 422
    assert response.body["error"]["field"] == "class_id"
    assert staff("GET", "/admin/accounts/777").status == 404
    contacts = boto3.client("dynamodb").query(
        TableName=stack.table("ContactsTable"),
        IndexName="by_account",
        KeyConditionExpression="account_id = :a",
        ExpressionAttributeValues={":a": {"S": "777"}},
    )
    assert contacts["Items"] == []


def test_duplicate_account_is_409_and_keeps_the_first(staff, demo_account):
    again = {**demo_account, "name": "Someone Else"}
    response = staff("POST", "/admin/accounts", body=again)
    assert response.status == 409
    assert staff("GET", "/admin/accounts/49418").body["name"] == "Renovation Gym"


def test_account_validation_names_the_field(staff):
    response = staff("POST", "/admin/accounts", body={"account_id": "1", "name": "X", "class_id": "C", "status": "on"})
    assert response.status == 422
    assert response.body["error"]["field"] == "status"
    response = staff("POST", "/admin/accounts", body={"name": "X", "class_id": "C"})
    assert response.body["error"]["field"] == "account_id"
    assert response.body["error"]["message"] == "account_id: is required"
    response = staff("POST", "/admin/accounts", raw_body="{not json")
    assert response.status == 400  # the contract's second round: a body that is not JSON
    assert response.body["error"]["message"].startswith("body is not valid JSON")
    response = staff(
        "POST",
        "/admin/accounts",
        body={"account_id": "1", "name": "X", "class_id": "C", "contacts": [{"email": "x@y"}]},
    )
    assert response.status == 422
    assert response.body["error"]["field"].startswith("contacts[0].")


def test_unknown_account_is_404(staff):
    assert staff("GET", "/admin/accounts/404404").status == 404
    assert staff("GET", "/admin/accounts/404404/sites").status == 404
    assert staff("POST", "/admin/accounts/404404/sites", body=SITE).status == 404


class TestSites:
    def test_add_and_search_sites(self, staff, demo_account):
        listed = staff("GET", "/admin/accounts/49418/sites")
        assert [s["site_id"] for s in listed.body["items"]] == ["49418001", "49418002", "49418003"]
        by_name = staff("GET", "/admin/accounts/49418/sites", query={"search": "southtown"})
        assert [s["site_id"] for s in by_name.body["items"]] == ["49418002"]
        by_city = staff("GET", "/admin/accounts/49418/sites", query={"search": "Saint Paul"})
        assert [s["site_id"] for s in by_city.body["items"]] == ["49418003"]
        by_id = staff("GET", "/admin/accounts/49418/sites", query={"search": "49418001"})
        assert [s["site_id"] for s in by_id.body["items"]] == ["49418001"]

    def test_pages_with_a_cursor(self, staff, demo_account):
        first = staff("GET", "/admin/accounts/49418/sites", query={"limit": "2"})
        assert len(first.body["items"]) == 2
        assert first.body["next_cursor"]
        second = staff("GET", "/admin/accounts/49418/sites", query={"limit": "2", "cursor": first.body["next_cursor"]})
        assert [s["site_id"] for s in second.body["items"]] == ["49418003"]

    def test_bad_cursor_and_limit_are_422(self, staff, demo_account):
        bad = staff("GET", "/admin/accounts/49418/sites", query={"cursor": "!!!"})
        assert bad.status == 422
        assert bad.body["error"]["field"] == "cursor"
        assert staff("GET", "/admin/accounts/49418/sites", query={"limit": "1000"}).status == 422

    def test_duplicate_site_is_409(self, staff, demo_account):
        site = {**SITE, "site_id": "49418001"}
        response = staff("POST", "/admin/accounts/49418/sites", body=site)
        assert response.status == 409
        assert response.body["error"]["field"] == "site_id"

    def test_site_validation_names_the_nested_field(self, staff, demo_account):
        site = {**SITE, "address": {**SITE["address"], "postal_code": ""}}
        response = staff("POST", "/admin/accounts/49418/sites", body=site)
        assert response.status == 422
        assert response.body["error"]["field"] == "address.postal_code"


class TestInvoices:
    INVOICE = {
        "invoice_number": "INV-1001",
        "account_id": "49418",
        "quick_pay_code": "QP-7731",
        "amount": "221.62",
        "invoice_date": "2026-11-01",
    }

    def test_record_invoice_never_returns_the_code(self, staff, demo_account, stack):
        response = staff("POST", "/admin/invoices", body=self.INVOICE)
        assert response.status == 201
        assert response.body["invoice_number"] == "INV-1001"
        assert "quick_pay_code" not in response.body
        stored = boto3.client("dynamodb").get_item(
            TableName=stack.table("AccountsTable"), Key={"pk": {"S": "INVOICE#INV-1001"}, "sk": {"S": "INVOICE"}}
        )["Item"]
        assert "QP-7731" not in str(stored)

    def test_invoice_for_unknown_account_is_422(self, staff, demo_account):
        response = staff("POST", "/admin/invoices", body={**self.INVOICE, "account_id": "999"})
        assert response.status == 422
        assert response.body["error"]["field"] == "account_id"

    def test_duplicate_invoice_is_409_and_bad_amount_is_422(self, staff, demo_account):
        assert staff("POST", "/admin/invoices", body=self.INVOICE).status == 201
        assert staff("POST", "/admin/invoices", body=self.INVOICE).status == 409
        response = staff("POST", "/admin/invoices", body={**self.INVOICE, "invoice_number": "2", "amount": "-1"})
        assert response.status == 422
        assert response.body["error"]["field"] == "amount"
