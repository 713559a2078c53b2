"""template.yaml as data: a YAML loader that understands CloudFormation tags, a resolver of
intrinsic functions, and the pieces of the template the local stack, the benchmarks, the scripts
and the tests need (tables, functions with their environment, the functions' events). Every
reader of template.yaml goes through this module."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"

_SCALAR_FUNCTIONS = {"Ref": "Ref", "Condition": "Condition"}
_LOGICAL = {"Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition"}


class _CloudFormationLoader(yaml.SafeLoader):
    """Turns `!Ref X` into {"Ref": "X"}, `!GetAtt A.B` into {"Fn::GetAtt": ["A", "B"]}, etc."""


def _construct_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = _SCALAR_FUNCTIONS.get(tag_suffix, f"Fn::{tag_suffix}")
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if tag_suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=_CloudFormationLoader)  # noqa: S506 - safe loader subclass
    return loaded


def resources_of_type(template: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template.get("Resources", {}).items()
        if resource.get("Type") == resource_type
    }


@dataclass
class Resolver:
    """Resolves intrinsic functions against what the local stack created.

    `physical` maps a logical id to its physical id (a table name, a pool id), `attributes`
    maps (logical id, attribute) to values such as an ARN, `parameters` are the template's
    parameters with their values.
    """

    physical: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)
    pseudo: dict[str, str] = field(
        default_factory=lambda: {
            "AWS::Region": "us-east-1",
            "AWS::AccountId": "123456789012",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::Partition": "aws",
            "AWS::StackName": "portal-access-local",
        }
    )
    conditions: dict[str, bool] = field(default_factory=dict)

    def ref(self, name: str) -> str:
        for source in (self.parameters, self.pseudo, self.physical):
            if name in source:
                return source[name]
        raise KeyError(f"!Ref {name}: nothing local by that name")

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                logical, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.attributes[(logical, attribute)]
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::If":
                condition, when_true, when_false = arg
                return self.resolve(when_true if self.conditions.get(condition, False) else when_false)
            if key == "Fn::Join":
                separator, parts = arg
                return separator.join(str(self.resolve(p)) for p in parts)
            if key == "Fn::Select":
                index, values = arg
                return self.resolve(values)[int(index)]
            if key == "Fn::Split":
                separator, text = arg
                return str(self.resolve(text)).split(separator)
            if key in _LOGICAL:
                return self._logical(key, arg)
        return {k: self.resolve(v) for k, v in value.items()}

    def _logical(self, key: str, arg: Any) -> bool:
        """Condition functions: Fn::Equals, Fn::Not, Fn::And, Fn::Or and a named Condition."""
        if key == "Fn::Equals":
            left, right = arg
            return str(self.resolve(left)) == str(self.resolve(right))
        if key == "Fn::Not":
            return not self.resolve(arg[0])
        if key == "Fn::And":
            return all(self.resolve(v) for v in arg)
        if key == "Fn::Or":
            return any(self.resolve(v) for v in arg)
        return self.conditions[arg]

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name:
                logical, attribute = name.split(".", 1)
                return self.attributes[(logical, attribute)]
            return self.ref(name)

        return re.sub(r"\$\{([^}!]+)\}", replace, text)


def placeholder_resolver(template: Mapping[str, Any], prefix: str) -> Resolver:
    """Made-up names for every resource (`{prefix}-{LogicalId}`, ARNs alike): enough to build a
    function's environment when nothing is called at import (cold starts, the OpenAPI document)."""
    resolver = Resolver(parameters=parameter_defaults(template))
    for logical_id in template.get("Resources", {}):
        resolver.physical[logical_id] = f"{prefix}-{logical_id}"
        for attribute in _PLACEHOLDER_ATTRIBUTES:
            resolver.attributes[(logical_id, attribute)] = f"arn:aws:{prefix}:::{logical_id}/{attribute}"
    return resolver


_PLACEHOLDER_ATTRIBUTES = ("Arn", "StreamArn", "QueueName", "QueueUrl", "ProviderURL")


def evaluate_conditions(template: Mapping[str, Any], resolver: Resolver) -> dict[str, bool]:
    """The template's Conditions, evaluated with the resolver's parameters (in dependency order)."""
    pending = dict(template.get("Conditions", {}))
    while pending:
        progressed = False
        for name, expression in list(pending.items()):
            try:
                resolver.conditions[name] = bool(resolver.resolve(expression))
            except KeyError:
                continue
            del pending[name]
            progressed = True
        if not progressed:
            raise KeyError(f"conditions that cannot be evaluated: {sorted(pending)}")
    return resolver.conditions


def parameter_defaults(template: Mapping[str, Any]) -> dict[str, str]:
    return {name: str(spec.get("Default", "")) for name, spec in template.get("Parameters", {}).items()}


def create_table_request(table_name: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """CreateTable arguments for an AWS::DynamoDB::Table's properties."""
    request: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "KeySchema": properties["KeySchema"],
        "BillingMode": properties.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if "GlobalSecondaryIndexes" in properties:
        request["GlobalSecondaryIndexes"] = properties["GlobalSecondaryIndexes"]
    stream = properties.get("StreamSpecification")
    if stream:
        request["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": stream["StreamViewType"],
        }
    if properties.get("SSESpecification", {}).get("SSEEnabled"):
        request["SSESpecification"] = {"Enabled": True}
    return request


def ttl_attribute(properties: Mapping[str, Any]) -> str | None:
    spec = properties.get("TimeToLiveSpecification") or {}
    return spec.get("AttributeName") if spec.get("Enabled") else None


def table_names(template: Mapping[str, Any], prefix: str) -> dict[str, str]:
    """Local physical names of every table: `{prefix}-{LogicalId}`."""
    return {logical: f"{prefix}-{logical}" for logical in resources_of_type(template, "AWS::DynamoDB::Table")}


@dataclass(frozen=True)
class FunctionSpec:
    """What the local stack needs of an AWS::Serverless::Function, Globals merged in."""

    logical_id: str
    code_uri: Path
    handler: str
    environment: dict[str, str]
    events: dict[str, dict[str, Any]]
    timeout: int
    memory_size: int = 128


@dataclass(frozen=True)
class FunctionEvent:
    """One entry of a function's `Events`, as the template writes it (unresolved)."""

    function_id: str
    event_id: str
    type: str  # HttpApi, DynamoDB, SQS, Schedule, ...
    properties: dict[str, Any]


# Lambda's event source mappings hand over at most this many records when BatchSize is not set.
DEFAULT_BATCH_SIZE = {"DynamoDB": 100, "Kinesis": 100, "SQS": 10}


def function_events(template: Mapping[str, Any], *types: str) -> list[FunctionEvent]:
    """Every event of every AWS::Serverless::Function (only those of `types` when given)."""
    return [
        FunctionEvent(function_id, event_id, str(event.get("Type", "")), dict(event.get("Properties") or {}))
        for function_id, resource in resources_of_type(template, "AWS::Serverless::Function").items()
        for event_id, event in (resource["Properties"].get("Events") or {}).items()
        if not types or event.get("Type") in types
    ]


def function_spec(template: Mapping[str, Any], logical_id: str, resolver: Resolver) -> FunctionSpec:
    globals_ = template.get("Globals", {}).get("Function", {})
    properties = template["Resources"][logical_id]["Properties"]
    variables = properties.get("Environment", {}).get("Variables", {})
    return FunctionSpec(
        logical_id=logical_id,
        code_uri=ROOT / properties["CodeUri"],
        handler=properties["Handler"],
        environment={
            **globals_environment(template, resolver),
            **{name: str(resolver.resolve(value)) for name, value in variables.items()},
        },
        events=properties.get("Events", {}),
        timeout=int(properties.get("Timeout", globals_.get("Timeout", 3))),
        memory_size=int(properties.get("MemorySize", globals_.get("MemorySize", 128))),
    )


def literal_globals_environment(template: Mapping[str, Any]) -> dict[str, str]:
    """The Globals environment variables written as plain strings (no stack needed to know them)."""
    variables = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    return {name: value for name, value in variables.items() if isinstance(value, str)}


def globals_environment(template: Mapping[str, Any], resolver: Resolver) -> dict[str, str]:
    """The environment every function gets from the template's Globals, resolved."""
    variables = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    return {name: str(resolver.resolve(value)) for name, value in variables.items()}
