"""Field types shared by every model."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints, WithJsonSchema

# Ids staff type in the back office: "49418", "49418001", "COMM-RES".
IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
IDENTIFIER_MAX_LENGTH = 64
Identifier = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=IDENTIFIER_MAX_LENGTH, pattern=IDENTIFIER_PATTERN
    ),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=4000)]
# What a stranger types as a name on a public form goes into emails (to addresses they chose, and
# to staff): a person's name, never a link, markup or control characters a mail client acts on.
_WEB_ADDRESS = re.compile(r"[a-z][a-z0-9+.\-]*://|www\.", re.IGNORECASE)
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _person_name(value: str) -> str:
    if _WEB_ADDRESS.search(value):
        raise ValueError("is a person's name: a web address (scheme:// or www.) is not allowed")
    if "<" in value or ">" in value:
        raise ValueError("is a person's name: < and > are not allowed")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 or c in _BIDI_CONTROLS for c in value):
        raise ValueError("is a person's name: control characters are not allowed")
    return value


PersonName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_person_name),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": "a person's name: no web address, no < or >, no control characters",
        }
    ),
]
Html = Annotated[str, StringConstraints(max_length=20000)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9+()\-. x]{3,32}$")]
# Validates with email_validator: for input models only. What was stored passed it on the way in
# and is read back as StoredEmail (a str, documented the same), so a function that only reads
# contacts or options never imports email_validator.
Email = Annotated[EmailStr, Field(max_length=254)]
StoredEmail = Annotated[str, WithJsonSchema({"type": "string", "maxLength": 254, "format": "email"})]
TemplateName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[\w ()\-.,&]+$")
]


def normalized_email(email: str) -> str:
    """The form emails are compared and stored in: an address is one user whatever its case."""
    return email.strip().lower()


# Every model builds its validator on first use, not when its module is imported: a function
# pays only for the models its routes touch (a cold start imports every models module it names).
class InputModel(BaseModel):
    """A request body: unknown fields are an error, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class OutputModel(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)


class Page[T](OutputModel):
    """One page of a list route; pass `next_cursor` back as `?cursor=` for the next."""

    items: list[T]
    next_cursor: str | None = None
