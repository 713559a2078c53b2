"""SettingsTable: account classes (CLASS#id / CLASS), the system options, email templates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from portal_access.dal import keys
from portal_access.dal.dynamodb import (
    Item,
    TransactOp,
    batch_get,
    decode_cursor,
    deserialize,
    is_condition_failure,
    query_page,
    serialize,
)
from portal_access.domain.errors import AlreadyExists, InvalidInput, NotFound
from portal_access.models.settings import AccountClass, EmailTemplate, SystemOptions

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef


def _strip_keys(item: Item) -> Item:
    return {k: v for k, v in item.items() if k not in ("pk", "sk", "kind", "kind_key")}


class SettingsTable:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    def class_key(self, class_id: str) -> dict[str, str]:
        return {"pk": keys.class_pk(class_id), "sk": keys.CLASS_SK}

    # Account classes

    def class_exists_op(self, class_id: str) -> TransactOp:
        return TransactOp(
            {
                "ConditionCheck": {
                    "TableName": self.table_name,
                    "Key": serialize(self.class_key(class_id)),
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
            on_condition_failed=InvalidInput(f"account class {class_id} does not exist", field="class_id"),
        )

    def put_class(self, account_class: AccountClass, *, create: bool) -> None:
        """Create (fails if it exists) or replace (fails if it does not)."""
        item = {
            **self.class_key(account_class.class_id),
            "kind": keys.CLASS_KIND,
            "kind_key": account_class.class_id,
            **account_class.model_dump(mode="json"),
        }
        condition = "attribute_not_exists(pk)" if create else "attribute_exists(pk)"
        try:
            self._client.put_item(TableName=self.table_name, Item=serialize(item), ConditionExpression=condition)
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            if create:
                raise AlreadyExists(
                    f"account class {account_class.class_id} already exists", field="class_id"
                ) from error
            raise NotFound(f"account class {account_class.class_id} not found") from error

    def get_class(self, class_id: str) -> AccountClass | None:
        response = self._client.get_item(TableName=self.table_name, Key=serialize(self.class_key(class_id)))
        item = response.get("Item")
        return AccountClass.model_validate(_strip_keys(deserialize(item))) if item else None

    def get_classes(self, class_ids: Sequence[str]) -> dict[str, AccountClass]:
        """Several classes: one BatchGetItem per 100 distinct ids (the caller bounds them)."""
        unique = sorted(set(class_ids))
        if not unique:
            return {}
        items = batch_get(self._client, self.table_name, [self.class_key(c) for c in unique])
        classes = [AccountClass.model_validate(_strip_keys(i)) for i in items]
        return {c.class_id: c for c in classes}

    def list_classes(self, *, cursor: str | None, limit: int) -> tuple[list[AccountClass], str | None]:
        """One Query page of the classes in id order (GSI by_kind)."""
        query: QueryInputTypeDef = {
            "TableName": self.table_name,
            "IndexName": keys.SETTINGS_BY_KIND_INDEX,
            "KeyConditionExpression": "kind = :k",
            "ExpressionAttributeValues": serialize({":k": keys.CLASS_KIND}),
            "Limit": limit,
        }
        items, next_cursor = query_page(self._client, query, cursor)
        return [AccountClass.model_validate(_strip_keys(i)) for i in items], next_cursor

    # System options

    def system_options(self) -> SystemOptions:
        """The stored options, or the defaults (every customer-facing switch off) before any save."""
        response = self._client.get_item(
            TableName=self.table_name,
            Key=serialize({"pk": keys.SYSTEM_OPTIONS_PK, "sk": keys.CUSTOMER_PORTAL_SK}),
        )
        item = response.get("Item")
        return SystemOptions.model_validate(_strip_keys(deserialize(item))) if item else SystemOptions()

    def put_system_options(self, options: SystemOptions) -> None:
        item = {"pk": keys.SYSTEM_OPTIONS_PK, "sk": keys.CUSTOMER_PORTAL_SK, **options.model_dump(mode="json")}
        self._client.put_item(TableName=self.table_name, Item=serialize(item))

    # Email templates

    def list_templates(self, *, cursor: str | None, limit: int) -> tuple[list[EmailTemplate], str | None]:
        """One Query page of the stored templates, in name order (the name is the sort key)."""
        query: QueryInputTypeDef = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": serialize({":pk": keys.EMAIL_TEMPLATE_PK}),
            "Limit": limit,
        }
        items, next_cursor = query_page(self._client, query, cursor)
        return [EmailTemplate.model_validate(_strip_keys(i)) for i in items], next_cursor

    @staticmethod
    def template_name_after(cursor: str | None) -> str | None:
        """The name a `list_templates` cursor points past: its page starts after it."""
        start = decode_cursor(cursor)
        return start["sk"].get("S") if start and "sk" in start else None

    def get_template(self, name: str) -> EmailTemplate | None:
        response = self._client.get_item(
            TableName=self.table_name, Key=serialize({"pk": keys.EMAIL_TEMPLATE_PK, "sk": name})
        )
        item = response.get("Item")
        return EmailTemplate.model_validate(_strip_keys(deserialize(item))) if item else None

    def put_template(self, template: EmailTemplate) -> None:
        item = {"pk": keys.EMAIL_TEMPLATE_PK, "sk": template.name, **template.model_dump(mode="json")}
        self._client.put_item(TableName=self.table_name, Item=serialize(item))
