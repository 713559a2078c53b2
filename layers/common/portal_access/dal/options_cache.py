"""The customer-portal system options, cached for a short while per Lambda instance.

A Powertools Parameters provider over the SettingsTable item: the login page and the public
routes' feature switches read it on every request, DynamoDB at most once per `max_age` seconds
per instance. A switch staff flip reaches every instance within that time.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parameters.base import BaseProvider

from portal_access.dal.settings_table import SettingsTable
from portal_access.models.settings import SystemOptions

_NAME = "customer-portal"


class SystemOptionsProvider(BaseProvider):
    """Parameters provider whose one parameter is the system options (a JSON-mode dict)."""

    def __init__(self, table: SettingsTable) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._table = table

    def _get(self, name: str, **sdk_options: Any) -> dict[str, Any]:
        return self._table.system_options().model_dump(mode="json")

    def _get_multiple(self, path: str, **sdk_options: Any) -> dict[str, str]:
        raise NotImplementedError("the system options are one parameter")


class CachedSystemOptions:
    """`options()` -> the stored options (or the defaults), from DynamoDB once per `max_age`."""

    def __init__(self, table: SettingsTable, *, max_age: int) -> None:
        self._provider = SystemOptionsProvider(table)
        self._max_age = max_age

    def __call__(self) -> SystemOptions:
        value = self._provider.get(_NAME, max_age=self._max_age)
        return SystemOptions.model_validate(value)

    def clear(self) -> None:
        self._provider.clear_cache()  # type: ignore[no-untyped-call]
