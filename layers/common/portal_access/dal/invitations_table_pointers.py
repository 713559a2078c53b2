"""InvitationsTable's pointer items: one per invited contact (`CONTACT#<contact_id>`), naming
its latest invitation, so a resend revokes exactly the earlier one with conditional writes
instead of a read of the eventually consistent `by_contact` index. A pointer has neither key
attribute of that index, so it is not in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from portal_access.dal import keys
from portal_access.dal.dynamodb import TransactOp, batch_get, deserialize, serialize
from portal_access.domain.errors import Conflict

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from portal_access.dal.invitation_records import InvitationRecord


class InvitationPointers:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    def latest_invitation_id(self, contact_id: str) -> str | None:
        """The contact's latest invitation, read strongly consistent from its pointer item."""
        response = self._client.get_item(
            TableName=self.table_name,
            Key=serialize({"invitation_id": keys.invitation_pointer_key(contact_id)}),
            ConsistentRead=True,
            ProjectionExpression="latest_invitation_id",
        )
        item = response.get("Item")
        return str(deserialize(item)["latest_invitation_id"]) if item else None

    def latest_invitation_ids(self, contact_ids: Sequence[str]) -> dict[str, str]:
        """Several contacts' pointers in one consistent BatchGetItem per 100: contact id -> latest
        invitation id, for the contacts that have one."""
        wanted = {keys.invitation_pointer_key(c): c for c in contact_ids}
        items = batch_get(self._client, self.table_name, [{"invitation_id": k} for k in wanted], consistent=True)
        return {
            wanted[i["invitation_id"]]: str(i["latest_invitation_id"]) for i in items if i["invitation_id"] in wanted
        }

    def move_pointer_op(self, record: InvitationRecord, *, previous_id: str | None) -> TransactOp:
        """The pointer moves only from the invitation that was read: two sends at once cannot
        both think they replaced the same one."""
        item = {
            "invitation_id": keys.invitation_pointer_key(record.contact_id),
            "latest_invitation_id": record.invitation_id,
            "purge_at": record.purge_at,
        }
        put: dict[str, Any] = {"TableName": self.table_name, "Item": serialize(item)}
        if previous_id is None:
            put["ConditionExpression"] = "attribute_not_exists(invitation_id)"
        else:
            put["ConditionExpression"] = "latest_invitation_id = :previous"
            put["ExpressionAttributeValues"] = serialize({":previous": previous_id})
        return TransactOp(
            {"Put": put},  # type: ignore[typeddict-item]
            on_condition_failed=Conflict(
                f"another invitation for contact {record.contact_id} was sent at the same moment"
            ),
        )
