"""Anchor: a minimal Powertools HTTP handler with pydantic validation."""

from typing import Annotated, Any

import boto3
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel

client = boto3.client("dynamodb")
app = APIGatewayHttpResolver(enable_validation=True)


class Item(BaseModel):
    name: str


@app.post("/items")
def create_item(body: Annotated[Item, Body()]) -> Item:
    return body


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
