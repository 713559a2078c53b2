"""Data access: one module per DynamoDB table; only this package touches boto3's DynamoDB client."""
