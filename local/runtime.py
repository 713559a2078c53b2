"""Every function of the template hosted in this one process, as Lambda would run them.

Each function's module is imported once, under its own module name, with its own environment
(its cold start). Invocations are serialised by one lock, and the function's environment is in
`os.environ` for exactly the duration of its invocation, since the functions share a process.
The event and the answer go through JSON, as they do between Lambda and a function."""

from __future__ import annotations

import json
import logging
import threading
import time
import traceback
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from devkit.functions import Handler, environment, handler_of, import_function_module
from devkit.template import FunctionSpec
from local.event_sources import FunctionError
from local.gateway import FunctionFailed

log = logging.getLogger("local.runtime")

ACCOUNT_ID = "123456789012"


class InvocationError(FunctionFailed, FunctionError):
    """The function raised, or returned something that is not JSON."""


@dataclass
class LambdaContext:
    """The context object a Python handler receives."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def function_arn(function_name: str, region: str = "us-east-1") -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{function_name}"


class FunctionHost:
    """Loads and invokes the template's functions in-process."""

    def __init__(self, specs: Mapping[str, FunctionSpec], *, prefix: str, region: str) -> None:
        self.specs = dict(specs)
        self._prefix = prefix
        self._region = region
        self._handlers: dict[str, Handler] = {}
        self._lock = threading.Lock()

    def name_of(self, logical_id: str) -> str:
        return f"{self._prefix}-{logical_id}"

    def arn_of(self, logical_id: str) -> str:
        return function_arn(self.name_of(logical_id), self._region)

    def _runtime_variables(self, spec: FunctionSpec) -> dict[str, str]:
        """What the Lambda runtime adds to the template's variables."""
        return {
            "AWS_LAMBDA_FUNCTION_NAME": self.name_of(spec.logical_id),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{self.name_of(spec.logical_id)}",
            "_HANDLER": spec.handler,
            **spec.environment,
        }

    def load_all(self) -> None:
        """Every function's cold start, now: an import error shows at startup, not at first call."""
        with self._lock:
            for logical_id, spec in self.specs.items():
                with environment(self._runtime_variables(spec)):
                    module = import_function_module(spec, module_prefix=f"{self._prefix.replace('-', '_')}_")
                self._handlers[logical_id] = handler_of(spec, module)

    def invoke(self, logical_id: str, event: Mapping[str, Any]) -> Any:
        """One invocation; `InvocationError` when the function fails (as Lambda reports it)."""
        spec = self.specs[logical_id]
        payload = json.loads(json.dumps(event))
        context = LambdaContext(
            function_name=self.name_of(logical_id),
            memory_limit_in_mb=spec.memory_size,
            invoked_function_arn=self.arn_of(logical_id),
            timeout_seconds=spec.timeout,
        )
        with self._lock, environment(self._runtime_variables(spec)):
            started = time.monotonic()
            try:
                result = self._handlers[logical_id](payload, context)
                answer = json.loads(json.dumps(result))
            except Exception as error:
                log.error("%s failed (request %s):\n%s", logical_id, context.aws_request_id, traceback.format_exc())
                raise InvocationError(f"{type(error).__name__}: {error}") from error
            elapsed = time.monotonic() - started
        if elapsed > spec.timeout:
            log.warning("%s took %.1f s, over its %d s timeout", logical_id, elapsed, spec.timeout)
        return answer
