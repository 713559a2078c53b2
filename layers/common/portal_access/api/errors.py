"""The one place domain errors become HTTP answers with the contract's error body."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.metrics import MetricUnit

from portal_access.domain import errors
from portal_access.observability import logger, metrics

# Every DomainError subclass, by its own `code` (the error body's machine-readable name), so the
# API needs no import of the modules that define them. tests/unit/test_error_map.py walks the
# package and fails when a subclass has no code of its own or its code no status here.
STATUS_BY_CODE: dict[str, HTTPStatus] = {
    # A domain rule refused well-formed input: 422 is documented on every route.
    errors.DomainError.code: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.NotFound.code: HTTPStatus.NOT_FOUND,
    errors.AlreadyExists.code: HTTPStatus.CONFLICT,
    errors.Conflict.code: HTTPStatus.CONFLICT,
    errors.PreconditionRequired.code: HTTPStatus.PRECONDITION_REQUIRED,
    errors.VersionMismatch.code: HTTPStatus.PRECONDITION_FAILED,
    errors.InvalidInput.code: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.Gone.code: HTTPStatus.GONE,
    errors.RateLimited.code: HTTPStatus.TOO_MANY_REQUESTS,
    errors.Unauthenticated.code: HTTPStatus.UNAUTHORIZED,
    "login_exists": HTTPStatus.CONFLICT,  # domain/errors.py (the accept route answers sign_in_required)
    "sign_in_required": HTTPStatus.CONFLICT,  # domain/login_setup.py
    "email_undeliverable": HTTPStatus.CONFLICT,  # domain/delivery.py
    # domain/errors.py: "nothing left to do" signals the domain catches; should one
    # escape, the state forbade the write.
    "nothing_to_revoke": HTTPStatus.CONFLICT,
    "nothing_to_record": HTTPStatus.CONFLICT,
    "task_claimed": HTTPStatus.CONFLICT,  # invitation batches: caught by the worker
    "already_counted": HTTPStatus.CONFLICT,
    "selection_too_large": HTTPStatus.UNPROCESSABLE_ENTITY,  # a dry run: narrow the selection
}


def status_of(error: errors.DomainError) -> HTTPStatus:
    """The status of the error's class, else of its nearest mapped ancestor, loudly: a class
    missing here is a defect (logged, counted), but the caller still gets its 4xx, never a 5xx
    for an input the domain refused on purpose, and never a status unrelated to what it means."""
    for cls in type(error).__mro__:
        code = cls.__dict__.get("code")
        if isinstance(code, str) and code in STATUS_BY_CODE:
            if cls is not type(error):
                logger.error("domain error without a status", error_type=type(error).__name__, code=error.code)
                metrics.add_metric(name="UnmappedDomainError", unit=MetricUnit.Count, value=1)
            return STATUS_BY_CODE[code]
    return HTTPStatus.UNPROCESSABLE_ENTITY  # unreachable: DomainError's own code is mapped


# Where a validation error sits: ("body", "contacts", 0, "email") -> "contacts[0].email".
_LOCATIONS = {"body", "query", "path", "header", "cookie"}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    error: dict[str, Any] = {"code": code, "message": message}
    if field:
        error["field"] = field
    if extra:
        error.update(extra)
    return Response(
        status_code=status, content_type=content_types.APPLICATION_JSON, body={"error": error}, headers=headers
    )


def _field_of(location: tuple[Any, ...]) -> str:
    parts = [p for p in location if p not in _LOCATIONS or p is not location[0]]
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _describe(error: dict[str, Any]) -> tuple[str, str]:
    field = _field_of(tuple(error.get("loc", ())))
    message = str(error.get("msg", "is invalid"))
    if error.get("type") == "json_invalid":
        return "body", "body is not valid JSON"
    if error.get("type") == "extra_forbidden":
        message = "is not a field of this request"
    if error.get("type") == "missing":
        message = "is required"
    message = message.removeprefix("Value error, ")
    return field or "body", message


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    """Map every domain error, validation error and surprise to the contract's error body."""

    @app.exception_handler(errors.DomainError)
    def _domain_error(error: errors.DomainError) -> Response[dict[str, Any]]:
        status = status_of(error)
        headers = {"Retry-After": str(error.retry_after)} if isinstance(error, errors.RateLimited) else None
        return error_response(status, error.code, error.message, field=error.field, headers=headers)

    @app.exception_handler(RequestValidationError)
    def _validation_error(error: RequestValidationError) -> Response[dict[str, Any]]:
        problems = [_describe(e) for e in error.errors()]
        field, message = problems[0] if problems else ("body", "request is invalid")
        details = [{"field": f, "message": m} for f, m in problems]
        return error_response(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "validation_error",
            f"{field}: {message}",
            field=field,
            extra={"details": details},
        )

    @app.exception_handler(UnicodeDecodeError)
    def _not_utf8(_: UnicodeDecodeError) -> Response[dict[str, Any]]:
        return error_response(HTTPStatus.BAD_REQUEST, "bad_request", "body must be UTF-8 encoded JSON", field="body")

    @app.not_found
    def _no_route(_: Exception) -> Response[dict[str, Any]]:
        event = app.current_event
        return error_response(HTTPStatus.NOT_FOUND, "not_found", f"no route for {event.http_method} {event.path}")

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[dict[str, Any]]:
        logger.exception("unhandled error", error_type=type(error).__name__)
        request_id = getattr(app.lambda_context, "aws_request_id", None)
        return error_response(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            "internal_error",
            "something went wrong on our side; quote the request id if you contact support",
            extra={"request_id": request_id},
        )
