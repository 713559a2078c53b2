"""Accounts, their sites and invoices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from portal_access.models.common import Identifier, InputModel, OutputModel, Text
from portal_access.models.contacts import AccountContactCreate, Contact

Status = Literal["active", "inactive"]
InvoiceDelivery = Literal["email", "mail"]
PostalCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,11}$")]
State = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=50)]

MAX_CONTACTS_WITH_ACCOUNT = 25  # two transaction items each, inside DynamoDB's 100


class Address(InputModel):
    line1: Text
    city: Text
    state: State
    postal_code: PostalCode


class AccountCreate(InputModel):
    account_id: Identifier
    name: Text
    status: Status = "active"
    class_id: Identifier
    invoice_delivery: InvoiceDelivery = "mail"
    contacts: list[AccountContactCreate] = Field(default_factory=list, max_length=MAX_CONTACTS_WITH_ACCOUNT)


class Account(OutputModel):
    account_id: str
    name: str
    status: Status
    class_id: str
    invoice_delivery: InvoiceDelivery
    created_at: str


class AccountCreated(Account):
    """The new account with the contacts created alongside it."""

    contacts: list[Contact] = Field(default_factory=list)


class SiteCreate(InputModel):
    site_id: Identifier
    name: Text
    address: Address
    status: Status = "active"


class Site(OutputModel):
    account_id: str
    site_id: str
    name: str
    address: Address
    status: Status
    created_at: str


class InvoiceCreate(InputModel):
    invoice_number: Identifier
    account_id: Identifier
    quick_pay_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=64)]
    amount: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
    invoice_date: date


class Invoice(OutputModel):
    """An invoice as staff read it back: the quick-pay code is never returned."""

    invoice_number: str
    account_id: str
    amount: Decimal
    invoice_date: date
    created_at: str
