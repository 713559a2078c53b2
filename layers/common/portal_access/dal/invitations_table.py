"""InvitationsTable (invitation_id): invitations, and one pointer item per invited contact.

An invitation item holds only the SHA-256 of its token's secret. `purge_at` (epoch seconds) is
the table's TTL attribute: DynamoDB deletes an invitation 30 days after it expires, so an
`expired` one stays listable for a while. GSI `by_contact` (contact_id, created_at) lists a
contact's invitations. The pointer item (`CONTACT#<contact_id>`, not in the index: it has
neither key attribute) names the contact's latest invitation, so a resend revokes exactly the
earlier one with conditional writes instead of a read of the eventually consistent index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from portal_access.dal import keys
from portal_access.dal.dynamodb import (
    TransactOp,
    batch_get,
    deserialize,
    is_condition_failure,
    put_new_op,
    query_page,
    serialize,
)
from portal_access.domain.errors import AlreadyExists, Conflict, NothingToRecord, NothingToRevoke
from portal_access.models.delivery import Delivery
from portal_access.models.invitations import StoredStatus, Trigger

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

MAX_INVITATIONS_PER_PAGE = 100


class InvitationRecord(BaseModel):
    """The stored invitation. Timestamps are ISO-8601 UTC strings, so they compare as strings."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    invitation_id: str
    contact_id: str
    account_id: str
    email: str
    trigger: Trigger
    actor: str
    template: str
    status: StoredStatus
    secret_hash: str
    created_at: str
    expires_at: str
    purge_at: int
    sent_at: str | None = None
    message_id: str | None = None
    failed_at: str | None = None
    failure_reason: str | None = None
    accepted_at: str | None = None
    login_id: str | None = None
    revoked_at: str | None = None
    replaced_by: str | None = None
    # Set while one accept call works on the invitation; a lease, so a crashed call frees it.
    claim_id: str | None = None
    claim_until: str | None = None
    # What SES reported (domain/delivery.py); items written before it existed read as pending.
    delivery: Delivery = "pending"
    delivered_at: str | None = None
    bounced_at: str | None = None
    bounce_type: str | None = None
    complained_at: str | None = None
    delayed_at: str | None = None
    # The UTC day of `expires_at`: the `by_expiry_day` index the reminder job reads (no Scan).
    expiry_day: str | None = None
    reminded_at: str | None = None
    # The reminder carries a link of its own (the first token is never stored): either works.
    reminder_secret_hash: str | None = None
    expired_at: str | None = None  # the expiry job recorded it (for the history and the event)
    renewed_by: str | None = None  # the invitation a refresh of this expired link sent
    renewed_at: str | None = None


class Suppression(BaseModel):
    """An email SES reported as permanently bounced or complained about: not mailed again."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    email: str
    reason: str  # bounced / complained
    at: str
    reported_invitation_id: str  # the invitation whose email SES reported


class InvitationsTable:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    def _key(self, invitation_id: str) -> dict[str, Any]:
        return serialize({"invitation_id": invitation_id})

    # Reads

    def get(self, invitation_id: str) -> InvitationRecord | None:
        response = self._client.get_item(TableName=self.table_name, Key=self._key(invitation_id), ConsistentRead=True)
        item = response.get("Item")
        if not item or "contact_id" not in item:
            return None
        return InvitationRecord.model_validate(deserialize(item))

    def suppression(self, email: str) -> Suppression | None:
        response = self._client.get_item(
            TableName=self.table_name, Key=self._key(keys.suppression_key(email)), ConsistentRead=True
        )
        item = response.get("Item")
        return Suppression.model_validate(deserialize(item)) if item else None

    def suppressions(self, emails: Sequence[str]) -> dict[str, Suppression]:
        """Several emails' suppression entries in one consistent BatchGetItem per 100: email ->
        entry, for the emails on the list."""
        wanted = {keys.suppression_key(e): e for e in emails}
        items = batch_get(self._client, self.table_name, [{"invitation_id": k} for k in wanted], consistent=True)
        return {
            wanted[i["invitation_id"]]: Suppression.model_validate(i) for i in items if i["invitation_id"] in wanted
        }

    def latest_invitation_id(self, contact_id: str) -> str | None:
        """The contact's latest invitation, read strongly consistent from its pointer item."""
        response = self._client.get_item(
            TableName=self.table_name,
            Key=self._key(keys.invitation_pointer_key(contact_id)),
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

    def list_for_contact(
        self, contact_id: str, *, cursor: str | None, limit: int
    ) -> tuple[list[InvitationRecord], str | None]:
        """Newest first, one Query page of `by_contact`."""
        query: QueryInputTypeDef = {
            "TableName": self.table_name,
            "IndexName": keys.INVITATIONS_BY_CONTACT_INDEX,
            "KeyConditionExpression": "contact_id = :c",
            "ExpressionAttributeValues": serialize({":c": contact_id}),
            "ScanIndexForward": False,
            "Limit": min(limit, MAX_INVITATIONS_PER_PAGE),
        }
        items, next_cursor = query_page(self._client, query, cursor)
        return [InvitationRecord.model_validate(i) for i in items], next_cursor

    # Sending: one transaction writes the new invitation, moves the pointer, revokes the previous one

    def put_new_op(self, record: InvitationRecord) -> TransactOp:
        return put_new_op(
            self.table_name,
            record.model_dump(mode="json"),
            key="invitation_id",
            exists=AlreadyExists(f"invitation {record.invitation_id} already exists"),
        )

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

    def revoke_op(self, invitation_id: str, *, now: str, replaced_by: str) -> TransactOp:
        """Revoke only an unused, unexpired invitation (an expired one stays `expired`)."""
        return TransactOp(
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": self._key(invitation_id),
                    "UpdateExpression": "SET #s = :revoked, revoked_at = :now, replaced_by = :by",
                    "ConditionExpression": "#s = :sent AND expires_at > :now",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": serialize(
                        {":revoked": "revoked", ":sent": "sent", ":now": now, ":by": replaced_by}
                    ),
                }
            },
            on_condition_failed=NothingToRevoke(f"invitation {invitation_id} is not unused"),
        )

    def mark_sent(self, invitation_id: str, *, sent_at: str, message_id: str) -> None:
        self._client.update_item(
            TableName=self.table_name,
            Key=self._key(invitation_id),
            UpdateExpression="SET sent_at = :at, message_id = :m",
            ConditionExpression="attribute_exists(invitation_id)",
            ExpressionAttributeValues=serialize({":at": sent_at, ":m": message_id}),
        )

    def mark_failed_op(self, invitation_id: str, *, at: str, reason: str) -> TransactOp:
        return TransactOp(
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": self._key(invitation_id),
                    "UpdateExpression": "SET #s = :failed, failed_at = :at, failure_reason = :reason",
                    "ConditionExpression": "attribute_exists(invitation_id)",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": serialize({":failed": "failed", ":at": at, ":reason": reason}),
                }
            }
        )

    # Accepting: claim (single use), then either finish in the linking transaction or release

    def claim(self, record: InvitationRecord, *, claim_id: str, now: str, until: str) -> bool:
        """Take the invitation for one accept call. False when it is no longer unused, or
        another call holds it: exactly one of two concurrent accepts gets True."""
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=self._key(record.invitation_id),
                UpdateExpression="SET claim_id = :claim, claim_until = :until",
                ConditionExpression=(
                    "#s = :sent AND secret_hash = :hash AND expires_at > :now"
                    " AND (attribute_not_exists(claim_until) OR claim_until < :now)"
                ),
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=serialize(
                    {":claim": claim_id, ":until": until, ":sent": "sent", ":hash": record.secret_hash, ":now": now}
                ),
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def release(self, invitation_id: str, *, claim_id: str) -> None:
        """Give the invitation back (the accept failed): the same link works again."""
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=self._key(invitation_id),
                UpdateExpression="REMOVE claim_id, claim_until",
                ConditionExpression="claim_id = :claim",
                ExpressionAttributeValues=serialize({":claim": claim_id}),
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise

    def accept_op(self, invitation_id: str, *, claim_id: str, at: str, login_id: str) -> TransactOp:
        return TransactOp(
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": self._key(invitation_id),
                    "UpdateExpression": (
                        "SET #s = :accepted, accepted_at = :at, login_id = :login REMOVE claim_id, claim_until"
                    ),
                    "ConditionExpression": "claim_id = :claim AND #s = :sent",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": serialize(
                        {":accepted": "accepted", ":at": at, ":login": login_id, ":claim": claim_id, ":sent": "sent"}
                    ),
                }
            },
            on_condition_failed=Conflict("the invitation changed while it was being accepted; try again"),
        )

    def revoke_unusable(self, invitation_id: str, *, claim_id: str, now: str) -> None:
        """An invitation whose contact is gone or changed email can never be accepted."""
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=self._key(invitation_id),
                UpdateExpression="SET #s = :revoked, revoked_at = :now REMOVE claim_id, claim_until",
                ConditionExpression="claim_id = :claim",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=serialize({":revoked": "revoked", ":now": now, ":claim": claim_id}),
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise

    # Delivery: what SES reported, each fact recorded once (conditional), with its history entry

    def delivery_op(
        self, invitation_id: str, *, delivery: Delivery, at: str, bounce_type: str | None = None
    ) -> TransactOp:
        """Move `delivery` forward only: pending -> delivered -> bounced -> complained (a report
        that comes late, or twice, fails its condition and records nothing)."""
        allowed: dict[Delivery, tuple[Delivery, ...]] = {
            "delivered": ("pending",),
            "bounced": ("pending", "delivered"),
            "complained": ("pending", "delivered", "bounced"),
        }
        values: dict[str, Any] = {":d": delivery, ":at": at}
        values |= {f":from{i}": state for i, state in enumerate(allowed[delivery])}
        update = f"SET delivery = :d, {delivery}_at = :at"
        if bounce_type is not None:
            update += ", bounce_type = :bt"
            values[":bt"] = bounce_type
        states = ", ".join(f":from{i}" for i in range(len(allowed[delivery])))
        return self._conditional_update(
            invitation_id,
            update,
            f"attribute_exists(contact_id) AND (attribute_not_exists(delivery) OR delivery IN ({states}))",
            values,
        )

    def delayed_op(self, invitation_id: str, *, at: str) -> TransactOp:
        """The first delay SES reports for a still pending email."""
        return self._conditional_update(
            invitation_id,
            "SET delayed_at = :at",
            "attribute_exists(contact_id) AND attribute_not_exists(delayed_at)"
            " AND (attribute_not_exists(delivery) OR delivery = :pending)",
            {":at": at, ":pending": "pending"},
        )

    def suppress_op(self, suppression: Suppression) -> TransactOp:
        item = {**suppression.model_dump(), "invitation_id": keys.suppression_key(suppression.email)}
        return TransactOp({"Put": {"TableName": self.table_name, "Item": serialize(item)}})

    def _conditional_update(
        self,
        invitation_id: str,
        update: str,
        condition: str,
        values: dict[str, Any],
        *,
        names: dict[str, str] | None = None,
    ) -> TransactOp:
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": self._key(invitation_id),
            "UpdateExpression": update,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": serialize(values),
        }
        if names:
            request["ExpressionAttributeNames"] = names
        return TransactOp(
            {"Update": request},  # type: ignore[typeddict-item]
            on_condition_failed=NothingToRecord(f"invitation {invitation_id} already records this"),
        )

    # The expiry and reminder job: invitations by the UTC day they expire (GSI `by_expiry_day`)

    def expiring_on(self, day: str, *, until: str) -> list[InvitationRecord]:
        """Still-unused invitations expiring on `day` up to `until` that are not yet expired on
        record or not yet reminded: every page of that day's partition (bounded by the day)."""
        query: QueryInputTypeDef = {
            "TableName": self.table_name,
            "IndexName": keys.INVITATIONS_BY_EXPIRY_DAY_INDEX,
            "KeyConditionExpression": "expiry_day = :day AND expires_at <= :until",
            "FilterExpression": (
                "#s = :sent AND (attribute_not_exists(expired_at) OR attribute_not_exists(reminded_at))"
            ),
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": serialize({":day": day, ":until": until, ":sent": "sent"}),
        }
        found: list[InvitationRecord] = []
        cursor: str | None = None
        while True:
            items, cursor = query_page(self._client, query, cursor)
            found.extend(InvitationRecord.model_validate(i) for i in items)
            if cursor is None:
                return found

    def expire_op(self, invitation_id: str, *, now: str) -> TransactOp:
        """Record that an unused invitation expired (once: the event and history follow it)."""
        return self._conditional_update(
            invitation_id,
            "SET expired_at = :now",
            "#s = :sent AND expires_at <= :now AND attribute_not_exists(expired_at)",
            {":now": now, ":sent": "sent"},
            names={"#s": "status"},
        )

    def claim_reminder(self, invitation_id: str, *, now: str, secret_hash: str) -> bool:
        """Take the invitation's one reminder, with the hash of the reminder link's secret; False
        when it was reminded already, used, or expired meanwhile."""
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=self._key(invitation_id),
                UpdateExpression="SET reminded_at = :now, reminder_secret_hash = :hash",
                ConditionExpression="#s = :sent AND expires_at > :now AND attribute_not_exists(reminded_at)",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=serialize({":now": now, ":hash": secret_hash, ":sent": "sent"}),
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    # Renewal: one new invitation per expired link, however often it is refreshed

    def claim_renewal(self, invitation_id: str, *, now: str) -> bool:
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=self._key(invitation_id),
                UpdateExpression="SET renewed_at = :now",
                ConditionExpression="#s = :sent AND expires_at <= :now AND attribute_not_exists(renewed_at)",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=serialize({":now": now, ":sent": "sent"}),
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def finish_renewal(self, invitation_id: str, *, renewed_by: str | None) -> None:
        """Name the new invitation, or (none was sent) let a later refresh try again."""
        update = "SET renewed_by = :by" if renewed_by else "REMOVE renewed_at"
        values = serialize({":by": renewed_by}) if renewed_by else None
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": self._key(invitation_id),
            "UpdateExpression": update,
        }
        if values:
            request["ExpressionAttributeValues"] = values
        self._client.update_item(**request)
