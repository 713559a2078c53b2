"""The batches' send pacing (domain/send_pacing.py) on a fake clock, with the shared counters in
RateLimitsTable as DynamoDB keeps them (moto): workers that ask at the same instant get distinct
one-second windows, never more than the rate in any window, and each waits for its own."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from portal_access.dal.rate_limits_table import RateLimitsTable
from portal_access.domain.send_pacing import MAX_WINDOWS_AHEAD, PacingBusy, SendPacer
from tests.conftest import Stack

START = datetime(2026, 12, 1, 12, 0, 0, 200000, tzinfo=UTC)  # 0.2 s into a second


class FakeTime:
    def __init__(self, at: datetime) -> None:
        self.now = at
        self.slept: list[float] = []

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += timedelta(seconds=seconds)


def pacer(stack: Stack, time: FakeTime, rate: int = 14) -> SendPacer:
    table = RateLimitsTable(boto3.client("dynamodb"), stack.table("RateLimitsTable"), clock=time.clock)
    return SendPacer(table=table, rate_per_second=rate, clock=time.clock, sleep=time.sleep)


def test_workers_asking_at_once_share_the_rate(stack):
    # Given four workers (each its own timeline) asking at the same instant
    times = [FakeTime(START) for _ in range(4)]
    first = int(START.timestamp())
    # When three take a full chunk of 10 and the fourth 4
    windows = [pacer(stack, t).acquire(n) for t, n in zip(times, (10, 10, 10, 4), strict=True)]
    # Then no second holds more than 14, and each waited exactly until its window began
    assert windows == [first, first + 1, first + 2, first]
    per_window = Counter[int]()
    for window, n in zip(windows, (10, 10, 10, 4), strict=True):
        per_window[window] += n
    assert max(per_window.values()) <= 14
    assert [t.slept for t in times] == [[], [0.8], [1.8], []]
    assert [t.now for t in times][1] == START + timedelta(seconds=0.8)


def test_a_rate_of_a_steady_stream(stack):
    time = FakeTime(START)
    sends = pacer(stack, time, rate=5)
    windows = [sends.acquire(5) for _ in range(6)]  # 30 sends at 5 a second
    assert windows == [int(START.timestamp()) + n for n in range(6)]
    assert time.now - START == timedelta(seconds=4.8)  # the sixth chunk starts 5 windows later


def test_no_room_ahead_is_said_not_waited(stack):
    time = FakeTime(START)
    sends = pacer(stack, time, rate=1)
    for _ in range(MAX_WINDOWS_AHEAD):  # other workers fill every window ahead
        pacer(stack, FakeTime(START), rate=1).acquire(1)
    with pytest.raises(PacingBusy):
        sends.acquire(1)
    assert time.slept == []
