"""Every domain error has its own status: a new `DomainError` subclass anywhere in the package
fails here until `api/errors.py` maps it, and one that slips through still answers its nearest
mapped ancestor's 4xx, logged and counted, never a silent default."""

from __future__ import annotations

import importlib
import json
import pkgutil
from http import HTTPStatus
from typing import TYPE_CHECKING, cast

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

import portal_access
from devkit.events import http_event
from devkit.lambda_context import FakeLambdaContext
from portal_access.api.errors import STATUS_BY_CODE, register_error_handlers, status_of
from portal_access.domain import errors
from portal_access.observability import metrics
from scripts.openapi_errors import DESCRIPTIONS, DOMAIN_ERRORS

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


def domain_errors() -> list[type[errors.DomainError]]:
    """Every DomainError subclass the package defines, wherever it lives."""
    for module in pkgutil.walk_packages(portal_access.__path__, f"{portal_access.__name__}."):
        importlib.import_module(module.name)
    found: list[type[errors.DomainError]] = []
    pending = [errors.DomainError]
    while pending:
        cls = pending.pop()
        if cls.__module__.startswith(f"{portal_access.__name__}."):
            found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_the_walk_finds_errors_outside_errors_py():
    names = {c.__name__ for c in domain_errors()}
    assert {"NothingToRevoke", "NothingToRecord", "SignInRequired", "EmailUndeliverable", "LoginExists"} <= names


def test_every_domain_error_has_a_status_of_its_own():
    unmapped = [
        f"{c.__module__}.{c.__qualname__} (code {c.__dict__.get('code')!r})"
        for c in domain_errors()
        if "code" not in c.__dict__ or c.__dict__["code"] not in STATUS_BY_CODE
    ]
    assert not unmapped, f"give each its own `code` and a status in api/errors.py STATUS_BY_CODE: {unmapped}"


def test_no_two_domain_errors_share_a_code_and_no_entry_is_stale():
    codes = [c.__dict__["code"] for c in domain_errors() if "code" in c.__dict__]
    assert len(codes) == len(set(codes)), f"codes name one error each: {sorted(codes)}"
    stale = set(STATUS_BY_CODE) - set(codes)
    assert not stale, f"STATUS_BY_CODE has entries no error carries: {stale}"


def test_domain_errors_answer_4xx_only():
    assert all(400 <= status < 500 for status in STATUS_BY_CODE.values())


def test_the_openapi_documents_every_status_the_map_can_answer():
    """scripts/openapi_errors.py describes each status (so a route can declare it), and a route's
    domain errors are statuses some domain error answers."""
    answered = set(STATUS_BY_CODE.values())
    assert answered <= set(DESCRIPTIONS), f"describe in DESCRIPTIONS: {answered - set(DESCRIPTIONS)}"
    declared = {status for statuses in DOMAIN_ERRORS.values() for status in statuses}
    assert declared <= answered, f"DOMAIN_ERRORS names statuses no domain error answers: {declared - answered}"


class Unmapped(errors.Conflict):
    code = "not_in_the_map"


class UnmappedBare(errors.DomainError):
    """Inherits DomainError's code: no status of its own."""


@pytest.fixture
def fresh_metrics():
    metrics.clear_metrics()
    yield metrics
    metrics.clear_metrics()


@pytest.mark.parametrize(
    ("error", "status"),
    [(Unmapped("state forbids it"), HTTPStatus.CONFLICT), (UnmappedBare("refused"), HTTPStatus.UNPROCESSABLE_ENTITY)],
)
def test_an_unmapped_error_answers_its_nearest_mapped_ancestor_loudly(error, status, fresh_metrics, caplog):
    assert status_of(error) == status
    assert "UnmappedDomainError" in fresh_metrics.metric_set
    assert [r.levelname for r in caplog.records if r.getMessage() == "domain error without a status"] == ["ERROR"]


def test_a_mapped_error_is_neither_logged_nor_counted(fresh_metrics, caplog):
    assert status_of(errors.Gone("used")) == HTTPStatus.GONE
    assert "UnmappedDomainError" not in fresh_metrics.metric_set
    assert not [r for r in caplog.records if r.getMessage() == "domain error without a status"]


def test_the_route_answers_the_ancestor_status_with_the_error_own_code(fresh_metrics):
    app = APIGatewayHttpResolver()
    register_error_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        raise Unmapped("the state forbids it", field="thing")

    response = app.resolve(http_event("GET", "/boom"), cast("LambdaContext", FakeLambdaContext()))
    assert response["statusCode"] == HTTPStatus.CONFLICT
    assert json.loads(response["body"]) == {
        "error": {"code": "not_in_the_map", "message": "the state forbids it", "field": "thing"}
    }
