"""Create what template.yaml declares in an AWS endpoint (moto): tables with keys, indexes,
streams and TTL, and queues. Used by the local stack and by the tests, so both share the
template's schema."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from local.template import create_table_request, resources_of_type, table_names, ttl_attribute

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient


def create_tables(client: DynamoDBClient, template: Mapping[str, Any], prefix: str) -> dict[str, str]:
    """Every AWS::DynamoDB::Table of the template; returns logical id -> table name."""
    names = table_names(template, prefix)
    for logical_id, resource in resources_of_type(template, "AWS::DynamoDB::Table").items():
        properties = resource["Properties"]
        client.create_table(**create_table_request(names[logical_id], properties))
        attribute = ttl_attribute(properties)
        if attribute:
            client.update_time_to_live(
                TableName=names[logical_id],
                TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute},
            )
        if properties.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
            client.update_continuous_backups(
                TableName=names[logical_id],
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )
    return names


def create_queues(client: SQSClient, template: Mapping[str, Any], prefix: str) -> dict[str, tuple[str, str]]:
    """Every AWS::SQS::Queue of the template (dead-letter queues first, so redrive policies can
    name them); returns logical id -> (queue URL, which `!Ref` gives, and queue ARN)."""
    queues = resources_of_type(template, "AWS::SQS::Queue")
    ordered = sorted(queues, key=lambda logical_id: "RedrivePolicy" in queues[logical_id].get("Properties", {}))
    created: dict[str, tuple[str, str]] = {}
    for logical_id in ordered:
        properties = queues[logical_id].get("Properties", {})
        attributes = {
            name: str(properties[name])
            for name in ("MessageRetentionPeriod", "VisibilityTimeout", "DelaySeconds")
            if name in properties
        }
        redrive = properties.get("RedrivePolicy")
        if redrive:
            target = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
            attributes["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": created[target][1], "maxReceiveCount": redrive["maxReceiveCount"]}
            )
        url = client.create_queue(QueueName=f"{prefix}-{logical_id}", Attributes=attributes)["QueueUrl"]  # type: ignore[arg-type]
        arn = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        created[logical_id] = (url, arn)
    return created
