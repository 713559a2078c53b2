"""PortalRequestsTable (pk): what the public login page was asked, for staff.

- a Request Login attempt: `ATTEMPT#<request_id>`, with its outcome (never the code typed);
- a request for access by address that matched a site: `ACCESS_REQUEST#<request_id>`.

GSI `by_feed` (`feed`, `feed_key` = `<received_at>#<request_id>`) lists them newest first:
attempts by UTC day (`SELF_REGISTRATION#<yyyy-mm-dd>`, so no partition grows without bound),
access requests by status (`ACCESS_REQUEST#pending`). `purge_at` (epoch seconds) is the TTL
attribute: both are personal data kept only as long as staff need them.

Writes are plain Puts keyed on the request id the HTTP route chose, so a retried queue message
rewrites the same item instead of adding a second one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from portal_access.dal import keys
from portal_access.dal.dynamodb import Item, query_page, serialize
from portal_access.models.self_service import AccessRequest, SelfRegistrationAttempt

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

KEEP_ATTEMPTS = timedelta(days=90)
KEEP_ACCESS_REQUESTS = timedelta(days=180)
_BOOKKEEPING = ("pk", "feed", "feed_key", "purge_at")


def _purge_at(received_at: str, keep: timedelta) -> int:
    received = datetime.fromisoformat(received_at.replace("Z", "+00:00")).astimezone(UTC)
    return int((received + keep).timestamp())


def _strip(item: Item) -> Item:
    return {k: v for k, v in item.items() if k not in _BOOKKEEPING}


class PortalRequestsTable:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    # Request Login attempts

    def put_attempt(self, attempt: SelfRegistrationAttempt) -> None:
        item = {
            "pk": keys.attempt_pk(attempt.request_id),
            "feed": keys.attempts_feed(attempt.received_at[:10]),
            "feed_key": keys.feed_key(attempt.received_at, attempt.request_id),
            "purge_at": _purge_at(attempt.received_at, KEEP_ATTEMPTS),
            **attempt.model_dump(mode="json"),
        }
        self._client.put_item(TableName=self.table_name, Item=serialize(item))

    def list_attempts(
        self, day: str, *, cursor: str | None, limit: int
    ) -> tuple[list[SelfRegistrationAttempt], str | None]:
        """One UTC day's attempts, newest first: one Query page."""
        items, next_cursor = query_page(self._client, self._feed_query(keys.attempts_feed(day), limit), cursor)
        return [SelfRegistrationAttempt.model_validate(_strip(i)) for i in items], next_cursor

    # Requests by address

    def put_access_request(self, request: AccessRequest) -> None:
        item = {
            "pk": keys.access_request_pk(request.request_id),
            "feed": keys.access_requests_feed(request.status),
            "feed_key": keys.feed_key(request.received_at, request.request_id),
            "purge_at": _purge_at(request.received_at, KEEP_ACCESS_REQUESTS),
            **request.model_dump(mode="json"),
        }
        self._client.put_item(TableName=self.table_name, Item=serialize(item))

    def list_pending_access_requests(self, *, cursor: str | None, limit: int) -> tuple[list[AccessRequest], str | None]:
        """Pending requests, newest first: one Query page."""
        query = self._feed_query(keys.access_requests_feed("pending"), limit)
        items, next_cursor = query_page(self._client, query, cursor)
        return [AccessRequest.model_validate(_strip(i)) for i in items], next_cursor

    def _feed_query(self, feed: str, limit: int) -> QueryInputTypeDef:
        return {
            "TableName": self.table_name,
            "IndexName": keys.PORTAL_REQUESTS_FEED_INDEX,
            "KeyConditionExpression": "feed = :f",
            "ExpressionAttributeValues": serialize({":f": feed}),
            "ScanIndexForward": False,
            "Limit": limit,
        }
