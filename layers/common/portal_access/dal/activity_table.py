"""ActivityTable: a contact's Activity History (contact_id / activity_key), newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.dal import keys
from portal_access.dal.dynamodb import TransactOp, query_page, serialize
from portal_access.models.contacts import ActivityEntry

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef


class ActivityTable:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    def put_op(self, entry: ActivityEntry) -> TransactOp:
        """Activity is written in the same transaction as the change it records."""
        item = {"activity_key": keys.activity_key(entry.at, entry.activity_id), **entry.model_dump(mode="json")}
        return TransactOp({"Put": {"TableName": self.table_name, "Item": serialize(item)}})

    def put(self, entry: ActivityEntry) -> None:
        """For changes that are not themselves DynamoDB writes (an email sent)."""
        item = {"activity_key": keys.activity_key(entry.at, entry.activity_id), **entry.model_dump(mode="json")}
        self._client.put_item(TableName=self.table_name, Item=serialize(item))

    def list(self, contact_id: str, *, cursor: str | None, limit: int) -> tuple[list[ActivityEntry], str | None]:
        query: QueryInputTypeDef = {
            "TableName": self.table_name,
            "KeyConditionExpression": "contact_id = :c",
            "ExpressionAttributeValues": serialize({":c": contact_id}),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        items, next_cursor = query_page(self._client, query, cursor)
        entries = [ActivityEntry.model_validate({k: v for k, v in i.items() if k != "activity_key"}) for i in items]
        return entries, next_cursor
