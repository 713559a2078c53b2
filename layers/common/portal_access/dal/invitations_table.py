"""InvitationsTable (invitation_id): the invitation items (its other item types: the contacts'
pointers in invitations_table_pointers.py, the suppression list in
invitations_table_suppressions.py, login setup leases in email_guard.py).

An invitation item holds only the SHA-256 of its token's secret. `purge_at` (epoch seconds) is
the table's TTL attribute: DynamoDB deletes an invitation 30 days after it expires, so an
`expired` one stays listable for a while. GSI `by_contact` (contact_id, created_at) lists a
contact's invitations.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from portal_access.dal import keys
from portal_access.dal.dynamodb import (
    TransactOp,
    batch_get,
    deserialize,
    put_new_op,
    query_page,
    serialize,
    update_if,
)
from portal_access.dal.invitation_records import InvitationRecord
from portal_access.domain.errors import AlreadyExists, Conflict, NothingToRecord, NothingToRevoke

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

    from portal_access.models.delivery import Delivery

MAX_INVITATIONS_PER_PAGE = 100


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

    def get_many(self, invitation_ids: Sequence[str]) -> dict[str, InvitationRecord]:
        """Several invitations in one BatchGetItem per 100 ids (eventually consistent: what a
        page of contacts shows; a send re-checks with its conditional writes): id -> record."""
        unique = list(dict.fromkeys(invitation_ids))
        if not unique:
            return {}
        items = batch_get(self._client, self.table_name, [{"invitation_id": i} for i in unique])
        records = (InvitationRecord.model_validate(i) for i in items if "contact_id" in i)
        return {r.invitation_id: r for r in records}

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

    def _update(
        self, invitation_id: str, update: str, condition: str | None = None, values: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """One UpdateItem request on the invitation; `#s` names its `status` attribute."""
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": self._key(invitation_id),
            "UpdateExpression": update,
        }
        if condition:
            request["ConditionExpression"] = condition
        if "#s" in update or "#s" in (condition or ""):
            request["ExpressionAttributeNames"] = {"#s": "status"}
        if values:
            request["ExpressionAttributeValues"] = serialize(values)
        return request

    # Sending: one transaction writes the new invitation, moves the pointer, revokes the previous one

    def put_new_op(self, record: InvitationRecord) -> TransactOp:
        return put_new_op(
            self.table_name,
            record.model_dump(mode="json"),
            key="invitation_id",
            exists=AlreadyExists(f"invitation {record.invitation_id} already exists"),
        )

    def revoke_op(self, invitation_id: str, *, now: str, replaced_by: str) -> TransactOp:
        """Revoke only an unused, unexpired invitation (an expired one stays `expired`)."""
        return TransactOp(
            {
                "Update": self._update(  # type: ignore[typeddict-item]
                    invitation_id,
                    "SET #s = :revoked, revoked_at = :now, replaced_by = :by",
                    "#s = :sent AND expires_at > :now",
                    {":revoked": "revoked", ":sent": "sent", ":now": now, ":by": replaced_by},
                )
            },
            on_condition_failed=NothingToRevoke(f"invitation {invitation_id} is not unused"),
        )

    def mark_sent(self, invitation_id: str, *, sent_at: str, message_id: str) -> None:
        self._client.update_item(
            **self._update(
                invitation_id,
                "SET sent_at = :at, message_id = :m",
                "attribute_exists(invitation_id)",
                {":at": sent_at, ":m": message_id},
            )
        )

    def mark_failed_op(self, invitation_id: str, *, at: str, reason: str) -> TransactOp:
        update = self._update(
            invitation_id,
            "SET #s = :failed, failed_at = :at, failure_reason = :reason",
            "attribute_exists(invitation_id)",
            {":failed": "failed", ":at": at, ":reason": reason},
        )
        return TransactOp({"Update": update})  # type: ignore[typeddict-item]

    # Accepting: claim (single use), then either finish in the linking transaction or release

    def claim(self, record: InvitationRecord, *, claim_id: str, now: str, until: str) -> bool:
        """Take the invitation for one accept call. False when it is no longer unused, or
        another call holds it: exactly one of two concurrent accepts gets True."""
        return update_if(
            self._client,
            self._update(
                record.invitation_id,
                "SET claim_id = :claim, claim_until = :until",
                "#s = :sent AND secret_hash = :hash AND expires_at > :now"
                " AND (attribute_not_exists(claim_until) OR claim_until < :now)",
                {":claim": claim_id, ":until": until, ":sent": "sent", ":hash": record.secret_hash, ":now": now},
            ),
        )

    def release(self, invitation_id: str, *, claim_id: str) -> None:
        """Give the invitation back (the accept failed): the same link works again."""
        update_if(
            self._client,
            self._update(invitation_id, "REMOVE claim_id, claim_until", "claim_id = :claim", {":claim": claim_id}),
        )

    def accept_op(self, invitation_id: str, *, claim_id: str, at: str, login_id: str) -> TransactOp:
        return TransactOp(
            {
                "Update": self._update(  # type: ignore[typeddict-item]
                    invitation_id,
                    "SET #s = :accepted, accepted_at = :at, login_id = :login REMOVE claim_id, claim_until",
                    "claim_id = :claim AND #s = :sent",
                    {":accepted": "accepted", ":at": at, ":login": login_id, ":claim": claim_id, ":sent": "sent"},
                )
            },
            on_condition_failed=Conflict("the invitation changed while it was being accepted; try again"),
        )

    def revoke_unusable(self, invitation_id: str, *, claim_id: str, now: str) -> None:
        """An invitation whose contact is gone or changed email can never be accepted."""
        update_if(
            self._client,
            self._update(
                invitation_id,
                "SET #s = :revoked, revoked_at = :now REMOVE claim_id, claim_until",
                "claim_id = :claim",
                {":revoked": "revoked", ":now": now, ":claim": claim_id},
            ),
        )

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
        return self._record_once(
            invitation_id,
            update,
            f"attribute_exists(contact_id) AND (attribute_not_exists(delivery) OR delivery IN ({states}))",
            values,
        )

    def delayed_op(self, invitation_id: str, *, at: str) -> TransactOp:
        """The first delay SES reports for a still pending email."""
        return self._record_once(
            invitation_id,
            "SET delayed_at = :at",
            "attribute_exists(contact_id) AND attribute_not_exists(delayed_at)"
            " AND (attribute_not_exists(delivery) OR delivery = :pending)",
            {":at": at, ":pending": "pending"},
        )

    def _record_once(self, invitation_id: str, update: str, condition: str, values: dict[str, Any]) -> TransactOp:
        return TransactOp(
            {"Update": self._update(invitation_id, update, condition, values)},  # type: ignore[typeddict-item]
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
        return self._record_once(
            invitation_id,
            "SET expired_at = :now",
            "#s = :sent AND expires_at <= :now AND attribute_not_exists(expired_at)",
            {":now": now, ":sent": "sent"},
        )

    def claim_reminder(self, invitation_id: str, *, now: str, secret_hash: str) -> bool:
        """Take the invitation's one reminder, with the hash of the reminder link's secret; False
        when it was reminded already, used, or expired meanwhile."""
        return update_if(
            self._client,
            self._update(
                invitation_id,
                "SET reminded_at = :now, reminder_secret_hash = :hash",
                "#s = :sent AND expires_at > :now AND attribute_not_exists(reminded_at)",
                {":now": now, ":hash": secret_hash, ":sent": "sent"},
            ),
        )

    # Renewal: one new invitation per expired link, however often it is refreshed

    def claim_renewal(self, invitation_id: str, *, now: str) -> bool:
        return update_if(
            self._client,
            self._update(
                invitation_id,
                "SET renewed_at = :now",
                "#s = :sent AND expires_at <= :now AND attribute_not_exists(renewed_at)",
                {":now": now, ":sent": "sent"},
            ),
        )

    def finish_renewal(self, invitation_id: str, *, renewed_by: str | None) -> None:
        """Name the new invitation, or (none was sent) let a later refresh try again."""
        if renewed_by:
            self._client.update_item(**self._update(invitation_id, "SET renewed_by = :by", values={":by": renewed_by}))
        else:
            self._client.update_item(**self._update(invitation_id, "REMOVE renewed_at"))
