"""`dynamodb.query_up_to`: at most `limit` items and whether there are more, also when DynamoDB's
1 MB page ends before `limit` items (moto enforces that size too); `batch_get` never passes a
throttled key off as missing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.stub import Stubber

from portal_access.dal.dynamodb import BatchGetIncomplete, batch_get, query_up_to, serialize

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

BIG = "x" * 300_000  # three of these fill a 1 MB page


@pytest.fixture
def partition(stack) -> QueryInputTypeDef:
    client = boto3.client("dynamodb")
    table = stack.table("SettingsTable")
    for n in range(6):
        client.put_item(TableName=table, Item=serialize({"pk": "BIG", "sk": f"{n}", "blob": BIG}))
    return {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": serialize({":pk": "BIG"}),
    }


def test_a_page_cut_by_size_is_read_on_and_the_rest_is_said(partition, calls):
    client = boto3.client("dynamodb")

    items, more = query_up_to(client, partition, 5)

    assert [i["sk"] for i in items] == ["0", "1", "2", "3", "4"]
    assert more is True
    assert calls.of("dynamodb")["Query"] == 2  # the first 1 MB page held fewer than 6


@pytest.mark.parametrize(("limit", "count", "more"), [(6, 6, False), (7, 6, False), (2, 2, True)])
def test_the_flag_is_exact_at_and_around_the_bound(partition, limit, count, more):
    items, said = query_up_to(boto3.client("dynamodb"), partition, limit)

    assert (len(items), said) == (count, more)


def test_keys_left_unprocessed_after_the_retry_are_an_error_not_a_miss(stack):
    """Under throttling DynamoDB hands keys back; what it still withholds after one more round
    must not pass for an item that does not exist."""
    client = boto3.client("dynamodb")
    table = stack.table("ContactsTable")
    key = serialize({"contact_id": "ct_1"})
    with Stubber(client) as stubber:
        for _ in range(2):
            stubber.add_response(
                "batch_get_item",
                {"Responses": {table: []}, "UnprocessedKeys": {table: {"Keys": [key]}}},
            )
        with pytest.raises(BatchGetIncomplete, match="1 keys"):
            batch_get(client, table, [{"contact_id": "ct_1"}])
        stubber.assert_no_pending_responses()
