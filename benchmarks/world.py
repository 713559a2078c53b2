"""An in-process AWS (moto) made from template.yaml, with every function of the template loaded
as at a cold start and devkit's recorder of every AWS call the functions make. Shared by
`make bench` and tests/integration/test_call_budget.py; benchmarks/seed.py fills its tables.

The recorder is a botocore `before-call` handler on boto3's default session, registered before
the functions are imported: every client a function builds at its cold start inherits it, so
each API call (not each retry) is one recorded call, with its service and operation name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import TYPE_CHECKING, Any

import boto3
from moto import mock_aws

from devkit import moto_dynamodb
from devkit.aws_calls import AwsCalls, listening
from devkit.events import STAFF_CLAIMS, http_event
from devkit.functions import Handler, environment, handler_of, import_function_module
from devkit.lambda_context import FakeLambdaContext
from devkit.responses import HttpResponse, decode
from devkit.routes import Route, routes_of
from devkit.template import (
    DEFAULT_BATCH_SIZE,
    FunctionSpec,
    Resolver,
    function_events,
    function_spec,
    parameter_defaults,
    resources_of_type,
)
from local.provision import provision

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import WriteRequestTypeDef

REGION = "us-east-1"
PREFIX = "bench"
SENDER_PARAMETERS = ("SesFromAddress",)  # template parameters naming an email sender: verified in SES
PORTAL_LOGIN = "bench-portal-login-0001"
PORTAL_CLAIMS: dict[str, Any] = {"sub": PORTAL_LOGIN, "username": PORTAL_LOGIN, "token_use": "access"}
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "POWERTOOLS_DEV": "false",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
    "POWERTOOLS_METRICS_DISABLED": "true",
}


# The template's event consumers


@dataclass(frozen=True, slots=True)
class Consumer:
    """A function fed by a stream, a queue or a schedule rather than by the HTTP API."""

    function: str
    event_type: str  # DynamoDB, SQS, ...
    batch_size: int  # the event source mapping's BatchSize: the batch the function gets at most


def consumers(template: Mapping[str, Any]) -> list[Consumer]:
    found = [
        Consumer(event.function_id, event.type, int(event.properties.get("BatchSize", default_batch(event.type))))
        for event in function_events(template)
        if event.type not in {"HttpApi", "Api"}
    ]
    return sorted(found, key=lambda c: c.function)


def default_batch(event_type: str) -> int:
    return DEFAULT_BATCH_SIZE.get(event_type, 100)


# HTTP


@dataclass
class Request:
    """One valid request to a route; `status` is the success the contract names."""

    params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    query: dict[str, str] | None = None
    headers: dict[str, str] | None = None
    status: int = 200
    claims: dict[str, Any] | None = None  # None: what the route's authorizer puts there
    source_ip: str | None = None  # None: a new one per request (public routes rate-limit by IP)


# Functions


@dataclass
class LoadedFunction:
    spec: FunctionSpec
    module: ModuleType | None
    handler: Handler | None
    error: str | None = None

    def invoke(self, event: dict[str, Any]) -> Any:
        if self.handler is None:
            raise RuntimeError(f"{self.spec.logical_id} did not load: {self.error}")
        with environment(self.spec.environment):
            return self.handler(event, FakeLambdaContext(function_name=self.spec.logical_id))


# The world


@dataclass
class Seeded:
    """What the fillers put in the tables so far (accounts + sites + contacts = items)."""

    accounts: int = 0
    sites: int = 0
    contacts: int = 0
    hot_sites: list[str] = field(default_factory=list)
    hot_contacts: list[str] = field(default_factory=list)
    next_filler: int = 0

    @property
    def items(self) -> int:
        return self.accounts + self.sites + self.contacts


class World:
    """Everything `open_world` made; `grow(n)` fills the tables up to n items."""

    HOT_ACCOUNT = "49418"
    HOT_CLASS = "COMM"

    def __init__(self, template: Mapping[str, Any], resolver: Resolver, recorder: AwsCalls) -> None:
        self.template = template
        self.resolver = resolver
        self.recorder = recorder
        self.client: DynamoDBClient = boto3.client("dynamodb", region_name=REGION)
        self.functions: dict[str, LoadedFunction] = {}
        self.routes = {r.route_key: r for r in routes_of(template)}
        self.consumers = consumers(template)
        self.seeded = Seeded()
        self.state: dict[str, Any] = {}  # what recipes keep between calls
        self._counter = 0

    # names

    def table(self, logical_id: str) -> str:
        return self.resolver.physical[logical_id]

    def unique(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter:05d}"

    def new_ip(self) -> str:
        self._counter += 1
        return f"198.18.{self._counter // 250 % 250}.{self._counter % 250 + 1}"

    # invoking

    def function(self, logical_id: str) -> LoadedFunction:
        return self.functions[logical_id]

    def reload(self, logical_id: str) -> LoadedFunction:
        """A new cold start of the function: its module, clients and caches built again."""
        self.functions[logical_id] = load(self.template, logical_id, self.resolver)
        return self.functions[logical_id]

    def event(self, route: Route, request: Request) -> dict[str, Any]:
        path = route.path
        for name, value in request.params.items():
            path = path.replace("{" + name + "}", value)
        claims = request.claims
        if claims is None:
            # The handlers check the token's app client, so the claims name the provisioned ones.
            claims = {
                "StaffAuthorizer": {**STAFF_CLAIMS, "client_id": self.resolver.physical["StaffUserPoolClient"]},
                "PortalAuthorizer": {**PORTAL_CLAIMS, "client_id": self.resolver.physical["PortalUserPoolClient"]},
            }.get(route.authorizer or "")
        source_ip = request.source_ip or self.new_ip()
        event = http_event(
            route.method,
            path,
            body=request.body,
            claims=claims,
            headers=request.headers,
            query=request.query,
            source_ip=source_ip,
        )
        event["routeKey"] = route.route_key
        event["requestContext"]["routeKey"] = route.route_key
        event["pathParameters"] = dict(request.params) or None
        return event

    def invoke(self, route: Route, request: Request) -> HttpResponse:
        return decode(self.function(route.function_id).invoke(self.event(route, request)))

    def call(self, key: str, request: Request) -> HttpResponse:
        """A request that must succeed (setup for a measured one): raises otherwise."""
        response = self.invoke(self.routes[key], request)
        if response.status != request.status:
            raise AssertionError(f"setup {key} -> {response.status} (wanted {request.status}): {response.body}")
        return response


@contextmanager
def open_world(template: Mapping[str, Any]) -> Iterator[World]:
    """moto for the block, with the template's resources, SES, the call recorder and every function."""
    with ExitStack() as stack:
        stack.enter_context(environment(FAKE_CREDENTIALS))
        endpoint = os.environ.pop("AWS_ENDPOINT_URL", None)  # moto in-process, never a real or local endpoint
        if endpoint is not None:
            stack.callback(os.environ.__setitem__, "AWS_ENDPOINT_URL", endpoint)
        moto_dynamodb.install()  # at 100k items moto's whole-table copies and scans take hours
        stack.enter_context(mock_aws())
        boto3.setup_default_session(region_name=REGION)
        session = boto3.DEFAULT_SESSION
        assert session is not None
        stack.callback(setattr, boto3, "DEFAULT_SESSION", None)
        # Paused but for `recording()` blocks: setup and seeding are not counted.
        recorder = stack.enter_context(listening(session.events, AwsCalls(paused=True)))
        resolver = provision_template(template)
        world = World(template, resolver, recorder)
        for logical_id in resources_of_type(template, "AWS::Serverless::Function"):
            world.functions[logical_id] = load(template, logical_id, resolver)
        yield world


def provision_template(template: Mapping[str, Any]) -> Resolver:
    """Everything the template declares, as the local stack provisions it (local/provision.py):
    tables, queues, user pools and clients, the sender's SES identity."""
    done = provision(
        template,
        dynamodb=boto3.client("dynamodb", region_name=REGION),
        sqs=boto3.client("sqs", region_name=REGION),
        cognito=boto3.client("cognito-idp", region_name=REGION),
        sesv2=boto3.client("sesv2", region_name=REGION),
        prefix=PREFIX,
        parameters=parameter_defaults(template),
        sender_parameters=SENDER_PARAMETERS,
        region=REGION,
    )
    return done.resolver


def load(template: Mapping[str, Any], logical_id: str, resolver: Resolver) -> LoadedFunction:
    """One function as at a cold start; a function that does not import yet is reported, not fatal."""
    spec = function_spec(template, logical_id, resolver)
    # Quiet: the bench prints a table on stdout, where Powertools writes its logs.
    spec = replace(spec, environment={**spec.environment, "POWERTOOLS_LOG_LEVEL": "ERROR"})
    try:
        module = import_function_module(spec, module_prefix=f"{PREFIX}_")
        return LoadedFunction(spec, module, handler_of(spec, module))
    except Exception as error:  # a function being written by someone else
        return LoadedFunction(spec, None, None, error=f"{type(error).__name__}: {error}")


def batch_write(client: DynamoDBClient, table_name: str, items: list[dict[str, Any]]) -> None:
    """Put items 25 at a time, retrying what moto (or DynamoDB) hands back unprocessed."""
    for start in range(0, len(items), 25):
        requests: list[WriteRequestTypeDef] = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        pending: Mapping[str, Any] = {table_name: requests}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
