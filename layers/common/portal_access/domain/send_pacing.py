"""Pacing the invitation batches' sends to SES's rate (template parameter `InviteSendRatePerSecond`).

A shared counter per second in RateLimitsTable: before it sends a chunk of `n` emails, a worker
takes `n` hits of the first one-second window, from now on, that still has room (one conditional
`ADD hits :n` with `hits <= rate - n` per window tried), then waits for that window to begin.
Every worker of every batch draws from the same windows, so together they start at most `rate`
sends in any one second of the clock, however many run at once (the queue's
`MaximumConcurrency` bounds how many wait). The clock and the wait are injected: a test runs
the pacing on a fake clock and checks the windows, with DynamoDB's conditional writes deciding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from portal_access.dal.rate_limits_table import RateLimit

if TYPE_CHECKING:
    from portal_access.dal.rate_limits_table import RateLimitsTable
    from portal_access.domain.clock import Clock

SEND_RATE_SCOPE = "invitation_batches:send_rate"
MAX_WINDOWS_AHEAD = 30  # a worker waits at most this many seconds for its turn

Sleep = Callable[[float], None]


class PacingBusy(Exception):
    """No window in the next MAX_WINDOWS_AHEAD seconds has room: the work is queued again later."""


class SendPacer:
    def __init__(self, *, table: RateLimitsTable, rate_per_second: int, clock: Clock, sleep: Sleep) -> None:
        self._table = table
        self._rate = RateLimit(limit=rate_per_second, window_seconds=1)
        self._clock = clock
        self._sleep = sleep

    @property
    def chunk(self) -> int:
        """The most sends one reservation may take (a window never holds more than the rate)."""
        return min(10, self._rate.limit)

    def acquire(self, count: int) -> int:
        """Take `count` (≤ `chunk`) sends in the first window with room and wait for it to begin;
        the window taken (epoch second)."""
        if not 0 < count <= self.chunk:
            raise ValueError(f"take between 1 and {self.chunk} sends at a time")
        now = self._clock()
        first = int(now.timestamp())
        for window in range(first, first + MAX_WINDOWS_AHEAD):
            if self._table.reserve(SEND_RATE_SCOPE, "ses", count, self._rate, window=window):
                wait = window - now.timestamp()
                if wait > 0:
                    self._sleep(wait)
                return window
        raise PacingBusy(f"no room for {count} sends in the next {MAX_WINDOWS_AHEAD} s")
