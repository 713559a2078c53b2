"""Domain errors. They say what went wrong in the domain's words; `api.errors` maps them to HTTP.

The data layer raises some of them from failed write conditions (it may import this module and
nothing else of the domain)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The thing does not exist, or the caller may not know that it does."""

    code = "not_found"


class AlreadyExists(DomainError):
    code = "already_exists"


class Conflict(DomainError):
    """The request is valid but the current state forbids it (e.g. portal access disabled)."""

    code = "conflict"


class PreconditionRequired(DomainError):
    code = "precondition_required"


class VersionMismatch(DomainError):
    """An optimistic-lock version no longer matches the stored one."""

    code = "version_mismatch"


class InvalidInput(DomainError):
    """Well-formed input that breaks a domain rule (e.g. a site of another account)."""

    code = "invalid_input"


class Gone(DomainError):
    """A one-time thing (an invitation token) that was used, revoked or has expired."""

    code = "gone"


class RateLimited(DomainError):
    """Over a rate limit; `retry_after` seconds until the caller may try again (`Retry-After`)."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


class Unauthenticated(DomainError):
    code = "unauthenticated"


class LoginExists(Conflict):
    """Creating a portal login found the email taken: another caller created that login first."""

    code = "login_exists"


class NothingToRevoke(DomainError):
    """The earlier invitation is no longer unused (accepted, failed, revoked or expired)."""

    code = "nothing_to_revoke"


class NothingToRecord(DomainError):
    """The invitation is unknown, or already knows this (a redelivered or out-of-date report)."""

    code = "nothing_to_record"


class TaskClaimed(DomainError):
    """An invitation batch already holds this contact (a redelivered message): no second email."""

    code = "task_claimed"


class AlreadyCounted(DomainError):
    """An invitation batch's page counts or a contact's outcome are recorded already."""

    code = "already_counted"


class SelectionTooLarge(InvalidInput):
    """A dry run's selection holds more than one request can examine in the API's time limit."""

    code = "selection_too_large"


class LoginSwitchFailed(Exception):
    """The identity provider refused or failed to switch a portal login off or on (throttled,
    misconfigured): logged and counted, never an answer, so not a DomainError (login_switch.py)."""
