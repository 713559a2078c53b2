"""InvitationsTable's invitation batch items (domain/invitation_batches.py):

- the batch, `BATCH#<batch_id>`: state (`running` / `completed` / `cancelled`), the request, and
  its counters (`total`, `queued`, `finished`, `sent`, `failed`, `cancelled`, `skipped_<reason>`);
  its stream record when `state` becomes `completed` is the `Invitation Batch Completed` event;
- a planner page's marker, `BATCHPAGE#<batch_id>#<page>`: written with that page's counts in one
  transaction, so a page examined twice (a redelivered message) counts once;
- a contact's task, `BATCHTASK#<batch_id>#<contact_id>`: its claim (written in the invitation's
  own transaction, so the batch mails a contact at most once) and, once settled, its `outcome`
  (written with the batch's counter in one transaction, so it is counted once).

Each keeps `purge_at` (TTL) 90 days after its creation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portal_access.dal.dynamodb import (
    Item,
    TransactOp,
    deserialize,
    serialize,
    transact_write,
    update_if,
)
from portal_access.domain.errors import AlreadyCounted, NotFound, TaskClaimed

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mypy_boto3_dynamodb import DynamoDBClient

KEEP_SECONDS = 90 * 24 * 3600


def batch_key(batch_id: str) -> str:
    return f"BATCH#{batch_id}"


def page_key(batch_id: str, page: int) -> str:
    return f"BATCHPAGE#{batch_id}#{page}"


def task_key(batch_id: str, contact_id: str) -> str:
    return f"BATCHTASK#{batch_id}#{contact_id}"


class InvitationBatchRecords:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    def _key(self, key: str) -> Any:
        return serialize({"invitation_id": key})

    def create(self, batch_id: str, *, request: Mapping[str, Any], actor: str, now: str, purge_at: int) -> None:
        item = {
            "invitation_id": batch_key(batch_id),
            "batch_id": batch_id,
            "state": "running",
            "planned": False,
            "request": dict(request),
            "actor": actor,
            "created_at": now,
            "purge_at": purge_at,
            "total": 0,
            "queued": 0,
            "finished": 0,
        }
        self._client.put_item(
            TableName=self.table_name,
            Item=serialize(item),
            ConditionExpression="attribute_not_exists(invitation_id)",
        )

    def get(self, batch_id: str) -> Item | None:
        item = self._client.get_item(TableName=self.table_name, Key=self._key(batch_key(batch_id)), ConsistentRead=True)
        found = item.get("Item")
        return deserialize(found) if found else None

    def _counters(self, batch_id: str, counts: Mapping[str, int], extra_set: str = "") -> dict[str, Any]:
        adds = {name: n for name, n in counts.items() if n}
        names = {f"#c{i}": name for i, name in enumerate(adds)}
        values: dict[str, Any] = {f":c{i}": n for i, n in enumerate(adds.values())}
        update = ("ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(adds)))) if adds else ""
        if extra_set:
            update = f"{extra_set} {update}".strip()
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": self._key(batch_key(batch_id)),
            "UpdateExpression": update,
            "ConditionExpression": "attribute_exists(invitation_id)",
        }
        if names:
            request["ExpressionAttributeNames"] = names
        if values:
            request["ExpressionAttributeValues"] = serialize(values)
        return request

    def count_page(self, batch_id: str, page: int, counts: Mapping[str, int], *, last: bool, purge_at: int) -> bool:
        """The page's counts (and, on the last page, `planned`), once: False when the page was
        counted before."""
        marker = {
            "Put": {
                "TableName": self.table_name,
                "Item": serialize({"invitation_id": page_key(batch_id, page), "purge_at": purge_at}),
                "ConditionExpression": "attribute_not_exists(invitation_id)",
            }
        }
        update = self._counters(batch_id, counts, "SET planned = :true" if last else "")
        if last:
            update["ExpressionAttributeValues"] = {
                **update.get("ExpressionAttributeValues", {}),
                **serialize({":true": True}),
            }
        return self._once(batch_id, marker, update, AlreadyCounted(f"page {page} counted"))

    def page_marker(self, batch_id: str, page: int) -> Item | None:
        """The page's marker when its counts are recorded (`next_queued`: the next page is queued)."""
        found = self._client.get_item(
            TableName=self.table_name, Key=self._key(page_key(batch_id, page)), ConsistentRead=True
        ).get("Item")
        return deserialize(found) if found else None

    def mark_next_page_queued(self, batch_id: str, page: int) -> None:
        self._client.update_item(
            TableName=self.table_name,
            Key=self._key(page_key(batch_id, page)),
            UpdateExpression="SET next_queued = :true",
            ExpressionAttributeValues=serialize({":true": True}),
        )

    def claim_op(self, batch_id: str, contact_id: str, *, invitation_id: str, purge_at: int) -> TransactOp:
        """The batch takes the contact, in the transaction that records its invitation."""
        item = {
            "invitation_id": task_key(batch_id, contact_id),
            "sent_invitation_id": invitation_id,
            "purge_at": purge_at,
        }
        return TransactOp(
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": serialize(item),
                    "ConditionExpression": "attribute_not_exists(invitation_id)",
                }
            },
            on_condition_failed=TaskClaimed(f"batch {batch_id} holds contact {contact_id}"),
        )

    def reclaim_op(self, batch_id: str, contact_id: str, *, previous: str, invitation_id: str) -> TransactOp:
        """A claimed contact whose invitation never reached SES (a crash between the two) gets a
        new one: the claim moves from the invitation that was read, while nothing settled it."""
        return TransactOp(
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": self._key(task_key(batch_id, contact_id)),
                    "UpdateExpression": "SET sent_invitation_id = :new",
                    "ConditionExpression": "sent_invitation_id = :old AND attribute_not_exists(outcome)",
                    "ExpressionAttributeValues": serialize({":new": invitation_id, ":old": previous}),
                }
            },
            on_condition_failed=TaskClaimed(f"batch {batch_id} settled contact {contact_id} meanwhile"),
        )

    def task(self, batch_id: str, contact_id: str) -> Item | None:
        found = self._client.get_item(
            TableName=self.table_name, Key=self._key(task_key(batch_id, contact_id)), ConsistentRead=True
        ).get("Item")
        return deserialize(found) if found else None

    def settle(self, batch_id: str, contact_id: str, outcome: str, *, purge_at: int) -> bool:
        """The contact's outcome (`sent`, `failed`, `cancelled`, `skipped_<reason>`) and its count,
        once: False when it was settled before."""
        task = {
            "Update": {
                "TableName": self.table_name,
                "Key": self._key(task_key(batch_id, contact_id)),
                "UpdateExpression": "SET outcome = :o, purge_at = if_not_exists(purge_at, :p)",
                "ConditionExpression": "attribute_not_exists(outcome)",
                "ExpressionAttributeValues": serialize({":o": outcome, ":p": purge_at}),
            }
        }
        counter = self._counters(batch_id, {outcome: 1, "finished": 1})
        return self._once(batch_id, task, counter, AlreadyCounted(f"contact {contact_id} settled"))

    def _once(self, batch_id: str, marker: Any, counter: dict[str, Any], done: AlreadyCounted) -> bool:
        """`marker` (conditional) and the batch's `counter` update in one transaction; False when
        the marker's condition says it was done before."""
        try:
            transact_write(
                self._client,
                [
                    TransactOp(marker, on_condition_failed=done),
                    TransactOp({"Update": counter}, on_condition_failed=NotFound(f"batch {batch_id} not found")),  # type: ignore[typeddict-item]
                ],
            )
        except AlreadyCounted:
            return False
        return True

    def complete_if_done(self, batch_id: str, *, now: str) -> bool:
        """`completed` once every contact is examined and every queued one settled (one
        conditional UpdateItem; False while work remains, or when it is no longer running)."""
        return update_if(
            self._client,
            {
                "TableName": self.table_name,
                "Key": self._key(batch_key(batch_id)),
                "UpdateExpression": "SET #st = :completed, completed_at = :now",
                "ConditionExpression": "#st = :running AND planned = :true AND finished = queued",
                "ExpressionAttributeNames": {"#st": "state"},
                "ExpressionAttributeValues": serialize(
                    {":completed": "completed", ":running": "running", ":true": True, ":now": now}
                ),
            },
        )

    def cancel(self, batch_id: str, *, now: str) -> bool:
        """`cancelled` while it runs; False when it had ended (or never existed)."""
        return update_if(
            self._client,
            {
                "TableName": self.table_name,
                "Key": self._key(batch_key(batch_id)),
                "UpdateExpression": "SET #st = :cancelled, cancelled_at = :now",
                "ConditionExpression": "#st = :running",
                "ExpressionAttributeNames": {"#st": "state"},
                "ExpressionAttributeValues": serialize({":cancelled": "cancelled", ":running": "running", ":now": now}),
            },
        )
