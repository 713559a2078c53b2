"""Floor: boto3 and a DynamoDB client."""

from typing import Any

import boto3

client = boto3.client("dynamodb")


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": 200}
