"""Every AWS API call the code under test makes, by service and operation (rule 7 tests)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import botocore.client
import pytest


class AwsCalls:
    def __init__(self) -> None:
        self.made: list[tuple[str, str]] = []

    def clear(self) -> None:
        self.made.clear()

    def of(self, service: str) -> Counter[str]:
        return Counter(operation for s, operation in self.made if s == service)

    def count(self, service: str) -> int:
        return sum(self.of(service).values())


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsCalls]:
    """Records every client's calls (the functions' own clients too); a Scan fails the test."""
    recorded = AwsCalls()
    real = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]

    def counting(self: Any, operation_name: str, api_params: Any) -> Any:
        recorded.made.append((self.meta.service_model.service_name, operation_name))
        return real(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    yield recorded
    assert "Scan" not in recorded.of("dynamodb")
