"""Fixtures shared by the unit and integration tiers: moto AWS, tables made from template.yaml,
and the template's functions loaded with the environment the template gives them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws

from devkit import moto_dynamodb
from devkit.events import PORTAL_CLIENT_ID, STAFF_CLIENT_ID
from devkit.functions import handler_of, import_function_module
from devkit.lambda_context import FakeLambdaContext
from devkit.responses import HttpResponse, decode
from devkit.template import (
    Resolver,
    function_spec,
    literal_globals_environment,
    load_template,
    placeholder_resolver,
)
from local.provision import create_queues, create_tables
from tests.support.atomic_aws import atomic_aws  # noqa: F401 - a fixture every tier may use
from tests.support.aws_calls import calls  # noqa: F401 - a fixture every tier may use

# Powertools reads POWERTOOLS_* when `portal_access.observability` is first imported, which can
# be while test modules are collected, before any function's environment is set: start from the
# template's Globals so metrics always have their namespace.
for _name, _value in literal_globals_environment(load_template()).items():
    os.environ.setdefault(_name, _value)


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and no endpoint override: nothing a test does can reach real AWS."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("POWERTOOLS_DEV", "false")


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    return load_template()


@dataclass
class Stack:
    """What the tests provisioned in moto from template.yaml."""

    template: dict[str, Any]
    resolver: Resolver
    tables: dict[str, str]

    def table(self, logical_id: str) -> str:
        return self.tables[logical_id]


@pytest.fixture
def aws(request: pytest.FixtureRequest) -> Iterator[None]:
    """moto, with each API call atomic as on AWS (moto is not, across threads)."""
    request.getfixturevalue("atomic_aws")
    moto_dynamodb.install()  # as in the local stack and the benchmarks
    with mock_aws():
        yield


@pytest.fixture
def stack(aws: None, template: dict[str, Any]) -> Stack:
    client = boto3.client("dynamodb")
    tables = create_tables(client, template, prefix="test")
    resolver = placeholder_resolver(template, "test")
    resolver.physical.update(tables)
    # The app clients get the ids the sample events' tokens carry (handlers check them).
    resolver.physical.update(StaffUserPoolClient=STAFF_CLIENT_ID, PortalUserPoolClient=PORTAL_CLIENT_ID)
    for logical_id, (url, arn) in create_queues(boto3.client("sqs"), template, prefix="test").items():
        resolver.physical[logical_id] = url  # `!Ref` of a queue is its URL
        resolver.attributes[(logical_id, "Arn")] = arn
    return Stack(template=template, resolver=resolver, tables=tables)


@dataclass
class Function:
    """A template function loaded in-process; `invoke` is one Lambda invocation."""

    module: ModuleType
    handler: Callable[[dict[str, Any], Any], Any]

    def invoke(self, event: dict[str, Any]) -> Any:
        return self.handler(event, FakeLambdaContext())


@pytest.fixture
def load_function(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Function]:
    def load(logical_id: str) -> Function:
        spec = function_spec(stack.template, logical_id, stack.resolver)
        for name, value in spec.environment.items():
            monkeypatch.setenv(name, value)
        module = import_function_module(spec, module_prefix="test_lambda_")
        return Function(module=module, handler=handler_of(spec, module))

    return load


def call(function: Function, event: dict[str, Any]) -> HttpResponse:
    """Invoke an HTTP function and decode its API Gateway answer."""
    return decode(function.invoke(event))
