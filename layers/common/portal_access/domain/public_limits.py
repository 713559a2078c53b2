"""Rate limits of the public login-page routes that stop brute force without handing a stranger a
lockout of someone else. Every counter is a fixed window in RateLimitsTable (hashed keys).

- **Per requester** (`PUBLIC_REQUEST_LIMIT`, 5 an hour): the same email from the same source
  address. Someone asking again and again is slowed down; a stranger who types a customer's
  email fills only the counter of the stranger's own address, so the customer, from theirs,
  is still served.
- **Per source address** (`PUBLIC_ADDRESS_LIMIT`, 20 an hour): one address cycling through
  emails or invoices stops here. An office behind one NAT shares it; 20 an hour is far more
  than its people ask for, and the limit never follows an email or an invoice elsewhere.
- **Wrong proofs per invoice and source address** (`PROOF_FAILURE_LIMIT`, 3 an hour, counted by
  the worker, which is the only part that knows a proof was wrong): past it, that address's
  requests for that invoice are not verified at all, so its next guess, right or wrong, gets
  nothing. Failures are counted apart from correct proofs, and per address: guessing from one
  address never stops the customer who types the right code (or account number) from another.

The HTTP answer is 429 with `Retry-After` (seconds to the end of the window) for the first two;
the third is invisible to the caller (the route answers 202 before anything is verified).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from portal_access.domain.errors import RateLimited
from portal_access.observability import logger

if TYPE_CHECKING:
    from portal_access.dal.rate_limits_table import RateLimit, RateLimitsTable


@dataclass(frozen=True, slots=True)
class PublicLimits:
    per_requester: RateLimit
    per_address: RateLimit


class RequestGate:
    """The public route's limits: per (email, source address), then per source address."""

    def __init__(self, *, table: RateLimitsTable, limits: PublicLimits, scope: str) -> None:
        self._table = table
        self._limits = limits
        self._scope = scope

    def admit(self, *, email: str, source_ip: str) -> None:
        """Count one request; 429 (`RateLimited`, with its retry-after) past either limit. The
        requester's counter first: once it is full a flood stops writing to the address's."""
        requester = self._table.hit(f"{self._scope}:requester", f"{email}\x00{source_ip}", self._limits.per_requester)
        if not requester:
            raise RateLimited(
                "too many requests for this email address from your network: try again later",
                retry_after=self._table.retry_after(self._limits.per_requester),
            )
        if not self._table.hit(f"{self._scope}:address", source_ip, self._limits.per_address):
            raise RateLimited(
                "too many requests from your network: try again later",
                retry_after=self._table.retry_after(self._limits.per_address),
            )


PROOF_FAILURES_SCOPE = "self_registration:proof_failures"


class ProofFailures:
    """Wrong invoice proofs per (invoice number, source address), counted by the worker."""

    def __init__(self, *, table: RateLimitsTable, rate: RateLimit) -> None:
        self._table = table
        self._rate = rate
        self._ahead: dict[str, int] = {}  # counters read for a batch, each handed out once

    @staticmethod
    def _key(invoice_number: str, source_ip: str) -> str:
        return f"{invoice_number.strip().upper()}\x00{source_ip}"

    @contextmanager
    def batch(self, attempts: Sequence[tuple[str, str]]) -> Iterator[None]:
        """Read the counters of a queue batch's (invoice number, source address) pairs up front, in
        one BatchGetItem. A counter is handed out once; a pair met again reads it afresh."""
        keys = list(dict.fromkeys(self._key(i, a) for i, a in attempts))
        try:
            self._ahead = self._table.counts(PROOF_FAILURES_SCOPE, keys, self._rate) if keys else {}
            yield
        finally:
            self._ahead = {}

    def exhausted(self, invoice_number: str, source_ip: str) -> bool:
        """True when this address already guessed wrong `limit` times on this invoice this window."""
        key = self._key(invoice_number, source_ip)
        count = self._ahead.pop(key) if key in self._ahead else self._table.count(PROOF_FAILURES_SCOPE, key, self._rate)
        return count >= self._rate.limit

    def record(self, invoice_number: str, source_ip: str) -> None:
        if not self._table.hit(PROOF_FAILURES_SCOPE, self._key(invoice_number, source_ip), self._rate):
            logger.info("self-registration proof failures over the limit for an address")
