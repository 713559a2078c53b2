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

`deliver` and `batch_result` are pure (tested without AWS); the pollers are thin loops over them:
`local/stream_poller.py` and `local/queue_poller.py`.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from devkit.template import DEFAULT_BATCH_SIZE, Resolver, function_events
from local.filters import parse_filters

if TYPE_CHECKING:
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


# ---------------------------------------------------------------- shared by the pollers


def jsonable(value: Any) -> Any:
    """boto3's parsed stream record as Lambda's JSON has it: binary as base64, times as epoch."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def send_to_destination(sqs: SQSClient, destination_arn: str, message: Mapping[str, Any]) -> None:
    if ":sqs:" not in destination_arn:
        log.warning("on-failure destination %s is not a queue: not emulated locally", destination_arn)
        return
    url = sqs.get_queue_url(QueueName=destination_arn.rsplit(":", 1)[1])["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(message))
