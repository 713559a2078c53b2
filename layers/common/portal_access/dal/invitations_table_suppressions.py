"""InvitationsTable's suppression items: one per email SES reported as permanently bounced or
complained about (`SUPPRESSED#<email>`, domain/delivery.py); no invitation goes to it again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from portal_access.dal import keys
from portal_access.dal.dynamodb import TransactOp, batch_get, deserialize, serialize
from portal_access.dal.invitation_records import Suppression

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class SuppressionList:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    def get(self, email: str) -> Suppression | None:
        response = self._client.get_item(
            TableName=self.table_name,
            Key=serialize({"invitation_id": keys.suppression_key(email)}),
            ConsistentRead=True,
        )
        item = response.get("Item")
        return Suppression.model_validate(deserialize(item)) if item else None

    def get_many(self, emails: Sequence[str]) -> dict[str, Suppression]:
        """Several emails' suppression entries in one consistent BatchGetItem per 100: email ->
        entry, for the emails on the list."""
        wanted = {keys.suppression_key(e): e for e in emails}
        items = batch_get(self._client, self.table_name, [{"invitation_id": k} for k in wanted], consistent=True)
        return {
            wanted[i["invitation_id"]]: Suppression.model_validate(i) for i in items if i["invitation_id"] in wanted
        }

    def put_op(self, suppression: Suppression) -> TransactOp:
        item = {**suppression.model_dump(), "invitation_id": keys.suppression_key(suppression.email)}
        return TransactOp({"Put": {"TableName": self.table_name, "Item": serialize(item)}})
