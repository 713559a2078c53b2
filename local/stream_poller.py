"""A DynamoDB stream, polled shard by shard and delivered as Lambda's event source mapping does
(local/event_sources.py says what is emulated)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from local.filters import passes

if TYPE_CHECKING:
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient
    from mypy_boto3_sqs import SQSClient

from local.event_sources import (
    TOO_OLD,
    Discarded,
    EventSource,
    FunctionError,
    Invoke,
    InvokeResult,
    RetryPolicy,
    backoff,
    batch_result,
    deliver,
    jsonable,
    log,
    send_to_destination,
)


def lambda_stream_record(record: Mapping[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record as the event source mapping hands it to the function."""
    converted: dict[str, Any] = jsonable(dict(record))
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
