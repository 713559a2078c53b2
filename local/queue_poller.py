"""An SQS queue, received and delivered as Lambda's event source mapping does
(local/event_sources.py says what is emulated)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from local.filters import passes

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

from local.event_sources import EventSource, FunctionError, Invoke, InvokeResult, batch_result, jsonable, log


def lambda_sqs_record(message: Mapping[str, Any], queue_arn: str) -> dict[str, Any]:
    """A ReceiveMessage message as the event source mapping hands it to the function."""
    region = queue_arn.split(":")[3] if queue_arn.count(":") >= 5 else "us-east-1"
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": jsonable(value.get("BinaryValue")),
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value.get("DataType"),
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def sqs_filter_view(record: Mapping[str, Any]) -> dict[str, Any]:
    """What SQS filters match: the record, with a JSON body parsed (a plain body stays a string)."""
    try:
        body = json.loads(record["body"])
    except ValueError:
        body = record["body"]
    return {**record, "body": body}


class QueuePoller:
    """Receives one queue's messages and delivers them to one function."""

    def __init__(self, source: EventSource, invoke: Invoke, sqs: SQSClient, *, wait_seconds: int = 1) -> None:
        self.source = source
        self._invoke = invoke
        self._sqs = sqs
        self._wait = wait_seconds
        self._url = sqs.get_queue_url(QueueName=source.source_arn.rsplit(":", 1)[1])["QueueUrl"]

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                if not self.poll_once(stop):
                    stop.wait(0.2)
            except Exception:
                log.exception("queue mapping %s.%s failed a poll", self.source.function_id, self.source.event_id)
                stop.wait(1)

    def _receive(self, count: int) -> list[dict[str, Any]]:
        response = self._sqs.receive_message(
            QueueUrl=self._url,
            MaxNumberOfMessages=max(1, min(10, count)),
            WaitTimeSeconds=self._wait,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return [lambda_sqs_record(m, self.source.source_arn) for m in response.get("Messages", [])]

    def poll_once(self, stop: threading.Event) -> bool:
        """Receive one batch and deliver it; False when the queue had nothing."""
        batch = self._receive(self.source.batch_size)
        if not batch:
            return False
        started = time.monotonic()
        while len(batch) < self.source.batch_size and time.monotonic() - started < self.source.batching_window_seconds:
            more = self._receive(self.source.batch_size - len(batch))
            if not more and stop.is_set():
                break
            batch.extend(more)
        kept = [r for r in batch if passes(self.source.patterns, sqs_filter_view(r))]
        self._delete([r for r in batch if r not in kept])
        if not kept:
            return True
        try:
            response = self._invoke(self.source.function_id, {"Records": kept})
            result = batch_result(
                response, [r["messageId"] for r in kept], report_item_failures=self.source.policy.report_item_failures
            )
        except FunctionError as error:
            result = InvokeResult(error=str(error))
        if result.error is not None:
            log.warning("%s: batch of %d message(s) failed; they come back", self.source.function_id, len(kept))
            return True
        failed = set(result.failed_ids)
        self._delete([r for r in kept if r["messageId"] not in failed])
        return True

    def _delete(self, records: Sequence[Mapping[str, Any]]) -> None:
        for start in range(0, len(records), 10):
            chunk = records[start : start + 10]
            self._sqs.delete_message_batch(
                QueueUrl=self._url,
                Entries=[{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(chunk)],
            )
