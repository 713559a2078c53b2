"""Cognito's Lambda triggers, locally: moto keeps a pool's `LambdaConfig` but never calls it.

The template's `LambdaConfig` of each user pool names functions (`!GetAtt Fn.Arn`); for the
ones emulated here (`PostAuthentication`), every successful sign-in moto completes is followed
by the invocation of that function, hosted in this process, with the event Cognito sends: a
USER_PASSWORD_AUTH or SRP sign-in through moto's API directly (the tests) or through the pages'
same-origin proxy (`local/cognito_proxy.py`): every InitiateAuth or RespondToAuthChallenge (and
Admin form) that answers with tokens. As on Cognito, a token refresh is no sign-in, and a
trigger that fails fails the sign-in (`UnexpectedLambdaException`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from moto.cognitoidp.models import cognitoidp_backends
from moto.core.exceptions import JsonRESTError

from devkit.template import resources_of_type
from local.atomic import after_this_call
from local.cognito_proxy import pool_of

log = logging.getLogger("local.cognito")

EMULATED = {"PostAuthentication": "PostAuthentication_Authentication"}


def trigger_functions(template: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """pool logical id -> {trigger name -> function logical id}, for the emulated triggers."""
    found: dict[str, dict[str, str]] = {}
    for pool_id, resource in resources_of_type(template, "AWS::Cognito::UserPool").items():
        config = (resource.get("Properties") or {}).get("LambdaConfig") or {}
        for trigger, target in config.items():
            if trigger in EMULATED and isinstance(target, dict) and "Fn::GetAtt" in target:
                found.setdefault(pool_id, {})[trigger] = str(target["Fn::GetAtt"][0])
    return found


def post_authentication_event(pool: Any, client_id: str, user: Any, region: str) -> dict[str, Any]:
    attributes = {a["Name"]: a["Value"] for a in user.attributes}
    attributes["cognito:user_status"] = user.status
    return {
        "version": "1",
        "triggerSource": EMULATED["PostAuthentication"],
        "region": region,
        "userPoolId": pool.id,
        "userName": user.username,
        "callerContext": {"awsSdkVersion": "local", "clientId": client_id},
        "request": {"userAttributes": attributes, "newDeviceUsed": False},
        "response": {},
    }


REFRESH_FLOWS = {"REFRESH_TOKEN", "REFRESH_TOKEN_AUTH"}  # no sign-in: no trigger, as on Cognito


def install_triggers(
    template: Mapping[str, Any],
    pool_ids: Mapping[str, str],
    invoke: Callable[[str, Mapping[str, Any]], Any],
    *,
    account_id: str = "123456789012",
    region: str = "us-east-1",
) -> dict[str, str]:
    """Wrap moto's sign-in operations (InitiateAuth, RespondToAuthChallenge and their Admin
    forms) so that an answer with tokens runs the pool's Post Authentication function; returns
    pool id -> function logical id of what was installed."""
    targets = {
        pool_ids[pool]: triggers["PostAuthentication"]
        for pool, triggers in trigger_functions(template).items()
        if pool in pool_ids and "PostAuthentication" in triggers
    }
    backend = cognitoidp_backends[account_id][region]

    def after_sign_in(answer: Mapping[str, Any], client_id: str, username: str | None) -> None:
        """The pool's trigger, when `answer` ended a sign-in with tokens."""
        if "AuthenticationResult" not in answer:
            return
        pool = pool_of(backend, client_id)
        function_id = targets.get(pool.id) if pool is not None else None
        if pool is None or function_id is None or not username:
            return
        event = post_authentication_event(pool, client_id, pool._get_user(username), region)

        def run_trigger() -> None:
            try:
                invoke(function_id, event)
            except Exception as error:
                log.warning("PostAuthentication trigger %s failed: the sign-in fails", function_id)
                raise JsonRESTError(
                    "UnexpectedLambdaException", f"PostAuthentication failed with error {error}."
                ) from error

        # The function writes to DynamoDB through the same moto server: it runs once this
        # Cognito call has released the server's one-call lock (local/atomic.py).
        after_this_call(run_trigger)

    # moto's AdminRespondToAuthChallenge answers through RespondToAuthChallenge: wrapping both
    # would run the trigger twice for one sign-in.
    initiate, respond, admin_initiate = (
        backend.initiate_auth,
        backend.respond_to_auth_challenge,
        backend.admin_initiate_auth,
    )

    def initiate_auth(client_id: str, auth_flow: str, auth_parameters: dict[str, str]) -> dict[str, Any]:
        answer: dict[str, Any] = initiate(client_id, auth_flow, auth_parameters)
        if auth_flow not in REFRESH_FLOWS:
            after_sign_in(answer, client_id, auth_parameters.get("USERNAME"))
        return answer

    def admin_initiate_auth(
        user_pool_id: str, client_id: str, auth_flow: str, auth_parameters: dict[str, str]
    ) -> dict[str, Any]:
        answer: dict[str, Any] = admin_initiate(user_pool_id, client_id, auth_flow, auth_parameters)
        if auth_flow not in REFRESH_FLOWS:
            after_sign_in(answer, client_id, auth_parameters.get("USERNAME"))
        return answer

    def respond_to_auth_challenge(
        session: str, client_id: str, challenge_name: str, challenge_responses: dict[str, str]
    ) -> dict[str, Any]:
        answer: dict[str, Any] = respond(session, client_id, challenge_name, challenge_responses)
        after_sign_in(answer, client_id, challenge_responses.get("USERNAME"))
        return answer

    backend.initiate_auth = initiate_auth  # type: ignore[method-assign]
    backend.admin_initiate_auth = admin_initiate_auth  # type: ignore[method-assign]
    backend.respond_to_auth_challenge = respond_to_auth_challenge  # type: ignore[method-assign]
    return targets
