"""SettingsTable: account classes (CLASS#id / CLASS), the system options, email templates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from portal_access.dal import keys
from portal_access.dal.dynamodb import Item, TransactOp, batch_get, deserialize, is_condition_failure, serialize
from portal_access.domain.errors import AlreadyExists, InvalidInput, NotFound
from portal_access.models.settings import AccountClass, EmailTemplate, SystemOptions

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_MAX_TEMPLATES = 100  # a list route reads them all in one Query page


def _strip_keys(item: Item) -> Item:
    return {k: v for k, v in item.items() if k not in ("pk", "sk")}


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
        item = {**self.class_key(account_class.class_id), **account_class.model_dump(mode="json")}
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
        """Several classes in one BatchGetItem (at most 100 distinct ids)."""
        unique = sorted(set(class_ids))[:100]
        if not unique:
            return {}
        items = batch_get(self._client, self.table_name, [self.class_key(c) for c in unique])
        classes = [AccountClass.model_validate(_strip_keys(i)) for i in items]
        return {c.class_id: c for c in classes}

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

    def list_templates(self) -> list[EmailTemplate]:
        response = self._client.query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=serialize({":pk": keys.EMAIL_TEMPLATE_PK}),
            Limit=_MAX_TEMPLATES,
        )
        return [EmailTemplate.model_validate(_strip_keys(deserialize(i))) for i in response.get("Items", [])]

    def get_template(self, name: str) -> EmailTemplate | None:
        response = self._client.get_item(
            TableName=self.table_name, Key=serialize({"pk": keys.EMAIL_TEMPLATE_PK, "sk": name})
        )
        item = response.get("Item")
        return EmailTemplate.model_validate(_strip_keys(deserialize(item))) if item else None

    def put_template(self, template: EmailTemplate) -> None:
        item = {"pk": keys.EMAIL_TEMPLATE_PK, "sk": template.name, **template.model_dump(mode="json")}
        self._client.put_item(TableName=self.table_name, Item=serialize(item))
