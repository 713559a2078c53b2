"""moto, made usable with 100 thousand items, through the standard library's copy protocol.

To roll a failed TransactWriteItems back, moto's DynamoDB backend takes `copy.deepcopy` of every
table the transaction names, once per operation: seconds per transaction once a table holds
tens of thousands of items (2.7 s for 30 thousand, measured), where the bench makes hundreds.
`fast_transactions` registers, for the block, a copy function for moto's `Table` with the
standard `copyreg` table, which `copy.deepcopy` consults: the copy shares nothing mutable with
the table down to each item's attributes (a new item container, a new item, a new attribute
map per item), so a rolled-back transaction puts back what every put, update and delete
replaced, and costs a fraction of a deep copy. moto itself is not touched: no attribute of it
is replaced, and the calls the client sees (so the calls counted) are the same.

What it does not copy: attribute values (a nested map an update changes in place would keep the
change after a rollback; the service's transactions set whole attributes) and the stream.
"""

from __future__ import annotations

import copyreg
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodb.models.table import Table


def _item(item: Item) -> Item:
    copied: Item = object.__new__(Item)  # moto's models register each instance they make: not a copy
    copied.__dict__ = {**item.__dict__, "attrs": dict(item.attrs)}
    return copied


def _copy_table(table: Table) -> Table:
    copied: Table = object.__new__(Table)  # type: ignore[type-abstract]  # concrete at run time
    copied.__dict__.update(table.__dict__)
    items: defaultdict[Any, Any] = defaultdict(dict)
    for hash_key, value in table.items.items():
        items[hash_key] = {r: _item(i) for r, i in value.items()} if isinstance(value, dict) else _item(value)
    copied.items = items
    return copied


def _returned(table: Table) -> Table:
    return table


def _reduce_table(table: Table) -> tuple[Callable[[], Table], tuple[()]]:
    """copyreg's reduce protocol: deepcopy calls the function with no argument to get its copy."""
    return partial(_returned, _copy_table(table)), ()


@contextmanager
def fast_transactions() -> Iterator[None]:
    """For the block, a copy of a moto table is per item, not a deep copy of everything."""
    previous = copyreg.dispatch_table.get(Table)
    copyreg.pickle(Table, _reduce_table)  # type: ignore[type-abstract]
    try:
        yield
    finally:
        if previous is None:
            copyreg.dispatch_table.pop(Table, None)
        else:
            copyreg.dispatch_table[Table] = previous
