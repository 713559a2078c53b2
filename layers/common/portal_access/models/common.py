"""Field types shared by every model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, WithJsonSchema

# Ids staff type in the back office: "49418", "49418001", "COMM-RES".
Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=4000)]
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
