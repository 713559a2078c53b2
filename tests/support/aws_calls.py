"""The `calls` fixture: every AWS API call the code under test makes (rule 7 tests), recorded by
devkit's recorder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import botocore.client
import pytest

from devkit.aws_calls import AwsCalls


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsCalls]:
    """Records every client's calls (the functions' own clients too, built before the fixture
    or after, which a session's `before-call` handler cannot reach); a Scan fails the test."""
    recorded = AwsCalls()
    real = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]

    def counting(self: Any, operation_name: str, api_params: Any) -> Any:
        recorded.record(self.meta.service_model.service_name, operation_name)
        return real(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    yield recorded
    assert "Scan" not in recorded.of("dynamodb")
