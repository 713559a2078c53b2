"""Email templates staff can edit; the built-in ones work until staff save their own."""

from urllib.parse import unquote

from pydantic import TypeAdapter, ValidationError

from portal_access.dal.settings_table import SettingsTable
from portal_access.domain.clock import Clock, iso
from portal_access.domain.errors import InvalidInput, NotFound
from portal_access.email.render import render_sample
from portal_access.models.common import TemplateName
from portal_access.models.settings import (
    DEFAULT_ACCESS_REQUEST_TEMPLATE,
    DEFAULT_INVITE_TEMPLATE,
    EmailPreview,
    EmailTemplate,
    EmailTemplateBody,
)

ALREADY_REGISTERED_TEMPLATE = "Portal Login Reminder"
INVITE_REMINDER_TEMPLATE = "Portal Invite Reminder"

BUILT_IN_TEMPLATES: dict[str, EmailTemplate] = {
    DEFAULT_INVITE_TEMPLATE: EmailTemplate(
        name=DEFAULT_INVITE_TEMPLATE,
        subject="Your customer portal access for {{account_name}}",
        html=(
            "<p>Hello {{contact_name}},</p>"
            "<p>You have been invited to the customer portal for <strong>{{account_name}}</strong>.</p>"
            '<p><a href="{{invite_link}}">Set up your login</a></p>'
            "<p>This link works once and expires on {{expires_at}}.</p>"
        ),
        text=(
            "Hello {{contact_name}},\n\n"
            "You have been invited to the customer portal for {{account_name}}.\n"
            "Set up your login: {{invite_link}}\n\n"
            "This link works once and expires on {{expires_at}}.\n"
        ),
        built_in=True,
    ),
    ALREADY_REGISTERED_TEMPLATE: EmailTemplate(
        name=ALREADY_REGISTERED_TEMPLATE,
        subject="You already have a customer portal login",
        html=(
            "<p>Hello {{contact_name}},</p>"
            "<p>You already have a customer portal login for <strong>{{account_name}}</strong>. "
            '<a href="{{portal_url}}">Sign in</a>, or use "Forgot or Reset Password" on the login page.</p>'
        ),
        text=(
            "Hello {{contact_name}},\n\n"
            "You already have a customer portal login for {{account_name}}.\n"
            "Sign in at {{portal_url}}, or use Forgot or Reset Password on the login page.\n"
        ),
        built_in=True,
    ),
    INVITE_REMINDER_TEMPLATE: EmailTemplate(
        name=INVITE_REMINDER_TEMPLATE,
        subject="Reminder: your customer portal invitation for {{account_name}} expires soon",
        html=(
            "<p>Hello {{contact_name}},</p>"
            "<p>Your invitation to the customer portal for <strong>{{account_name}}</strong> has not been"
            " used yet and expires on {{expires_at}}.</p>"
            '<p><a href="{{invite_link}}">Set up your login</a></p>'
        ),
        text=(
            "Hello {{contact_name}},\n\n"
            "Your invitation to the customer portal for {{account_name}} has not been used yet"
            " and expires on {{expires_at}}.\n"
            "Set up your login: {{invite_link}}\n"
        ),
        built_in=True,
    ),
    DEFAULT_ACCESS_REQUEST_TEMPLATE: EmailTemplate(
        name=DEFAULT_ACCESS_REQUEST_TEMPLATE,
        subject="We received your customer portal access request",
        html=(
            "<p>Hello {{contact_name}},</p>"
            "<p>Thank you for requesting access to the customer portal. We found the service address"
            " you gave; our customer service team will review your request and email an invitation"
            " to {{email}}.</p>"
            '<p><a href="{{portal_url}}">Customer portal</a></p>'
        ),
        text=(
            "Hello {{contact_name}},\n\n"
            "Thank you for requesting access to the customer portal. We found the service address you gave;"
            " our customer service team will review your request and email an invitation to {{email}}.\n\n"
            "Customer portal: {{portal_url}}\n"
        ),
        built_in=True,
    ),
}


_TEMPLATE_NAME: TypeAdapter[str] = TypeAdapter(TemplateName)


def template_name_from_path(raw: str) -> str:
    """Path parameters arrive percent-encoded ('Portal%20Invite%20%28All%20Divisions%29');
    a name no template can have is 422 before it becomes a key."""
    try:
        return _TEMPLATE_NAME.validate_python(unquote(raw))
    except ValidationError as error:
        reason = error.errors()[0].get("msg", "is not a template name")
        raise InvalidInput(f"name: {reason}", field="name") from error


class EmailTemplates:
    def __init__(self, *, table: SettingsTable, clock: Clock) -> None:
        self._table = table
        self._clock = clock

    def list(self, *, cursor: str | None, limit: int) -> tuple[list[EmailTemplate], str | None]:
        """A page of the stored templates in name order, with the built-in ones not saved yet
        that fall in its name range: (after the cursor's name, up to the page's last name]."""
        stored, next_cursor = self._table.list_templates(cursor=cursor, limit=limit)
        after = self._table.template_name_after(cursor)
        until = (stored[-1].name if stored else after) if next_cursor else None
        built_in = {
            name: template
            for name, template in BUILT_IN_TEMPLATES.items()
            if (after is None or name > after) and (until is None or name <= until)
        }
        merged = {**built_in, **{t.name: t for t in stored}}
        return [merged[name] for name in sorted(merged)], next_cursor

    def get(self, name: str) -> EmailTemplate:
        template = self._table.get_template(name) or BUILT_IN_TEMPLATES.get(name)
        if template is None:
            raise NotFound(f"email template {name!r} not found")
        return template

    def exists(self, name: str) -> bool:
        return name in BUILT_IN_TEMPLATES or self._table.get_template(name) is not None

    @staticmethod
    def preview(name: str, body: EmailTemplateBody) -> EmailPreview:
        """The template as an email would carry it, with sample values for every placeholder,
        through the renderer sending uses; 422 naming the part that does not render. Stores nothing."""
        rendered = render_sample(EmailTemplate(name=name, **body.model_dump()))
        return EmailPreview(subject=rendered.subject, html=rendered.html, text=rendered.text)

    def put(self, name: str, body: EmailTemplateBody) -> EmailTemplate:
        if not name or len(name) > 100:
            raise InvalidInput("template name must be 1 to 100 characters", field="name")
        template = EmailTemplate(name=name, **body.model_dump(), updated_at=iso(self._clock()), built_in=False)
        render_sample(template)  # 422 naming the part, before a broken template reaches a customer
        self._table.put_template(template)
        return template
