"""Secrets customers type (quick-pay codes): stored only as a hash, compared in constant time."""

import hashlib
import hmac


def _normalise(code: str) -> str:
    return "".join(code.split()).upper()


def hash_code(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def code_matches(code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_code(code), stored_hash)
