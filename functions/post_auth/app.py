"""The portal user pool's Post Authentication trigger: after every successful sign-in, the
login's last sign-in is stamped (one UpdateItem) for the access review.

Cognito fails the sign-in when its trigger fails, so nothing of ours may: an event we cannot
read or a write that fails is logged and counted (`SignInStampFailed`), and the event goes back
as it came, as Cognito expects."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from portal_access.config import PostAuthenticationConfig
from portal_access.models.sign_ins import PostAuthenticationEvent
from portal_access.observability import logger, metrics
from portal_access.wiring.post_auth import build_sign_in_stamps

stamps = build_sign_in_stamps(PostAuthenticationConfig.from_env())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        sign_in = PostAuthenticationEvent.model_validate(event)
        stamps.signed_in(sign_in.request.user_attributes.sub, sign_in.request.user_attributes.email)
    except ValidationError as error:
        logger.warning("sign-in not stamped: not a Post Authentication event", errors=error.error_count())
        metrics.add_metric(name="SignInStampFailed", unit=MetricUnit.Count, value=1)
    except Exception:
        logger.exception("sign-in not stamped", trigger_source=event.get("triggerSource"))
        metrics.add_metric(name="SignInStampFailed", unit=MetricUnit.Count, value=1)
    else:
        metrics.add_metric(name="SignInStamped", unit=MetricUnit.Count, value=1)
    return event
