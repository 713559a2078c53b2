"""moto, made usable with 100 thousand items.

moto's TransactWriteItems deep-copies every table a transaction names, to roll back on a failed
condition: seconds per transaction once a table holds tens of thousands of items (and its stream
records). `fast_transactions` keeps moto's semantics but snapshots only the items the
transaction's operations name (each operation touches exactly one key) and puts those back on
failure. It changes nothing the client sees, so the calls counted are the same.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

logger = logging.getLogger(__name__)


def _op_key(table: Any, op: dict[str, Any]) -> dict[str, Any] | None:
    """The key one transaction operation touches (None when moto will reject the op anyway)."""
    if "Key" in op:
        return dict(op["Key"])
    attributes = op.get("Item", {})
    names = [name for name in (table.hash_key_attr, table.range_key_attr) if name]
    if not all(name in attributes for name in names):
        return None
    return {name: attributes[name] for name in names}


def _snapshot(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], Any]]:
    """(table, key, the item's attributes or None) for each item the transaction names."""
    saved: list[tuple[str, dict[str, Any], Any]] = []
    for entry in transact_items:
        if len(entry) != 1:
            break  # moto raises the validation error itself
        (op,) = entry.values()
        table_name = op.get("TableName")
        if not table_name or table_name not in backend.tables:
            continue
        key = _op_key(backend.tables[table_name], op)
        if key is None:
            continue
        try:
            current = backend.get_item(table_name, key)
        except Exception as error:  # an invalid key: moto reports it in the call itself
            logger.debug("no snapshot for %s: %s", table_name, error)
            continue
        saved.append((table_name, key, current.to_json()["Attributes"] if current else None))
    return saved


@contextmanager
def fast_transactions() -> Iterator[None]:
    """Patch moto's DynamoDB backend for the duration of the block."""
    from moto.dynamodb import models as dynamodb_models
    from moto.dynamodb.models.table import Table

    backend_class = dynamodb_models.DynamoDBBackend
    original = backend_class.transact_write_items

    def table_as_is(value: Any, memo: Any = None) -> Any:
        # moto's own full-table backup becomes a reference: rollback is done below, per item.
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved = _snapshot(self, transact_items)
        setattr(dynamodb_models, "copy", SimpleNamespace(deepcopy=table_as_is))  # noqa: B010
        try:
            original(self, transact_items)
        except Exception:
            for table_name, key, attributes in reversed(saved):
                if attributes is None:
                    if self.get_item(table_name, key) is not None:
                        self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, attributes)
            raise
        finally:
            setattr(dynamodb_models, "copy", copy)  # noqa: B010

    backend_class.transact_write_items = transact_write_items  # type: ignore[method-assign]
    try:
        yield
    finally:
        backend_class.transact_write_items = original  # type: ignore[method-assign]
