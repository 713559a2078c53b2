"""Random, unguessable ids for things the service creates."""

import secrets


def new_id(prefix: str) -> str:
    # 80 random bits: unguessable, and short enough to read in a URL or a log line.
    return f"{prefix}_{secrets.token_hex(10)}"
