"""Writes that touch several items: all of them land, or none (one TransactWriteItems).

The domain builds the writes from the table modules' `*_op` methods and commits them here; it
never holds the DynamoDB client. A failed condition raises the domain error its op names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from portal_access.dal.dynamodb import TransactOp, transact_write

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = ["TransactOp", "UnitOfWork"]


class UnitOfWork:
    def __init__(self, client: DynamoDBClient) -> None:
        self._client = client

    def commit(self, ops: Sequence[TransactOp]) -> None:
        transact_write(self._client, ops)
