"""InvitationsTable's login items: one per portal login (`LOGIN#<sub>`), for the access review.

A login item holds what the review shows of the login beyond its contacts: `email`, `enabled`,
`last_sign_in_at`. It is written when an invitation links the login (in the accept transaction),
stamped by the portal pool's Post Authentication trigger on every sign-in (one UpdateItem, which
also creates it for a login older than this item), and switched when staff take the login's last
access away or give it back. The sparse GSI `by_sign_in` (`sign_in_shard`, `sign_in_key`) holds
only these items: `LOGIN_SIGN_IN_SHARDS` partitions by a hash of the login id, sorted by the last
sign-in (`NEVER_SIGNED_IN` before any date), so "signed in before a day" is one Query per shard.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from portal_access.dal import keys
from portal_access.dal.dynamodb import (
    TransactOp,
    batch_get,
    decode_cursor,
    encode_cursor,
    query_page,
    serialize,
    update_if,
)
from portal_access.domain.errors import InvalidInput
from portal_access.models.common import normalized_email

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef


class LoginRecord(BaseModel):
    """A portal login as the access review sees it."""

    model_config = ConfigDict(extra="ignore", defer_build=True)  # only the access review reads one

    login_id: str
    email: str
    enabled: bool = True
    last_sign_in_at: str | None = None
    created_at: str | None = None


# SET clauses every write of a login item makes: it may be the first write of the item.
_IDENTITY = "login_id = :login_id, email = :email, sign_in_shard = :shard"


class LoginRecords:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    def _update(self, login_id: str, email: str, set_clause: str, values: dict[str, Any]) -> dict[str, Any]:
        return {
            "TableName": self.table_name,
            "Key": serialize(self.key(login_id)),
            "UpdateExpression": f"SET {_IDENTITY}, {set_clause}",
            "ExpressionAttributeValues": serialize(
                {
                    ":login_id": login_id,
                    ":email": normalized_email(email),
                    ":shard": keys.sign_in_shard(login_id),
                    **values,
                }
            ),
        }

    def stamp_sign_in(self, login_id: str, email: str, *, at: str) -> None:
        """The Post Authentication trigger's one write: creates the item of a login that has none."""
        self._client.update_item(
            **self._update(
                login_id,
                email,
                "last_sign_in_at = :at, sign_in_key = :at, enabled = :on, created_at = if_not_exists(created_at, :at)",
                {":at": at, ":on": True},
            )
        )

    def linked_op(self, login_id: str, email: str, *, at: str) -> TransactOp:
        """An invitation linked the login (accept): the item exists, enabled, its sign-in kept."""
        return TransactOp(
            {
                "Update": self._update(  # type: ignore[typeddict-item]
                    login_id,
                    email,
                    "enabled = :on, created_at = if_not_exists(created_at, :at), "
                    "sign_in_key = if_not_exists(sign_in_key, :never)",
                    {":at": at, ":on": True, ":never": keys.NEVER_SIGNED_IN},
                )
            }
        )

    def set_enabled(self, login_id: str, *, enabled: bool) -> None:
        """Staff switched the login off or on. A login without an item yet gets none (one
        UpdateItem, conditional): its next accept or sign-in writes it."""
        update_if(
            self._client,
            {
                "TableName": self.table_name,
                "Key": serialize(self.key(login_id)),
                "UpdateExpression": "SET enabled = :enabled",
                "ConditionExpression": "attribute_exists(invitation_id)",
                "ExpressionAttributeValues": serialize({":enabled": enabled}),
            },
        )

    @staticmethod
    def key(login_id: str) -> dict[str, str]:
        return {"invitation_id": keys.login_record_key(login_id)}

    def get_many(self, login_ids: Sequence[str]) -> dict[str, LoginRecord]:
        """login id -> its item, for the logins that have one (one BatchGetItem per 100)."""
        items = batch_get(self._client, self.table_name, [self.key(i) for i in dict.fromkeys(login_ids)])
        return {str(i["login_id"]): LoginRecord.model_validate(i) for i in items}

    def signed_in_before(self, day: str, *, limit: int, cursor: str | None) -> tuple[list[LoginRecord], str | None]:
        """Logins whose last sign-in is before `day` (yyyy-mm-dd) or never, shard by shard: at
        most LOGIN_SIGN_IN_SHARDS Queries per page. The cursor is the last key DynamoDB handed
        back (it names its shard), or the start of the next shard."""
        shard, start = _shard_and_start(cursor)
        found: list[LoginRecord] = []
        while shard < keys.LOGIN_SIGN_IN_SHARDS:
            query: QueryInputTypeDef = {
                "TableName": self.table_name,
                "IndexName": keys.LOGINS_BY_SIGN_IN_INDEX,
                "KeyConditionExpression": "sign_in_shard = :shard AND sign_in_key < :day",
                "ExpressionAttributeValues": serialize({":shard": keys.sign_in_shard_named(shard), ":day": day}),
                "Limit": limit - len(found),
            }
            items, start = query_page(self._client, query, start)
            found.extend(LoginRecord.model_validate(i) for i in items)
            if start is not None:  # the page is full inside this shard
                return found, start
            shard += 1
            if len(found) >= limit:
                break
        if shard >= keys.LOGIN_SIGN_IN_SHARDS:
            return found, None
        return found, encode_cursor(serialize({"sign_in_shard": keys.sign_in_shard_named(shard)}))


def _shard_and_start(cursor: str | None) -> tuple[int, str | None]:
    """(shard number, ExclusiveStartKey cursor or None) from a cursor of `signed_in_before`."""
    decoded = decode_cursor(cursor)
    if decoded is None:
        return 0, None
    shard_name = str(decoded.get("sign_in_shard", {}).get("S", ""))
    shards = {keys.sign_in_shard_named(n): n for n in range(keys.LOGIN_SIGN_IN_SHARDS)}
    if shard_name not in shards:
        raise InvalidInput("cursor does not belong to this list", field="cursor")
    return shards[shard_name], (cursor if len(decoded) > 1 else None)
