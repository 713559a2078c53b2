"""RateLimitsTable (key): fixed-window counters for the public routes, deleted by TTL.

One item per (scope, hashed value, window): `key` is `<scope>#<sha256 of the value>#<window>`,
so neither an email nor an invoice number is stored; `expires_at` (epoch seconds, the table's
TTL attribute) is set when the window's first hit creates the item. A hit is one conditional
UpdateItem: it adds one while the count is under the limit and fails, writing nothing, once
the limit is reached, so a flood never grows the item or costs more than one call per key.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from portal_access.dal.dynamodb import batch_get, is_condition_failure, serialize

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import datetime

    from mypy_boto3_dynamodb import DynamoDBClient

# DynamoDB's TTL deletes within days of expiry; the window's number in the key already makes an
# expired counter irrelevant, so this only bounds how long the table keeps them.
_GRACE_SECONDS = 60


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `limit` hits per key in each window of `window_seconds`."""

    limit: int
    window_seconds: int


def counter_key(scope: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"{scope}#{digest}#{window}"


class RateLimitsTable:
    def __init__(self, client: DynamoDBClient, table_name: str, *, clock: Callable[[], datetime]) -> None:
        """`clock`: the domain's one clock (domain/clock.py), given by the composition root."""
        self._client = client
        self.table_name = table_name
        self._clock = clock

    def _now(self) -> float:
        return self._clock().timestamp()

    def retry_after(self, rate: RateLimit) -> int:
        """Seconds until the current window ends (a refused caller may try again then)."""
        now = self._now()
        return max(1, math.ceil((int(now // rate.window_seconds) + 1) * rate.window_seconds - now))

    def count(self, scope: str, value: str, rate: RateLimit) -> int:
        """Hits so far for `value` in `scope` in the current window (one strongly consistent Get)."""
        window = int(self._now() // rate.window_seconds)
        item = self._client.get_item(
            TableName=self.table_name,
            Key=serialize({"key": counter_key(scope, value, window)}),
            ConsistentRead=True,
            ProjectionExpression="hits",
        ).get("Item")
        return int(item["hits"]["N"]) if item and "hits" in item else 0

    def counts(self, scope: str, values: Sequence[str], rate: RateLimit) -> dict[str, int]:
        """Hits so far for each of `values` in the current window (consistent BatchGetItem per 100)."""
        window = int(self._now() // rate.window_seconds)
        wanted = {counter_key(scope, v, window): v for v in values}
        items = batch_get(self._client, self.table_name, [{"key": k} for k in wanted], consistent=True)
        found = {wanted[i["key"]]: int(i.get("hits", 0)) for i in items if i["key"] in wanted}
        return {v: found.get(v, 0) for v in values}

    def reserve(self, scope: str, value: str, count: int, rate: RateLimit, *, window: int) -> bool:
        """Take `count` hits of `window` (a number of `rate.window_seconds` since the epoch,
        possibly ahead of now) in one conditional UpdateItem; False, writing nothing, when fewer
        than `count` are left in it."""
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=serialize({"key": counter_key(scope, value, window)}),
                UpdateExpression="ADD hits :n SET expires_at = if_not_exists(expires_at, :expires_at)",
                ConditionExpression="attribute_not_exists(hits) OR hits <= :room",
                ExpressionAttributeValues=serialize(
                    {
                        ":n": count,
                        ":room": rate.limit - count,
                        ":expires_at": (window + 1) * rate.window_seconds + _GRACE_SECONDS,
                    }
                ),
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def hit(self, scope: str, value: str, rate: RateLimit) -> bool:
        """Count one request for `value` in `scope`; False (nothing written) once over the limit."""
        return self.reserve(scope, value, 1, rate, window=int(self._now() // rate.window_seconds))
