"""template.yaml for invitations: what moto stores but never applies (the stream's event source
mapping), the public accept route, the tables' TTL, and roles scoped to known ARNs."""

from __future__ import annotations

import json
from typing import Any

from devkit.template import resources_of_type

INVITE_FUNCTIONS = ("InviteAdminFunction", "AutoInviteFunction", "AcceptInvitationFunction")


def _statements(template: dict[str, Any], logical_id: str) -> list[dict[str, Any]]:
    properties = template["Resources"][logical_id]["Properties"]
    if "Role" in properties:
        role = template["Resources"][properties["Role"]["Fn::GetAtt"][0]]["Properties"]
        return [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    return [s for p in properties["Policies"] for s in p["Statement"]]


def test_the_stream_mapping_keeps_inserts_reports_partial_failures_and_gives_up_to_a_queue(template):
    events = template["Resources"]["AutoInviteFunction"]["Properties"]["Events"]
    (mapping,) = [e["Properties"] for e in events.values() if e["Type"] == "DynamoDB"]
    assert mapping["Stream"] == {"Fn::GetAtt": ["ContactsTable", "StreamArn"]}
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]] == [{"eventName": ["INSERT"]}]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert 0 <= mapping["MaximumRetryAttempts"] <= 5
    assert mapping["BatchSize"] <= 100
    on_failure = mapping["DestinationConfig"]["OnFailure"]
    assert on_failure["Type"] == "SQS"
    queue = template["Resources"][on_failure["Destination"]["Fn::GetAtt"][0]]["Properties"]
    assert queue.get("SqsManagedSseEnabled") is True or "KmsMasterKeyId" in queue


def test_accept_is_the_only_public_invitations_route(template):
    routes = {}
    for logical_id in INVITE_FUNCTIONS:
        for event in template["Resources"][logical_id]["Properties"].get("Events", {}).values():
            if event["Type"] == "HttpApi":
                properties = event["Properties"]
                authorizer = properties.get("Auth", {}).get("Authorizer", "default")
                routes[(properties["Method"], properties["Path"])] = authorizer
    assert routes == {
        ("POST", "/admin/contacts/{contact_id}/invitations"): "default",
        ("GET", "/admin/contacts/{contact_id}/invitations"): "default",
        ("POST", "/portal/invitations/accept"): "NONE",
    }


def test_invitations_and_idempotency_records_expire_by_ttl(template):
    tables = resources_of_type(template, "AWS::DynamoDB::Table")
    assert tables["InvitationsTable"]["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": "purge_at",
        "Enabled": True,
    }
    assert tables["IdempotencyTable"]["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": "expiration",
        "Enabled": True,
    }


def test_invite_functions_touch_only_named_resources_and_never_scan(template):
    for logical_id in INVITE_FUNCTIONS:
        for statement in _statements(template, logical_id):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            assert "*" not in resources, f"{logical_id}: {actions}"
            assert not any(a.endswith("*") or a == "dynamodb:Scan" for a in actions), f"{logical_id}: {actions}"
    accept_actions = {a for s in _statements(template, "AcceptInvitationFunction") for a in s["Action"]}
    assert not any(a.startswith("ses:") for a in accept_actions)
    cognito = [
        s for s in _statements(template, "AcceptInvitationFunction") if s["Action"][0].startswith("cognito-idp:")
    ]
    assert [s["Resource"] for s in cognito] == [{"Fn::GetAtt": ["PortalUserPool", "Arn"]}]
