"""moto's DynamoDB at DynamoDB's cost and with its guarantees, for the local stack, the tests
and the benchmarks (`install()`, once per process; moto 5.2.5, pinned in requirements-dev.txt).

**Transactions.** moto backs up every table a TransactWriteItems names with `copy.deepcopy`
(items, stream records and all) before it starts, and puts the copy back when the transaction is
cancelled: O(table) per transaction, for every transaction. In the local stack it was two thirds
of the busy samples of an invitation batch (py-spy); it grows with the data, and every other
DynamoDB call waits behind it. On a loaded CI machine a batch of 141 invitations did not end in
300 s. Here moto's transaction stays as it is except its backup: a table is taken by reference
(moto.dynamodb.models deep-copies a Table nowhere else), and the undo is per item: each item the
transaction may write is copied before it starts and, on a cancellation, put back as it was (or
removed, if it did not exist), with the table's stream cut back to where it was.

**ClientRequestToken**, which moto ignores, is honoured as DynamoDB does: the same token within
ten minutes is answered as the first call was, without writing again. The SDK fills the token
and keeps it across its retries, so a transaction that went through but whose answer was lost
(a read timeout) is not written twice, nor refused by its own conditions on the retry.

**Queries.** moto answers each Query, of the table or of an index, by walking every item of the
table: O(table) per call (at 100k items the benchmarks' dry run, some 1,900 queries, did not end
in 40 minutes). Here moto's Query stays as it is (range conditions, sorting, paging, projections,
filters) but is handed only the candidates: the table's own partition, straight from its items,
or an index's partition from a map of the index's partition keys, built on first use and dropped
at the table's next write (PutItem, DeleteItem, UpdateItem, and what goes through them: batches,
transactions; a cancelled transaction's undo comes after its writes dropped the maps, in the
same call).

Callers serialise DynamoDB calls (local/atomic.py, tests/support/atomic_aws.py; the benchmarks
run one call at a time), as moto's own backup assumed. tests/unit/test_moto_dynamodb.py checks
the undo, the token, and every query's answer against moto's own before and after each kind of
write.
"""

from __future__ import annotations

import copy
import inspect
import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.exceptions import DynamodbException, ResourceNotFoundException
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

# Transactions

TOKEN_SECONDS = 600  # how long DynamoDB remembers a ClientRequestToken

_WRITES = ("Put", "Update", "Delete")


class _TablesByReference:
    """`copy`, as moto.dynamodb.models sees it: a Table is not deep-copied."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


@dataclass
class _Before:
    """One item as it was before the transaction (None: it did not exist)."""

    table: Table
    hash_key: DynamoType
    range_key: DynamoType | None
    item: Item | None

    def restore(self) -> None:
        items: Any = self.table.items
        if self.range_key is None:
            if self.item is None:
                items.pop(self.hash_key, None)
            else:
                items[self.hash_key] = self.item
        elif self.item is None:
            items.get(self.hash_key, {}).pop(self.range_key, None)
        else:
            items[self.hash_key][self.range_key] = self.item


def _key_of(table: Table, op_type: str, op: dict[str, Any]) -> tuple[DynamoType, DynamoType | None] | None:
    """The item an operation addresses; None when its key is malformed (moto refuses it unwritten)."""
    attributes = op.get("Item") if op_type == "Put" else op.get("Key")
    try:
        hash_key = DynamoType(attributes[table.hash_key_attr])  # type: ignore[index]
        range_key = DynamoType(attributes[table.range_key_attr]) if table.range_key_attr else None  # type: ignore[index]
    except (KeyError, TypeError, AttributeError, IndexError):
        return None
    return hash_key, range_key


def _items_before(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[_Before]:
    before: list[_Before] = []
    for entry in transact_items:
        op_type, op = next(iter(entry.items()), ("", {}))
        if op_type not in _WRITES or not isinstance(op, dict):
            continue
        try:
            table = backend.get_table(op.get("TableName", ""))  # a name or an ARN, as moto takes it
        except ResourceNotFoundException:
            continue  # moto cancels the operation: nothing written
        key = _key_of(table, op_type, op)
        if key is None:
            continue
        before.append(_Before(table, key[0], key[1], copy.deepcopy(table.get_item(*key))))
    return before


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    before = _items_before(self, transact_items)
    streams = {id(b.table): (b.table, len(b.table.stream_shard.items)) for b in before if b.table.stream_shard}
    try:
        _moto_transact_write_items(self, transact_items)
    except Exception:
        for each in reversed(before):
            each.restore()
        for table, length in streams.values():
            del table.stream_shard.items[length:]  # type: ignore[union-attr]
        raise


class _Tokens:
    """The ClientRequestTokens of the transactions that went through, for TOKEN_SECONDS."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[float, str, Any]] = {}  # token -> (when, request, answer)

    def answer(self, token: str, request: str) -> Any:
        """The first answer to `token`, or None when it is new."""
        now = time.monotonic()
        with self._lock:
            # Remembered in time order (a dict keeps insertion order): the expired are at the front.
            while self._seen and now - next(iter(self._seen.values()))[0] >= TOKEN_SECONDS:
                del self._seen[next(iter(self._seen))]
            seen = self._seen.get(token)
        if seen is None:
            return None
        if seen[1] != request:
            raise DynamodbException(
                "IdempotentParameterMismatchException",
                "The ClientRequestToken was used before with different TransactItems",
            )
        return seen[2]

    def remember(self, token: str, request: str, answer: Any) -> None:
        with self._lock:
            self._seen[token] = (time.monotonic(), request, answer)


_tokens = _Tokens()


def _transact_write_items_once(self: DynamoHandler) -> Any:
    token = self.body.get("ClientRequestToken")
    if not token:
        return _moto_handle_transaction(self)
    request = json.dumps(self.body.get("TransactItems"), sort_keys=True)
    earlier = _tokens.answer(token, request)
    if earlier is not None:
        return earlier
    answer = _moto_handle_transaction(self)
    _tokens.remember(token, request, answer)
    return answer


_moto_transact_write_items = DynamoDBBackend.transact_write_items
_moto_handle_transaction = DynamoHandler.transact_write_items


# Queries

_moto_query = Table.query
_moto_put_item = Table.put_item
_moto_delete_item = Table.delete_item
_moto_update_item = DynamoDBBackend.update_item
_QUERY = inspect.signature(_moto_query)

PartitionKey = tuple[DynamoType, ...]


def _wrote(table: Table) -> None:
    """Forget the table's index maps."""
    table.__dict__.pop("_partitions_by_index", None)


def _index_partitions(table: Table, index_name: str, names: tuple[str, ...]) -> dict[PartitionKey, list[Item]]:
    cache: dict[tuple[str, tuple[str, ...]], dict[PartitionKey, list[Item]]]
    cache = table.__dict__.setdefault("_partitions_by_index", {})
    found = cache.get((index_name, names))
    if found is None:
        found = defaultdict(list)
        for item in table.all_items():
            values = tuple(item.attrs.get(name) for name in names)
            if all(values):  # moto keeps an item only when each key attribute is there and matches
                found[values].append(item)  # type: ignore[index]
        cache[(index_name, names)] = found
    return found


def _candidates(table: Table, query: inspect.BoundArguments) -> list[Item] | None:
    """The items moto would keep by partition key, in its order; None to let moto look itself."""
    arguments = query.arguments
    index_name = arguments.get("index_name")
    if not index_name:
        hash_key = arguments.get("hash_key")
        if hash_key is None:
            return None
        partition = table.items.get(hash_key)
        if partition is None:
            return []
        return list(partition.values()) if table.range_key_attr else [partition]  # type: ignore[list-item]
    conditions = arguments.get("hash_key_conditions") or []
    if not conditions:
        return None
    names = tuple(name for name, _ in conditions)
    values = tuple(value for _, value in conditions)
    return list(_index_partitions(table, str(index_name), names).get(values, []))


def _query(self: Table, *args: Any, **kwargs: Any) -> Any:
    query = _QUERY.bind(self, *args, **kwargs)
    candidates = _candidates(self, query)
    if candidates is None:
        return _moto_query(self, *args, **kwargs)
    self.all_items = lambda: candidates  # type: ignore[method-assign]  # moto's scan, for this call only
    try:
        return _moto_query(self, *args, **kwargs)
    finally:
        del self.all_items


def _put_item(self: Table, *args: Any, **kwargs: Any) -> Any:
    _wrote(self)
    return _moto_put_item(self, *args, **kwargs)


def _delete_item(self: Table, *args: Any, **kwargs: Any) -> Any:
    _wrote(self)
    return _moto_delete_item(self, *args, **kwargs)


def _update_item(self: DynamoDBBackend, table_name: str, *args: Any, **kwargs: Any) -> Any:
    _wrote(self.get_table(table_name))  # moto changes an existing item in place
    return _moto_update_item(self, table_name, *args, **kwargs)


def install() -> None:
    """Once per process, before moto serves a call (idempotent)."""
    if Table.query is _query:
        return
    dynamodb_models.copy = _TablesByReference()  # type: ignore[attr-defined,assignment]
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    DynamoHandler.transact_write_items = _transact_write_items_once  # type: ignore[method-assign]
    Table.query = _query  # type: ignore[method-assign]
    Table.put_item = _put_item  # type: ignore[method-assign]
    Table.delete_item = _delete_item  # type: ignore[method-assign]
    DynamoDBBackend.update_item = _update_item  # type: ignore[method-assign]
