"""What every table module shares: the client, (de)serialisation, cursors and transactions."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import ClientError

from portal_access.domain.errors import DomainError, InvalidInput

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        AttributeValueTypeDef,
        QueryInputTypeDef,
        TransactWriteItemTypeDef,
    )

Item = dict[str, Any]

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# Standard mode retries throttling with backoff; the SDK does it, so no loop of our own.
_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=5)


def create_client() -> DynamoDBClient:
    """One client per function, built at cold start (endpoint from AWS_ENDPOINT_URL when set)."""
    return boto3.client("dynamodb", config=_CLIENT_CONFIG)


def _to_dynamo_value(value: Any) -> Any:
    # DynamoDB has no float type; Decimal(str(x)) keeps the printed value exactly.
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Mapping):
        return {k: _to_dynamo_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_dynamo_value(v) for v in value]
    return value


def serialize(item: Mapping[str, Any]) -> dict[str, AttributeValueTypeDef]:
    """A plain dict (JSON-mode model dump) to DynamoDB's typed form; None attributes are left out."""
    return {key: _serializer.serialize(_to_dynamo_value(value)) for key, value in item.items() if value is not None}


def _from_dynamo_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, dict):
        return {k: _from_dynamo_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo_value(v) for v in value]
    if isinstance(value, set):
        return sorted(_from_dynamo_value(v) for v in value)
    return value


def deserialize(item: Mapping[str, Any]) -> Item:
    return {key: _from_dynamo_value(_deserializer.deserialize(value)) for key, value in item.items()}


def encode_cursor(last_evaluated_key: Mapping[str, Any] | None) -> str | None:
    """LastEvaluatedKey as an opaque URL-safe string; None when there is no next page."""
    if not last_evaluated_key:
        return None
    raw = json.dumps(deserialize(last_evaluated_key), separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, AttributeValueTypeDef] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error) as error:
        raise InvalidInput("cursor is not one this service handed out", field="cursor") from error
    if not isinstance(decoded, dict) or not all(isinstance(v, str) for v in decoded.values()):
        raise InvalidInput("cursor is not one this service handed out", field="cursor")
    return serialize(decoded)


def query_page(client: DynamoDBClient, query: QueryInputTypeDef, cursor: str | None) -> tuple[list[Item], str | None]:
    """One Query call: a page of items and the cursor of the next page (None at the end)."""
    start = decode_cursor(cursor)
    if start:
        query["ExclusiveStartKey"] = start
    try:
        response = client.query(**query)
    except ClientError as error:
        # DynamoDB rejects an ExclusiveStartKey that does not fit the query this way.
        if start and error.response.get("Error", {}).get("Code") == "ValidationException":
            raise InvalidInput("cursor does not belong to this list", field="cursor") from error
        raise
    items = [deserialize(item) for item in response.get("Items", [])]
    return items, encode_cursor(response.get("LastEvaluatedKey"))


def query_up_to(client: DynamoDBClient, query: QueryInputTypeDef, limit: int) -> tuple[list[Item], bool]:
    """At most `limit` items of a Query and whether it has more: the caller states or handles
    the cut, it never drops items unsaid. One call (`Limit` = limit + 1); another only when
    DynamoDB's 1 MB page ended before that many."""
    items: list[Item] = []
    cursor: str | None = None
    while True:
        page, cursor = query_page(client, {**query, "Limit": limit + 1 - len(items)}, cursor)
        items.extend(page)
        if cursor is None or len(items) > limit:
            return items[:limit], len(items) > limit


@dataclass(frozen=True, slots=True)
class TransactOp:
    """One write of a transaction, and the domain error its failed condition means."""

    request: TransactWriteItemTypeDef
    on_condition_failed: DomainError | None = None


def put_new_op(table_name: str, item: Mapping[str, Any], *, key: str, exists: DomainError) -> TransactOp:
    """A create: the Put lands only while no item has this key, else `exists` is raised."""
    return TransactOp(
        {
            "Put": {
                "TableName": table_name,
                "Item": serialize(item),
                "ConditionExpression": f"attribute_not_exists({key})",
            }
        },
        on_condition_failed=exists,
    )


def transact_write(client: DynamoDBClient, ops: Sequence[TransactOp]) -> None:
    """All or nothing; a failed condition raises the error its op names."""
    try:
        client.transact_write_items(TransactItems=[op.request for op in ops])
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
            raise
        reasons = error.response.get("CancellationReasons", [])
        for op, reason in zip(ops, reasons, strict=False):
            if reason.get("Code") == "ConditionalCheckFailed" and op.on_condition_failed:
                raise op.on_condition_failed from error
        raise


BATCH_GET_MAX_KEYS = 100  # DynamoDB's limit per BatchGetItem


class BatchGetIncomplete(Exception):
    """DynamoDB kept handing keys back unprocessed: a read cut short by throttling, not a miss."""


def batch_get(
    client: DynamoDBClient, table_name: str, keys: Sequence[Mapping[str, Any]], *, consistent: bool = False
) -> list[Item]:
    """The items at `keys` (plain dicts), in ceil(len/100) BatchGetItem calls, plus one more round
    for whatever DynamoDB hands back unprocessed (only under throttling). Missing keys are absent;
    keys still unprocessed after that raise `BatchGetIncomplete` rather than pass for missing."""
    found: list[Item] = []
    pending: list[dict[str, AttributeValueTypeDef]] = [serialize(k) for k in keys]
    unprocessed: list[Any] = []
    for _ in range(2):
        unprocessed = []
        for chunk in chunks(pending, BATCH_GET_MAX_KEYS):
            request: dict[str, Any] = {table_name: {"Keys": list(chunk), "ConsistentRead": consistent}}
            response = client.batch_get_item(RequestItems=request)
            found.extend(deserialize(item) for item in response.get("Responses", {}).get(table_name, []))
            left: dict[str, Any] = dict(response.get("UnprocessedKeys") or {})
            unprocessed.extend(left.get(table_name, {}).get("Keys", []))
        if not unprocessed:
            return found
        pending = unprocessed
    raise BatchGetIncomplete(f"{len(unprocessed)} keys of {table_name} left unprocessed (throttled)")


def is_condition_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def update_if(client: DynamoDBClient, request: Mapping[str, Any]) -> bool:
    """One conditional UpdateItem; False (nothing changed) when its condition failed."""
    try:
        client.update_item(**request)
    except ClientError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def chunks[T](values: Sequence[T], size: int) -> list[Sequence[T]]:
    return [values[i : i + size] for i in range(0, len(values), size)]
