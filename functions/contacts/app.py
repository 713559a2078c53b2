"""Staff API: accounts, sites, account classes, system options, email templates, invoices,
contacts, portal access and activity history. Routes parse, call the domain, shape the answer."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.metrics import MetricUnit

from portal_access.api.resolver import (
    AccountId,
    ContactId,
    Cursor,
    Limit,
    create_resolver,
    http_handler,
    parse_if_match,
    staff_actor,
)
from portal_access.config import ContactsApiConfig
from portal_access.domain import login_page
from portal_access.domain.email_templates import template_name_from_path
from portal_access.models.accounts import (
    Account,
    AccountCreate,
    AccountCreated,
    Invoice,
    InvoiceCreate,
    Site,
    SiteCreate,
)
from portal_access.models.common import Identifier, Page
from portal_access.models.contacts import (
    ActivityEntry,
    Contact,
    ContactCreate,
    ContactGridRow,
    ContactPatch,
    PortalAccess,
    StaffContact,
)
from portal_access.models.settings import (
    AccountClass,
    AccountClassCreate,
    AccountClassReplace,
    EmailPreview,
    EmailTemplate,
    EmailTemplateBody,
    LoginPageHtml,
    SystemOptions,
    SystemOptionsReplace,
)
from portal_access.observability import metrics
from portal_access.wiring.contacts import build_contacts_api

api = build_contacts_api(ContactsApiConfig.from_env())
contacts = api.contacts
views = api.views
accounts = api.accounts
account_classes = api.account_classes
email_templates = api.email_templates
system_options = api.system_options

app = create_resolver("staff")

TemplateNameInPath = Annotated[str, Path(max_length=300)]


# Account classes


@app.post("/admin/account-classes", status_code=201, tags=["account classes"])
def create_account_class(body: Annotated[AccountClassCreate, Body()]) -> AccountClass:
    return account_classes.create(body)


@app.get("/admin/account-classes", tags=["account classes"])
def list_account_classes(cursor: Cursor = None, limit: Limit = 100) -> Page[AccountClass]:
    classes, next_cursor = account_classes.list(cursor=cursor, limit=limit)
    return Page(items=classes, next_cursor=next_cursor)


@app.put("/admin/account-classes/<class_id>", tags=["account classes"])
def replace_account_class(
    class_id: Annotated[Identifier, Path()], body: Annotated[AccountClassReplace, Body()]
) -> AccountClass:
    return account_classes.replace(class_id, body)


@app.get("/admin/account-classes/<class_id>", tags=["account classes"])
def get_account_class(class_id: Annotated[Identifier, Path()]) -> AccountClass:
    return account_classes.get(class_id)


# System options and email templates


@app.get("/admin/system-options/customer-portal", tags=["system options"])
def get_system_options() -> SystemOptions:
    return system_options.get()


@app.put("/admin/system-options/customer-portal", tags=["system options"])
def replace_system_options(body: Annotated[SystemOptionsReplace, Body()]) -> SystemOptions:
    return system_options.replace(body)


@app.post("/admin/system-options/customer-portal/preview", tags=["system options"])
def preview_login_page_html(body: Annotated[LoginPageHtml, Body()]) -> LoginPageHtml:
    """Login Message and Login Terms sanitised exactly as GET /portal/login-config shows them;
    nothing is saved."""
    return login_page.preview(body)


@app.get("/admin/email-templates", tags=["email templates"])
def list_email_templates(cursor: Cursor = None, limit: Limit = 100) -> Page[EmailTemplate]:
    templates, next_cursor = email_templates.list(cursor=cursor, limit=limit)
    return Page(items=templates, next_cursor=next_cursor)


@app.get("/admin/email-templates/<name>", tags=["email templates"])
def get_email_template(name: TemplateNameInPath) -> EmailTemplate:
    return email_templates.get(template_name_from_path(name))


@app.put("/admin/email-templates/<name>", tags=["email templates"])
def put_email_template(name: TemplateNameInPath, body: Annotated[EmailTemplateBody, Body()]) -> EmailTemplate:
    return email_templates.put(template_name_from_path(name), body)


@app.post("/admin/email-templates/<name>/preview", tags=["email templates"])
def preview_email_template(name: TemplateNameInPath, body: Annotated[EmailTemplateBody, Body()]) -> EmailPreview:
    """Subject, HTML and text rendered with sample values, as sending renders them; nothing is saved."""
    return email_templates.preview(template_name_from_path(name), body)


# Accounts, sites, invoices


@app.post("/admin/accounts", status_code=201, tags=["accounts"])
def create_account(body: Annotated[AccountCreate, Body()]) -> AccountCreated:
    account, created_contacts = accounts.create(body, actor=staff_actor(app))
    metrics.add_metric(name="AccountsCreated", unit=MetricUnit.Count, value=1)
    return AccountCreated(**account.model_dump(), contacts=created_contacts)


@app.get("/admin/accounts", tags=["accounts"])
def search_accounts(
    search: Annotated[str, Query(min_length=1, max_length=100, description="an account number or the start of a name")],
    cursor: Cursor = None,
    limit: Limit = 25,
) -> Page[Account]:
    found, next_cursor = accounts.search(search, cursor=cursor, limit=limit)
    return Page(items=found, next_cursor=next_cursor)


@app.get("/admin/accounts/<account_id>", tags=["accounts"])
def get_account(account_id: AccountId) -> Account:
    return accounts.get(account_id)


@app.post("/admin/accounts/<account_id>/sites", status_code=201, tags=["accounts"])
def add_site(account_id: AccountId, body: Annotated[SiteCreate, Body()]) -> Site:
    return accounts.add_site(account_id, body)


@app.get("/admin/accounts/<account_id>/sites", tags=["accounts"])
def list_sites(
    account_id: AccountId,
    search: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[Site]:
    sites, next_cursor = accounts.list_sites(account_id, search=search, cursor=cursor, limit=limit)
    return Page(items=sites, next_cursor=next_cursor)


@app.post("/admin/invoices", status_code=201, tags=["accounts"])
def record_invoice(body: Annotated[InvoiceCreate, Body()]) -> Invoice:
    return Invoice.model_validate(accounts.record_invoice(body).model_dump())


# Contacts


@app.post("/admin/accounts/<account_id>/contacts", status_code=201, tags=["contacts"])
def create_contact(account_id: AccountId, body: Annotated[ContactCreate, Body()]) -> Contact:
    contact = contacts.create(account_id, body, level=body.level, site_id=body.site_id, actor=staff_actor(app))
    metrics.add_metric(name="ContactsCreated", unit=MetricUnit.Count, value=1)
    return contact


@app.get("/admin/accounts/<account_id>/contacts", tags=["contacts"])
def contacts_grid(account_id: AccountId, cursor: Cursor = None, limit: Limit = 50) -> Page[ContactGridRow]:
    rows, next_cursor = views.grid(account_id, cursor=cursor, limit=limit)
    return Page(items=[ContactGridRow.of(c) for c in rows], next_cursor=next_cursor)


@app.get("/admin/contacts/<contact_id>", tags=["contacts"])
def get_contact(contact_id: ContactId) -> StaffContact:
    return views.get(contact_id)


@app.patch("/admin/contacts/<contact_id>", tags=["contacts"])
def edit_contact(
    contact_id: ContactId,
    body: Annotated[ContactPatch, Body()],
    if_match: Annotated[str | None, Header(alias="if-match", description="the contact's version")] = None,
) -> Contact:
    expected = parse_if_match(if_match)
    return contacts.edit(contact_id, body, expected_version=expected, actor=staff_actor(app))


@app.delete("/admin/contacts/<contact_id>", status_code=204, tags=["contacts"])
def unlink_contact(contact_id: ContactId) -> None:
    contacts.unlink(contact_id, actor=staff_actor(app))


@app.get("/admin/contacts/<contact_id>/portal-access", tags=["contacts"])
def get_portal_access(contact_id: ContactId) -> PortalAccess:
    return contacts.get(contact_id).portal_access


@app.put("/admin/contacts/<contact_id>/portal-access", tags=["contacts"])
def set_portal_access(contact_id: ContactId, body: Annotated[PortalAccess, Body()]) -> PortalAccess:
    return contacts.set_access(contact_id, body, actor=staff_actor(app)).portal_access


@app.get("/admin/contacts/<contact_id>/activity", tags=["contacts"])
def contact_activity(contact_id: ContactId, cursor: Cursor = None, limit: Limit = 50) -> Page[ActivityEntry]:
    entries, next_cursor = contacts.history(contact_id, cursor=cursor, limit=limit)
    return Page(items=entries, next_cursor=next_cursor)


lambda_handler = http_handler(app)
