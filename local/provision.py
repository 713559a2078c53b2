"""Create what template.yaml declares in an AWS endpoint (moto): tables with keys, indexes,
streams and TTL. Used by the local stack and by the tests, so both share the template's schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from local.template import create_table_request, resources_of_type, table_names, ttl_attribute

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


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
