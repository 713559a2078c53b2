"""Render a staff-editable email template into subject, HTML and text.

Jinja2 in a sandbox (a template cannot reach Python internals), `StrictUndefined` (an unknown
placeholder is an error, never an empty string in a customer's email), autoescaping for the
HTML part only. jinja2 is imported when a template is rendered, not at cold start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from portal_access.domain.errors import InvalidInput

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

    from portal_access.models.settings import EmailTemplate

# What an invitation or reminder email may use, with sample values to check a template on save.
SAMPLE_CONTEXT: dict[str, str] = {
    "contact_name": "John Doe",
    "account_name": "Renovation Gym",
    "account_id": "49418",
    "email": "somers378@gmail.com",
    "invite_link": "https://portal.example.com/invitations/accept#token=sample",
    "expires_at": "December 1, 2026 14:30 UTC",
    "portal_url": "https://portal.example.com",
}


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


_environments: dict[bool, SandboxedEnvironment] = {}


def _environment(*, html: bool) -> SandboxedEnvironment:
    if html not in _environments:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        _environments[html] = SandboxedEnvironment(
            autoescape=html, undefined=StrictUndefined, keep_trailing_newline=True
        )
    return _environments[html]


def render_email(template: EmailTemplate, context: dict[str, Any]) -> RenderedEmail:
    """Raise InvalidInput naming the part (subject/html/text) that does not render."""
    from jinja2 import TemplateError

    parts: dict[str, str] = {}
    for part, html in (("subject", False), ("html", True), ("text", False)):
        source = getattr(template, part)
        try:
            parts[part] = _environment(html=html).from_string(source).render(context)
        except TemplateError as error:
            raise InvalidInput(
                f"{part} of email template {template.name!r} does not render: {error}", field=part
            ) from error
    # A subject is one header line.
    subject = " ".join(parts["subject"].split())
    return RenderedEmail(subject=subject, html=parts["html"], text=parts["text"])


def render_sample(template: EmailTemplate) -> RenderedEmail:
    """Render with sample values: a template staff save must work when an email goes out, and a
    preview shows what one would carry."""
    return render_email(template, SAMPLE_CONTEXT)
