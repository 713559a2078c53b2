"""moto made to DynamoDB's cost and guarantees (devkit/moto_dynamodb.py): a cancelled transaction
leaves every item and the stream as they were and its backup copies the items it writes, not
the table; a ClientRequestToken writes once; a Query reading only its partition answers exactly
as moto's own, on a random table with sparse indexes, before and after every kind of write."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodb.models.table import Table

from devkit import moto_dynamodb

TABLE = "items"


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    moto_dynamodb.install()
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


# Queries

INDEXED = "things"
OWNERS = [f"owner{n}" for n in range(6)]
KINDS = ["a", "b", "c"]


@pytest.fixture
def indexed() -> Iterator[Any]:
    moto_dynamodb.install()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=INDEXED,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "owner", "kind", "at")
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_owner",  # sparse: only items with owner and at
                    "KeySchema": [
                        {"AttributeName": "owner", "KeyType": "HASH"},
                        {"AttributeName": "at", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                },
                {
                    "IndexName": "by_kind",
                    "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                },
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def random_item(dice: random.Random) -> dict[str, Any]:
    item: dict[str, Any] = {"pk": {"S": f"p{dice.randrange(8)}"}, "sk": {"S": f"s{dice.randrange(12):02d}"}}
    if dice.random() < 0.8:
        item["owner"] = {"S": dice.choice(OWNERS)}
    if dice.random() < 0.8:
        item["at"] = {"S": f"2026-12-{dice.randrange(1, 29):02d}"}
    if dice.random() < 0.7:
        item["kind"] = {"S": dice.choice(KINDS)}
    return item


def queries(dice: random.Random) -> list[dict[str, Any]]:
    asked: list[dict[str, Any]] = []
    for _ in range(25):
        shape = dice.randrange(4)
        if shape == 0:
            asked.append(
                {
                    "KeyConditionExpression": "pk = :p",
                    "ExpressionAttributeValues": {":p": {"S": f"p{dice.randrange(9)}"}},
                }
            )
        elif shape == 1:
            asked.append(
                {
                    "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
                    "ExpressionAttributeValues": {
                        ":p": {"S": f"p{dice.randrange(8)}"},
                        ":a": {"S": "s03"},
                        ":b": {"S": "s09"},
                    },
                    "ScanIndexForward": False,
                    "Limit": 3,
                }
            )
        elif shape == 2:
            asked.append(
                {
                    "IndexName": "by_owner",
                    "KeyConditionExpression": "#o = :o AND #t >= :t",
                    "ExpressionAttributeNames": {"#o": "owner", "#t": "at"},
                    "ExpressionAttributeValues": {
                        ":o": {"S": dice.choice([*OWNERS, "nobody"])},
                        ":t": {"S": "2026-12-10"},
                    },
                    "Limit": dice.choice([2, 5, 100]),
                }
            )
        else:
            asked.append(
                {
                    "IndexName": "by_kind",
                    "KeyConditionExpression": "kind = :k",
                    "ExpressionAttributeValues": {":k": {"S": dice.choice(KINDS)}},
                }
            )
    return asked  # fmt: skip


def every_page(client: Any, query: dict[str, Any]) -> list[list[dict[str, Any]]]:
    pages, start = [], None
    while True:
        answer = client.query(TableName=INDEXED, **query, **({"ExclusiveStartKey": start} if start else {}))
        pages.append(answer["Items"])
        start = answer.get("LastEvaluatedKey")
        if not start:
            return pages


def answers(client: Any, asked: list[dict[str, Any]]) -> list[list[list[dict[str, Any]]]]:
    return [every_page(client, query) for query in asked]


def test_queries_answer_as_moto_does_before_and_after_every_kind_of_write(
    indexed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    dice = random.Random(7)
    for _ in range(120):
        indexed.put_item(TableName=INDEXED, Item=random_item(dice))
    asked = queries(dice)

    def mine_and_motos() -> tuple[Any, Any]:
        mine = answers(indexed, asked)
        with monkeypatch.context() as patch:
            patch.setattr(Table, "query", moto_dynamodb._moto_query)
            theirs = answers(indexed, asked)
        return mine, theirs

    mine, theirs = mine_and_motos()
    assert mine == theirs
    assert sum(len(page) for pages in mine for page in pages) > 100  # the queries do find things

    # Every kind of write between two reads: put, update (in place, moving an item between
    # index partitions), delete, a batch, a transaction that goes through and one cancelled
    moved = {"#o": "owner", "#t": "at"}
    writes = [
        lambda: indexed.put_item(TableName=INDEXED, Item=thing("p1", "s50", owner="owner1", at="2026-12-20", kind="a")),
        lambda: indexed.update_item(
            TableName=INDEXED, Key=key("p1", "s50"), UpdateExpression="SET #o = :o, #t = :t",
            ExpressionAttributeNames=moved, ExpressionAttributeValues=values(o="owner2", t="2026-12-21"),
        ),
        lambda: indexed.delete_item(TableName=INDEXED, Key=key("p1", "s50")),
        lambda: indexed.batch_write_item(
            RequestItems={INDEXED: [{"PutRequest": {"Item": random_item(dice)}} for _ in range(10)]}
        ),
        lambda: indexed.transact_write_items(TransactItems=[{"Update": {
            "TableName": INDEXED, "Key": key("p2", "s60"), "UpdateExpression": "SET #o = :o, #t = :t",
            "ExpressionAttributeNames": moved, "ExpressionAttributeValues": values(o="owner3", t="2026-12-25"),
        }}]),
    ]  # fmt: skip
    for write in writes:
        seen_before = answers(indexed, asked)
        write()
        mine, theirs = mine_and_motos()
        assert mine == theirs
        assert mine != seen_before  # each write shows in at least one answer: nothing stale was served

    refused = thing("p3", "s70", owner="owner4", at="2026-12-27")
    with pytest.raises(indexed.exceptions.TransactionCanceledException):
        indexed.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": INDEXED, "Item": refused, "ConditionExpression": "attribute_exists(pk)"}}
            ]
        )
    mine, theirs = mine_and_motos()
    assert mine == theirs


def thing(pk: str, sk: str, **attributes: str) -> dict[str, Any]:
    return {**key(pk, sk), **{name: {"S": value} for name, value in attributes.items()}}


def values(**named: str) -> dict[str, Any]:
    return {f":{name}": {"S": value} for name, value in named.items()}
