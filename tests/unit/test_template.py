"""Invariants of template.yaml that every later change must keep."""

from __future__ import annotations

from typing import Any

from devkit.routes import routes_of
from devkit.template import resources_of_type

# SAM policy templates that grant Scan or whole-table writes beyond what a route needs.
TOO_BROAD = {"DynamoDBCrudPolicy", "DynamoDBReadPolicy", "DynamoDBWritePolicy", "AmazonDynamoDBFullAccess"}


def _statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for policy in function["Properties"].get("Policies", []):
        names = {policy} if isinstance(policy, str) else set(policy)
        assert not names & TOO_BROAD, f"{names & TOO_BROAD}: write explicit statements instead"
        if isinstance(policy, dict) and "Statement" in policy:
            statements.extend(policy["Statement"])
    return statements


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_functions_run_python_313_with_the_common_layer(template):
    globals_ = template["Globals"]["Function"]
    assert globals_["Runtime"] == "python3.13"
    assert {"Ref": "CommonLayer"} in globals_["Layers"]
    variables = globals_["Environment"]["Variables"]
    assert {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_METRICS_NAMESPACE"} <= set(variables)


def test_policies_are_least_privilege(template):
    functions = resources_of_type(template, "AWS::Serverless::Function")
    assert functions
    for logical_id, function in functions.items():
        for statement in _statements(function):
            actions = _as_list(statement["Action"])
            assert "*" not in actions, logical_id
            for action in actions:
                assert not action.endswith(":*"), f"{logical_id}: {action}"
                assert action != "dynamodb:Scan", f"{logical_id} may Scan"
            if any(a.startswith(("dynamodb:", "sqs:", "cognito-idp:")) for a in actions):
                assert "*" not in _as_list(statement["Resource"]), f"{logical_id}: {actions} on every resource"


def test_tables_are_on_demand_encrypted_and_recoverable(template):
    tables = resources_of_type(template, "AWS::DynamoDB::Table")
    assert {"AccountsTable", "SettingsTable", "ContactsTable", "ActivityTable"} <= set(tables)
    for logical_id, table in tables.items():
        properties = table["Properties"]
        assert properties["BillingMode"] == "PAY_PER_REQUEST", logical_id
        assert properties["SSESpecification"]["SSEEnabled"] is True, logical_id
        assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, logical_id
    assert tables["ContactsTable"]["Properties"]["StreamSpecification"]["StreamViewType"] in {
        "NEW_IMAGE",
        "NEW_AND_OLD_IMAGES",
    }


def test_app_clients_hide_whether_a_user_exists(template):
    clients = resources_of_type(template, "AWS::Cognito::UserPoolClient")
    assert set(clients) == {"StaffUserPoolClient", "PortalUserPoolClient"}
    for client in clients.values():
        assert client["Properties"]["PreventUserExistenceErrors"] == "ENABLED"
        assert client["Properties"]["GenerateSecret"] is False
    portal_flows = set(clients["PortalUserPoolClient"]["Properties"]["ExplicitAuthFlows"])
    assert {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"} <= portal_flows


def test_api_denies_by_default_and_throttles(template):
    (api,) = resources_of_type(template, "AWS::Serverless::HttpApi").values()
    properties = api["Properties"]
    assert properties["Auth"]["DefaultAuthorizer"] == "StaffAuthorizer"
    assert properties["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
    assert properties["DefaultRouteSettings"]["ThrottlingBurstLimit"] > 0


def test_functions_run_on_graviton_with_a_layer_built_for_it(template):
    """A layer built for another architecture would ship x86 wheels (pydantic_core, nh3) to arm64
    functions: they would fail at their first import."""
    functions = resources_of_type(template, "AWS::Serverless::Function")
    globals_ = template["Globals"]["Function"]
    architectures = {tuple(f["Properties"].get("Architectures", globals_["Architectures"])) for f in functions.values()}
    assert architectures == {("arm64",)}
    layer = template["Resources"]["CommonLayer"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    assert layer["Metadata"]["BuildArchitecture"] == "arm64"


def test_active_tracing_without_a_tracer_sdk(template):
    """Lambda records each invocation's trace itself; no Powertools Tracer setting remains."""
    globals_ = template["Globals"]["Function"]
    assert globals_["Tracing"] == "Active"
    variables = globals_["Environment"]["Variables"]
    for function in resources_of_type(template, "AWS::Serverless::Function").values():
        variables = {**variables, **function["Properties"].get("Environment", {}).get("Variables", {})}
    assert not [name for name in variables if name.startswith("POWERTOOLS_TRACE")]


def test_functions_behind_public_routes_have_reserved_concurrency(template):
    """An anonymous flood runs at most PublicReservedConcurrency instances of a public function."""
    public_functions = {route.function_id for route in routes_of(template) if route.authorizer is None}
    assert public_functions
    for logical_id in public_functions:
        reserved = template["Resources"][logical_id]["Properties"].get("ReservedConcurrentExecutions")
        assert reserved == {
            "Fn::If": ["ReservePublicConcurrency", {"Ref": "PublicReservedConcurrency"}, {"Ref": "AWS::NoValue"}]
        }, logical_id
    parameter = template["Parameters"]["PublicReservedConcurrency"]
    assert parameter["Type"] == "Number"
    assert parameter["Default"] > 0
