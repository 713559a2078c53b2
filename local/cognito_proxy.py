"""Cognito for the hosted pages, locally: `POST /_local/cognito` at the API's origin forwards the
portal pages' Cognito calls to moto, and fills the two gaps that would make a browser test lie.

- **SRP.** moto answers USER_SRP_AUTH with random `SRP_B`/`SALT` and accepts any password claim,
  so a wrong password would sign in. Here the server side of SRP is computed as Cognito does
  (RFC 5054 group 3072, the verifier from the password moto holds, `Caldera Derived Key` HKDF),
  and a claim signature that does not verify is `NotAuthorizedException`, before moto is asked.
- **Codes.** moto does not email: the ForgotPassword code it hands back in a header is mailed
  through SES (so it shows in `/_local/outbox`) and stripped from the answer; the code typed
  into ConfirmForgotPassword is checked (moto checks only codes carrying its own prefix).

Deployed, the pages call `cognito-idp.<region>.amazonaws.com` directly; see config.json."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from moto.cognitoidp.models import cognitoidp_backends
from werkzeug.wrappers import Request, Response

PATH = "/_local/cognito"
# What a portal page may ask; everything else (Admin*, pool management) is refused.
OPERATIONS = {"InitiateAuth", "RespondToAuthChallenge", "ForgotPassword", "ConfirmForgotPassword", "GlobalSignOut"}
MOTO_CODE_PREFIX = "moto-confirmation-code:"
AMZ_JSON = "application/x-amz-json-1.1"

N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
G = 2


def pad_hex(value: int) -> str:
    """Cognito's even-length hex, with a 00 byte in front when the high bit is set."""
    text = format(value, "x")
    text = "0" + text if len(text) % 2 else text
    return "00" + text if text[0] in "89abcdef" else text


def _hex_hash(hex_text: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest()


K = int(_hex_hash(pad_hex(N) + pad_hex(G)), 16)


@dataclass
class SrpServer:
    """One USER_SRP_AUTH exchange, server side, for a user whose password we know."""

    pool_name: str  # the pool id after its "<region>_"
    user_id: str  # USER_ID_FOR_SRP
    password: str
    big_a: int
    salt: int
    small_b: int

    @classmethod
    def start(cls, pool_id: str, user_id: str, password: str, srp_a_hex: str) -> SrpServer:
        return cls(
            pool_name=pool_id.split("_", 1)[1],
            user_id=user_id,
            password=password,
            big_a=int(srp_a_hex, 16),
            salt=secrets.randbits(128),
            small_b=secrets.randbelow(N - 2) + 1,
        )

    @property
    def _verifier(self) -> int:
        inner = hashlib.sha256(f"{self.pool_name}{self.user_id}:{self.password}".encode()).hexdigest()
        return pow(G, int(_hex_hash(pad_hex(self.salt) + inner), 16), N)

    @property
    def big_b(self) -> int:
        return (K * self._verifier + pow(G, self.small_b, N)) % N

    def challenge(self) -> dict[str, str]:
        return {"SALT": pad_hex(self.salt), "SRP_B": format(self.big_b, "x")}

    def signature_ok(self, secret_block: str, timestamp: str, signature: str) -> bool:
        if self.big_a % N == 0:
            return False
        u = int(_hex_hash(pad_hex(self.big_a) + pad_hex(self.big_b)), 16)
        shared = pow(self.big_a * pow(self._verifier, u, N), self.small_b, N)
        prk = hmac.digest(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(shared)), "sha256")
        key = hmac.digest(prk, b"Caldera Derived Key\x01", "sha256")[:16]
        message = self.pool_name.encode() + self.user_id.encode() + base64.b64decode(secret_block) + timestamp.encode()
        expected = base64.b64encode(hmac.digest(key, message, "sha256")).decode()
        return hmac.compare_digest(expected, signature)


@dataclass
class _Pending:
    srp: SrpServer
    username: str
    moto_session: str


def _error(code: str, message: str, status: int = 400) -> Response:
    body = json.dumps({"__type": code, "message": message})
    return Response(body, status=status, content_type=AMZ_JSON, headers={"x-amzn-errortype": code})


def pool_of(backend: Any, client_id: str) -> Any:
    """The moto user pool that holds app client `client_id`, or None."""
    return next((p for p in backend.user_pools.values() if client_id in p.clients), None)


class CognitoProxy:
    """The local handler for POST /_local/cognito (see the module's doc)."""

    def __init__(
        self,
        moto_endpoint: str,
        send_code: Callable[[str, str], None],
        *,
        account_id: str = "123456789012",
        region: str = "us-east-1",
    ) -> None:
        self._endpoint = moto_endpoint
        self._send_code = send_code
        self._backend = cognitoidp_backends[account_id][region]
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        operation = request.headers.get("X-Amz-Target", "").rpartition(".")[2]
        if operation not in OPERATIONS:
            return _error("InvalidParameterException", f"{operation or 'this operation'} is not open to the pages")
        try:
            body = json.loads(request.get_data() or b"{}")
        except ValueError:
            return _error("SerializationException", "the body is not JSON")
        if not isinstance(body, dict):
            return _error("SerializationException", "the body is not a JSON object")
        if operation == "InitiateAuth" and body.get("AuthFlow") == "USER_SRP_AUTH":
            return self._initiate_srp(body)
        if operation == "RespondToAuthChallenge" and body.get("ChallengeName") == "PASSWORD_VERIFIER":
            return self._verify_srp(body)
        if operation == "ForgotPassword":
            return self._forgot_password(body)
        if operation == "ConfirmForgotPassword":
            return self._confirm_forgot_password(body)
        return self._forward(operation, body)

    # ------------------------------------------------------------ moto

    def _moto(self, operation: str, body: dict[str, Any]) -> requests.Response:
        headers = {"X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}", "Content-Type": AMZ_JSON}
        return requests.post(self._endpoint, data=json.dumps(body), headers=headers, timeout=30)

    def _forward(self, operation: str, body: dict[str, Any]) -> Response:
        answer = self._moto(operation, body)
        if answer.status_code >= 400 and "UserNotFoundException" in answer.text:
            # The portal client has PreventUserExistenceErrors: Cognito never says "no such user".
            return _error("NotAuthorizedException", "Incorrect username or password.")
        return Response(answer.content, status=answer.status_code, content_type=AMZ_JSON)

    def _pool_of(self, client_id: str) -> Any:
        return pool_of(self._backend, client_id)

    # ------------------------------------------------------------ SRP

    def _initiate_srp(self, body: dict[str, Any]) -> Response:
        parameters = body.get("AuthParameters") or {}
        answer = self._forward("InitiateAuth", body)
        if answer.status_code != 200:
            return answer
        started = json.loads(answer.get_data())
        challenge = started["ChallengeParameters"]
        pool = self._pool_of(str(body.get("ClientId")))
        user = pool._get_user(str(parameters.get("USERNAME")))
        try:
            srp = SrpServer.start(pool.id, challenge["USER_ID_FOR_SRP"], user.password or "", parameters["SRP_A"])
        except (KeyError, ValueError):
            return _error("InvalidParameterException", "SRP_A is not a hex number")
        secret_block = base64.b64encode(secrets.token_bytes(48)).decode()
        with self._lock:
            self._pending[secret_block] = _Pending(srp, user.username, moto_session=challenge["SECRET_BLOCK"])
        started["ChallengeParameters"] = {**challenge, **srp.challenge(), "SECRET_BLOCK": secret_block}
        return Response(json.dumps(started), content_type=AMZ_JSON)

    def _verify_srp(self, body: dict[str, Any]) -> Response:
        responses = body.get("ChallengeResponses") or {}
        with self._lock:
            pending = self._pending.pop(str(responses.get("PASSWORD_CLAIM_SECRET_BLOCK")), None)
        try:
            verified = pending is not None and pending.srp.signature_ok(
                str(responses["PASSWORD_CLAIM_SECRET_BLOCK"]),
                str(responses["TIMESTAMP"]),
                str(responses["PASSWORD_CLAIM_SIGNATURE"]),
            )
        except (KeyError, ValueError):
            verified = False
        if not verified or pending is None:
            return _error("NotAuthorizedException", "Incorrect username or password.")
        forwarded = {
            **responses,
            "USERNAME": pending.username,
            "PASSWORD_CLAIM_SECRET_BLOCK": pending.moto_session,
        }
        return self._forward("RespondToAuthChallenge", {**body, "ChallengeResponses": forwarded})

    # ------------------------------------------------------------ password reset

    def _forgot_password(self, body: dict[str, Any]) -> Response:
        answer = self._moto("ForgotPassword", body)
        code = answer.headers.get("x-moto-forgot-password-confirmation-code", "")
        if answer.status_code == 200 and code.startswith(MOTO_CODE_PREFIX):
            pool = self._pool_of(str(body.get("ClientId")))
            user = pool._get_user(str(body.get("Username")))
            email = {a["Name"]: a["Value"] for a in user.attributes}.get("email") if user else None
            if email:
                self._send_code(email, code.removeprefix(MOTO_CODE_PREFIX))
        return Response(answer.content, status=answer.status_code, content_type=AMZ_JSON)

    def _confirm_forgot_password(self, body: dict[str, Any]) -> Response:
        pool = self._pool_of(str(body.get("ClientId")))
        if pool is None:
            return _error("ResourceNotFoundException", "no such app client")
        try:
            self._backend._validate_password(pool.id, str(body.get("Password", "")))
        except Exception as refused:  # moto's InvalidPasswordException, with Cognito's message
            return _error("InvalidPasswordException", getattr(refused, "message", str(refused)))
        code = str(body.get("ConfirmationCode", ""))
        answer = self._forward("ConfirmForgotPassword", {**body, "ConfirmationCode": MOTO_CODE_PREFIX + code})
        if answer.status_code >= 400 and b"ExpiredCodeException" in answer.get_data():
            return _error("CodeMismatchException", "Invalid verification code provided, please try again.")
        return answer
