"""Random, unguessable ids for things the service creates."""

import secrets
import time


def new_id(prefix: str) -> str:
    # 80 random bits: unguessable, and short enough to read in a URL or a log line.
    return f"{prefix}_{secrets.token_hex(10)}"


def new_sortable_id(prefix: str) -> str:
    """Orders by creation time (nanosecond clock first), so entries made in one millisecond still sort."""
    return f"{prefix}_{time.time_ns():016x}{secrets.token_hex(4)}"
