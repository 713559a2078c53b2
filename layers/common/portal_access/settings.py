"""Typed settings per function, validated once from the environment the template gives it."""

from __future__ import annotations

import os
from typing import Self

from pydantic import BaseModel, ConfigDict, Field


class FunctionSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    @classmethod
    def from_env(cls) -> Self:
        """Read and validate the settings; a missing variable fails the cold start loudly."""
        return cls.model_validate(dict(os.environ))


class ContactsApiSettings(FunctionSettings):
    """The staff API: accounts, sites, classes, options, templates, invoices, contacts."""

    accounts_table: str = Field(alias="ACCOUNTS_TABLE_NAME")
    settings_table: str = Field(alias="SETTINGS_TABLE_NAME")
    contacts_table: str = Field(alias="CONTACTS_TABLE_NAME")
    activity_table: str = Field(alias="ACTIVITY_TABLE_NAME")
