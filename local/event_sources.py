"""Event source mappings, emulated: the template's `Type: DynamoDB` and `Type: SQS` events.

moto keeps a table's stream and a queue's messages but delivers neither to a function, and it
stores a mapping's settings without applying any. This module polls the stream (TRIM_HORIZON
or LATEST) or the queue, applies `FilterCriteria`, `BatchSize` and
`MaximumBatchingWindowInSeconds`, invokes the function, and on errors does what Lambda does:

- streams: `ReportBatchItemFailures` retries from the first failed sequence number;
  `BisectBatchOnFunctionError` splits a failed batch in two (a split is not a retry: each half
  keeps the attempt count so far); `MaximumRetryAttempts` (-1: until the record expires) bounds
  the retries, then the batch's metadata goes to the `OnFailure` SQS destination and the shard
  moves on. The shard waits while a batch is retried, so records stay in order.
- queues: successful messages are deleted, failed ones (all, on a function error; the reported
  ones, with `ReportBatchItemFailures`) stay and come back after the visibility timeout; the
  queue's own redrive policy moves them to its dead-letter queue. Filtered-out messages are
  deleted, as Lambda does.

`deliver` and `batch_result` are pure (tested without AWS); the pollers are thin loops over them.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from devkit.template import DEFAULT_BATCH_SIZE, Resolver, function_events
from local.filters import parse_filters, passes

if TYPE_CHECKING:
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient
    from mypy_boto3_sqs import SQSClient

log = logging.getLogger("local.events")

EXHAUSTED = "RetryAttemptsExhausted"
TOO_OLD = "RecordAgeExceeded"


class FunctionError(Exception):
    """The invocation failed as Lambda would report it (unhandled exception, bad response)."""


Invoke = Callable[[str, dict[str, Any]], Any]  # (function logical id, event) -> response


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class RetryPolicy:
    report_item_failures: bool = False
    bisect_on_error: bool = False
    maximum_retry_attempts: int = -1  # -1: retry until the record expires
    maximum_record_age_seconds: int = -1

    def exhausted(self, retries: int) -> bool:
        return 0 <= self.maximum_retry_attempts <= retries


@dataclass(frozen=True)
class EventSource:
    """One `Type: DynamoDB` or `Type: SQS` event of a function, resolved."""

    function_id: str
    event_id: str
    kind: Literal["DynamoDB", "SQS"]
    source_arn: str
    batch_size: int
    batching_window_seconds: float
    starting_position: str
    patterns: list[dict[str, Any]]
    policy: RetryPolicy
    on_failure_arn: str | None = None


_SOURCE_PROPERTY = {"DynamoDB": "Stream", "SQS": "Queue"}


def event_sources(template: Mapping[str, Any], resolver: Resolver) -> list[EventSource]:
    """Every enabled DynamoDB-stream and SQS event of every AWS::Serverless::Function."""
    sources = []
    for event in function_events(template, *_SOURCE_PROPERTY):
        kind: Literal["DynamoDB", "SQS"] = "SQS" if event.type == "SQS" else "DynamoDB"
        properties = resolver.resolve(event.properties)
        if properties.get("Enabled") is False:
            continue
        response_types = properties.get("FunctionResponseTypes") or []
        destination = (properties.get("DestinationConfig") or {}).get("OnFailure") or {}
        sources.append(
            EventSource(
                function_id=event.function_id,
                event_id=event.event_id,
                kind=kind,
                source_arn=str(properties[_SOURCE_PROPERTY[kind]]),
                batch_size=int(properties.get("BatchSize", DEFAULT_BATCH_SIZE[kind])),
                batching_window_seconds=float(properties.get("MaximumBatchingWindowInSeconds", 0)),
                starting_position=str(properties.get("StartingPosition", "TRIM_HORIZON")),
                patterns=parse_filters(properties.get("FilterCriteria")),
                policy=RetryPolicy(
                    report_item_failures="ReportBatchItemFailures" in response_types,
                    bisect_on_error=bool(properties.get("BisectBatchOnFunctionError", False)),
                    maximum_retry_attempts=int(properties.get("MaximumRetryAttempts", -1)),
                    maximum_record_age_seconds=int(properties.get("MaximumRecordAgeInSeconds", -1)),
                ),
                on_failure_arn=str(destination["Destination"]) if destination.get("Destination") else None,
            )
        )
    return sources


def unsupported_events(template: Mapping[str, Any]) -> list[str]:
    """Function events the local stack does not deliver (`Function.Event (Type)`), to say so."""
    handled = {"HttpApi", *_SOURCE_PROPERTY, "Schedule", "ScheduleV2"}  # schedules: local/schedules.py
    return [
        f"{event.function_id}.{event.event_id} ({event.type})"
        for event in function_events(template)
        if event.type not in handled
    ]


# ---------------------------------------------------------------- pure delivery logic


@dataclass(frozen=True)
class InvokeResult:
    """An invocation's outcome: a function error, or the ids of the records it reported failed."""

    error: str | None = None
    failed_ids: tuple[str, ...] = ()

    @property
    def succeeded(self) -> bool:
        return self.error is None and not self.failed_ids


def batch_result(response: Any, batch_ids: Sequence[str], *, report_item_failures: bool) -> InvokeResult:
    """Read a function's answer to a batch as Lambda does (partial batch responses).

    Success: no `batchItemFailures`, null, or empty. A failure entry without a non-empty
    `itemIdentifier` of this batch makes the whole batch a failure."""
    if not report_item_failures or not isinstance(response, Mapping):
        return InvokeResult()
    failures = response.get("batchItemFailures")
    if not failures:
        return InvokeResult()
    known = set(batch_ids)
    failed: list[str] = []
    for entry in failures if isinstance(failures, list) else [failures]:
        identifier = entry.get("itemIdentifier") if isinstance(entry, Mapping) else None
        if not isinstance(identifier, str) or identifier not in known:
            return InvokeResult(error=f"batchItemFailures names no record of the batch: {entry!r}")
        failed.append(identifier)
    return InvokeResult(failed_ids=tuple(failed))


@dataclass(frozen=True)
class Discarded[R]:
    """Records Lambda gave up on: what goes to the on-failure destination."""

    records: tuple[R, ...]
    condition: str
    invocations: int
    error: str | None = None


def deliver[R](
    batch: Sequence[R],
    invoke: Callable[[Sequence[R]], InvokeResult],
    policy: RetryPolicy,
    record_id: Callable[[R], str],
    *,
    before_retry: Callable[[int], bool] = lambda _attempt: True,
) -> list[Discarded[R]]:
    """Deliver one stream batch until every record succeeded or was given up on.

    `invoke` calls the function; `before_retry(n)` runs before the n-th retry of a batch (to back
    off) and may answer False to stop (shutting down). Returns what was discarded, in order."""
    discarded: list[Discarded[R]] = []
    pending: deque[tuple[list[R], int]] = deque([(list(batch), 0)])
    invocations = 0
    while pending:
        records, retries = pending.popleft()
        if not records:
            continue
        result = invoke(records)
        invocations += 1
        if result.succeeded:
            continue
        if result.error is None:
            # Partial failure: everything before the first failed record is done.
            failed = set(result.failed_ids)
            first = next(i for i, record in enumerate(records) if record_id(record) in failed)
            records = records[first:]
        elif policy.bisect_on_error and len(records) > 1:
            middle = (len(records) + 1) // 2
            pending.appendleft((records[middle:], retries))
            pending.appendleft((records[:middle], retries))
            continue
        if policy.exhausted(retries):
            discarded.append(Discarded(tuple(records), EXHAUSTED, invocations, result.error))
            continue
        if not before_retry(retries + 1):
            return discarded
        pending.appendleft((records, retries + 1))
    return discarded


def backoff(stop: threading.Event, *, base: float = 0.1, cap: float = 2.0) -> Callable[[int], bool]:
    """Wait a little longer before each retry, and stop waiting when the stack stops."""

    def wait(attempt: int) -> bool:
        return not stop.wait(min(cap, base * 2 ** (attempt - 1)))

    return wait


# ---------------------------------------------------------------- DynamoDB streams


def _jsonable(value: Any) -> Any:
    """boto3's parsed stream record as Lambda's JSON has it: binary as base64, times as epoch."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def lambda_stream_record(record: Mapping[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record as the event source mapping hands it to the function."""
    converted: dict[str, Any] = _jsonable(dict(record))
    converted["eventSourceARN"] = stream_arn
    converted.setdefault("eventSource", "aws:dynamodb")
    converted.setdefault("awsRegion", stream_arn.split(":")[3] if stream_arn.count(":") >= 5 else "us-east-1")
    return converted


def _sequence(record: Mapping[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


def stream_failure_message(
    discarded: Discarded[dict[str, Any]], *, shard_id: str, stream_arn: str, function_arn: str
) -> dict[str, Any]:
    """The on-failure destination's record for a discarded stream batch (metadata, not the data)."""
    records = discarded.records

    def arrival(record: Mapping[str, Any]) -> str:
        created = record["dynamodb"].get("ApproximateCreationDateTime") or time.time()
        return datetime.fromtimestamp(float(created), UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    return {
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": function_arn,
            "condition": discarded.condition,
            "approximateInvokeCount": discarded.invocations,
        },
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": _sequence(records[0]),
            "endSequenceNumber": _sequence(records[-1]),
            "approximateArrivalOfFirstRecord": arrival(records[0]),
            "approximateArrivalOfLastRecord": arrival(records[-1]),
            "batchSize": len(records),
            "streamArn": stream_arn,
        },
    }


def _too_old(record: Mapping[str, Any], policy: RetryPolicy, now: float) -> bool:
    created = record["dynamodb"].get("ApproximateCreationDateTime")
    return (
        policy.maximum_record_age_seconds >= 0
        and created is not None
        and now - float(created) > (policy.maximum_record_age_seconds)
    )


# Longer than the records of one transaction (at most 100 items): how far back a rollback reaches.
_REMEMBERED = 200


@dataclass
class _Shard:
    iterator: str | None
    pending: list[dict[str, Any]] = field(default_factory=list)
    first_pending_at: float = 0.0
    seen: deque[tuple[str, str]] = field(default_factory=lambda: deque(maxlen=_REMEMBERED))  # (sequence, eventID)


class StreamPoller:
    """Reads one DynamoDB stream's shards and delivers their records to one function."""

    def __init__(
        self,
        source: EventSource,
        invoke: Invoke,
        streams: DynamoDBStreamsClient,
        sqs: SQSClient,
        *,
        function_arn: str,
        poll_seconds: float = 0.2,
    ) -> None:
        self.source = source
        self._invoke = invoke
        self._streams = streams
        self._sqs = sqs
        self._function_arn = function_arn
        self._poll = poll_seconds
        self._shards: dict[str, _Shard] = {}

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.poll_once(stop)
            except Exception:
                log.exception("stream mapping %s.%s failed a poll", self.source.function_id, self.source.event_id)
            stop.wait(self._poll)

    def poll_once(self, stop: threading.Event) -> None:
        """Read every shard once and deliver what is due (full batches, or a window that ended)."""
        self._discover_shards()
        for shard_id, shard in list(self._shards.items()):
            self._read(shard_id, shard)
            self._flush(shard_id, shard, stop)

    def _discover_shards(self) -> None:
        description = self._streams.describe_stream(StreamArn=self.source.source_arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id in self._shards:
                continue
            iterator = self._streams.get_shard_iterator(
                StreamArn=self.source.source_arn,
                ShardId=shard_id,
                ShardIteratorType="TRIM_HORIZON" if self.source.starting_position == "TRIM_HORIZON" else "LATEST",
            )["ShardIterator"]
            self._shards[shard_id] = _Shard(iterator=iterator)

    def _read(self, shard_id: str, shard: _Shard) -> None:
        if shard.seen:
            # Every poll reads the table's current stream again from the last record read, by
            # sequence number: see `_rolled_back`.
            last_sequence, last_event = shard.seen[-1]
            again = self._records_at(shard_id, last_sequence)
            unchanged = bool(again) and again[0]["eventID"] == last_event
            read = again[1:] if unchanged else self._rolled_back(shard_id, shard)
        elif shard.iterator:
            response = self._streams.get_records(ShardIterator=shard.iterator, Limit=1000)
            shard.iterator = response.get("NextShardIterator")
            read = list(response.get("Records", []))
        else:
            return
        shard.seen.extend((_sequence(r), str(r["eventID"])) for r in read)
        records = [lambda_stream_record(r, self.source.source_arn) for r in read]
        kept = [r for r in records if passes(self.source.patterns, r)]
        if kept and not shard.pending:
            shard.first_pending_at = time.monotonic()
        shard.pending.extend(kept)

    def _records_at(self, shard_id: str, sequence: str) -> list[Any]:
        iterator = self._streams.get_shard_iterator(
            StreamArn=self.source.source_arn,
            ShardId=shard_id,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=sequence,
        )["ShardIterator"]
        return list(self._streams.get_records(ShardIterator=iterator, Limit=1000).get("Records", []))

    def _rolled_back(self, shard_id: str, shard: _Shard) -> list[Any]:
        """moto undoes a failed transaction by putting back a copy of the table taken before it,
        with a stream shard of its own: the transaction's records (which a poll may already
        have read) are not in it, and the next writes reuse their sequence numbers. Resume after
        the last record both agree on; the records after it are new."""
        current = self._records_at(shard_id, shard.seen[0][0])
        agreed = 0
        for (_, event_id), record in zip(shard.seen, current, strict=False):
            if record["eventID"] != event_id:
                break
            agreed += 1
        log.info("%s: stream rolled back after %d record(s) read; following it", self.source.function_id, agreed)
        kept = list(shard.seen)[:agreed]
        shard.seen.clear()
        shard.seen.extend(kept)
        return current[agreed:]

    def _flush(self, shard_id: str, shard: _Shard, stop: threading.Event) -> None:
        size = self.source.batch_size
        while shard.pending and not stop.is_set():
            waited = time.monotonic() - shard.first_pending_at
            if len(shard.pending) < size and waited < self.source.batching_window_seconds:
                return
            batch, shard.pending = shard.pending[:size], shard.pending[size:]
            shard.first_pending_at = time.monotonic()
            now = time.time()
            expired = [r for r in batch if _too_old(r, self.source.policy, now)]
            if expired:
                self._send_failure(Discarded(tuple(expired), TOO_OLD, 0), shard_id)
                batch = [r for r in batch if not _too_old(r, self.source.policy, now)]
            discarded = deliver(batch, self._invoke_batch, self.source.policy, _sequence, before_retry=backoff(stop))
            for lost in discarded:
                self._send_failure(lost, shard_id)

    def _invoke_batch(self, records: Sequence[dict[str, Any]]) -> InvokeResult:
        try:
            response = self._invoke(self.source.function_id, {"Records": list(records)})
        except FunctionError as error:
            return InvokeResult(error=str(error))
        return batch_result(
            response, [_sequence(r) for r in records], report_item_failures=self.source.policy.report_item_failures
        )

    def _send_failure(self, discarded: Discarded[dict[str, Any]], shard_id: str) -> None:
        log.warning(
            "%s.%s gave up on %d stream record(s) (%s)%s",
            self.source.function_id,
            self.source.event_id,
            len(discarded.records),
            discarded.condition,
            f": {discarded.error}" if discarded.error else "",
        )
        if not self.source.on_failure_arn:
            return
        message = stream_failure_message(
            discarded, shard_id=shard_id, stream_arn=self.source.source_arn, function_arn=self._function_arn
        )
        send_to_destination(self._sqs, self.source.on_failure_arn, message)


def send_to_destination(sqs: SQSClient, destination_arn: str, message: Mapping[str, Any]) -> None:
    if ":sqs:" not in destination_arn:
        log.warning("on-failure destination %s is not a queue: not emulated locally", destination_arn)
        return
    url = sqs.get_queue_url(QueueName=destination_arn.rsplit(":", 1)[1])["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(message))


# ---------------------------------------------------------------- SQS


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
                "binaryValue": _jsonable(value.get("BinaryValue")),
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
