"""DynamoDB stream events for the auto-invite handler, built on events/contacts_stream_insert.json.

moto records a table's stream but never delivers it to a function, so tests read the items a
route wrote and wrap them as the event source mapping would.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from devkit.events import load_event

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

SAMPLE = "contacts_stream_insert.json"


def stored_images(client: DynamoDBClient, table_name: str, contact_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The items as DynamoDB stores them (typed attribute values), which is what NEW_IMAGE holds."""
    images = []
    for contact_id in contact_ids:
        item = client.get_item(TableName=table_name, Key={"contact_id": {"S": contact_id}})["Item"]
        images.append(dict(item))
    return images


def stream_event(images: Sequence[Mapping[str, Any]], *, event_name: str = "INSERT") -> dict[str, Any]:
    """A batch with one record per image, in order, shaped like the sample's first record."""
    sample = load_event(SAMPLE)
    template = sample["Records"][0]
    records = []
    for position, image in enumerate(images, start=1):
        record = copy.deepcopy(template)
        record["eventID"] = uuid.uuid4().hex
        record["eventName"] = event_name
        record["dynamodb"]["Keys"] = {"contact_id": image["contact_id"]}
        record["dynamodb"]["NewImage"] = dict(image)
        record["dynamodb"]["SequenceNumber"] = f"{position:024d}"
        records.append(record)
    return {"Records": records}
