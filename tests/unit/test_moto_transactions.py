"""moto's TransactWriteItems with a per-item undo (devkit/moto_transactions.py): a cancelled
transaction leaves every item and the stream as they were; its backup copies the items it
writes, not the table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models.dynamo_type import Item

from devkit import moto_transactions

TABLE = "items"


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    moto_transactions.install()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        yield client


def key(pk: str, sk: str = "x") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def everything(client: Any) -> list[dict[str, Any]]:
    return sorted(client.scan(TableName=TABLE)["Items"], key=lambda i: (i["pk"]["S"], i["sk"]["S"]))


def stream_records(client: Any) -> int:
    streams = boto3.client("dynamodbstreams", region_name="us-east-1")
    arn = client.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    return len(streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"])


def test_a_cancelled_transaction_leaves_items_and_stream_as_they_were(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item={**key("counter"), "n": {"N": "1"}, "note": {"S": "kept"}})
    dynamodb.put_item(TableName=TABLE, Item={**key("gone"), "v": {"S": "kept"}})
    dynamodb.put_item(TableName=TABLE, Item={**key("guard"), "open": {"BOOL": False}})
    before, records = everything(dynamodb), stream_records(dynamodb)

    with pytest.raises(dynamodb.exceptions.TransactionCanceledException) as cancelled:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Update": {"TableName": TABLE, "Key": key("counter"),
                            "UpdateExpression": "SET n = n + :one, note = :x",
                            "ExpressionAttributeValues": {":one": {"N": "1"}, ":x": {"S": "changed"}}}},
                {"Put": {"TableName": TABLE, "Item": {**key("new"), "v": {"S": "written"}}}},
                {"Delete": {"TableName": TABLE, "Key": key("gone")}},
                {"Update": {"TableName": TABLE, "Key": key("fresh"), "UpdateExpression": "SET v = :v",
                            "ExpressionAttributeValues": {":v": {"S": "created"}}}},
                {"ConditionCheck": {"TableName": TABLE, "Key": key("guard"), "ConditionExpression": "#o = :t",
                                    "ExpressionAttributeNames": {"#o": "open"},
                                    "ExpressionAttributeValues": {":t": {"BOOL": True}}}},
            ]
        )  # fmt: skip

    reasons = [r["Code"] for r in cancelled.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "None", "ConditionalCheckFailed"]
    assert everything(dynamodb) == before
    assert stream_records(dynamodb) == records


def test_a_transaction_that_goes_through_writes_every_item_and_its_stream_records(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item={**key("counter"), "n": {"N": "1"}})
    records = stream_records(dynamodb)

    dynamodb.transact_write_items(
        TransactItems=[
            {"Update": {"TableName": TABLE, "Key": key("counter"), "UpdateExpression": "SET n = n + :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"Put": {"TableName": TABLE, "Item": {**key("new"), "v": {"S": "written"}},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
        ]
    )  # fmt: skip

    assert [(i["pk"]["S"], i.get("n", i.get("v"))) for i in everything(dynamodb)] == [
        ("counter", {"N": "2"}),
        ("new", {"S": "written"}),
    ]
    assert stream_records(dynamodb) == records + 2


def test_the_backup_copies_the_items_written_not_the_table(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(200):
        dynamodb.put_item(TableName=TABLE, Item={**key(f"item{n}"), "v": {"S": "x" * 100}})
    copied: list[str] = []
    real = Item.__deepcopy__

    def counting(self: Item, memo: dict[int, Any]) -> Item:
        copied.append(self.hash_key.value)
        return real(self, memo)

    monkeypatch.setattr(Item, "__deepcopy__", counting)

    dynamodb.transact_write_items(
        TransactItems=[
            {"Update": {"TableName": TABLE, "Key": key("item7"), "UpdateExpression": "SET v = :v",
                        "ExpressionAttributeValues": {":v": {"S": "y"}}}},
            {"Delete": {"TableName": TABLE, "Key": key("item8")}},
        ]
    )  # fmt: skip

    # item7 once for the undo, once more by moto's own update_item (its old image); item8 once
    assert sorted(copied) == ["item7", "item7", "item8"]


def increment(token: str, by: str = "1") -> dict[str, Any]:
    update = {"TableName": TABLE, "Key": key("counter"), "UpdateExpression": "SET n = n + :by",
              "ExpressionAttributeValues": {":by": {"N": by}}}  # fmt: skip
    return {"TransactItems": [{"Update": update}], "ClientRequestToken": token}


def test_a_client_request_token_is_written_once_as_dynamodb_does(dynamodb: Any) -> None:
    # the SDK keeps the token across its retries: a retry of a transaction that went through
    # (its answer lost to a read timeout) must not write again
    dynamodb.put_item(TableName=TABLE, Item={**key("counter"), "n": {"N": "1"}})

    dynamodb.transact_write_items(**increment("first"))
    dynamodb.transact_write_items(**increment("first"))
    assert everything(dynamodb)[0]["n"] == {"N": "2"}

    dynamodb.transact_write_items(**increment("second"))
    assert everything(dynamodb)[0]["n"] == {"N": "3"}

    with pytest.raises(dynamodb.exceptions.IdempotentParameterMismatchException):
        dynamodb.transact_write_items(**increment("first", by="5"))
    assert everything(dynamodb)[0]["n"] == {"N": "3"}


def test_a_cancelled_transaction_is_not_remembered_by_its_token(dynamodb: Any) -> None:
    guarded = increment("guarded")
    guarded["TransactItems"][0]["Update"]["ConditionExpression"] = "attribute_exists(pk)"
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(**guarded)

    dynamodb.put_item(TableName=TABLE, Item={**key("counter"), "n": {"N": "1"}})
    dynamodb.transact_write_items(**guarded)
    assert everything(dynamodb)[0]["n"] == {"N": "2"}
