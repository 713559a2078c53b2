"""The client side of Cognito's USER_SRP_AUTH, as the portal pages' Cognito library does it, for
tests that sign in through the local stack's same-origin proxy (`local/cognito_proxy.py`, which
holds the server side and the group constants)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from typing import Any

import requests

from local.cognito_proxy import AMZ_JSON, PATH, G, K, N, _hex_hash, pad_hex


def _call(api_url: str, operation: str, body: dict[str, Any]) -> dict[str, Any]:
    headers = {"X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}", "Content-Type": AMZ_JSON}
    answer = requests.post(f"{api_url}{PATH}", json=body, headers=headers, timeout=30)
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()
    return result


def srp_sign_in(api_url: str, pool_id: str, client_id: str, username: str, password: str) -> dict[str, Any]:
    """InitiateAuth (USER_SRP_AUTH) then RespondToAuthChallenge (PASSWORD_VERIFIER) through the
    proxy; Cognito's AuthenticationResult."""
    small_a = secrets.randbelow(N - 2) + 1
    big_a = pow(G, small_a, N)
    started = _call(
        api_url,
        "InitiateAuth",
        {
            "AuthFlow": "USER_SRP_AUTH",
            "ClientId": client_id,
            "AuthParameters": {"USERNAME": username, "SRP_A": format(big_a, "x")},
        },
    )
    challenge = started["ChallengeParameters"]
    pool_name, user_id = pool_id.split("_", 1)[1], challenge["USER_ID_FOR_SRP"]
    big_b, salt = int(challenge["SRP_B"], 16), int(challenge["SALT"], 16)
    u = int(_hex_hash(pad_hex(big_a) + pad_hex(big_b)), 16)
    inner = hashlib.sha256(f"{pool_name}{user_id}:{password}".encode()).hexdigest()
    x = int(_hex_hash(pad_hex(salt) + inner), 16)
    shared = pow((big_b - K * pow(G, x, N)) % N, small_a + u * x, N)
    prk = hmac.digest(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(shared)), "sha256")
    key = hmac.digest(prk, b"Caldera Derived Key\x01", "sha256")[:16]
    timestamp = datetime.now(UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
    secret_block = challenge["SECRET_BLOCK"]
    message = pool_name.encode() + user_id.encode() + base64.b64decode(secret_block) + timestamp.encode()
    signature = base64.b64encode(hmac.digest(key, message, "sha256")).decode()
    answered = _call(
        api_url,
        "RespondToAuthChallenge",
        {
            "ChallengeName": "PASSWORD_VERIFIER",
            "ClientId": client_id,
            "ChallengeResponses": {
                "USERNAME": user_id,
                "PASSWORD_CLAIM_SECRET_BLOCK": secret_block,
                "PASSWORD_CLAIM_SIGNATURE": signature,
                "TIMESTAMP": timestamp,
            },
        },
    )
    result: dict[str, Any] = answered["AuthenticationResult"]
    return result
