"""Write stack.json for a deployed stack, from its CloudFormation outputs, so the end-to-end
tests (and anyone) can target it the way they target the local stack:

    E2E_STAFF_PASSWORD=... python -m scripts.stack_json_from_outputs --stack-name portal-access-dev \\
        --staff-username aliena.somers --output .local/deployed.json
    E2E_STACK_JSON=.local/deployed.json .venv/bin/pytest tests/e2e

The staff login must exist in the stack's staff user pool (admin-create-user, then
admin-set-user-password --permanent); its password is read from E2E_STAFF_PASSWORD, never from
the command line. A deployed stack has no outbox: the steps that read emails skip."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import boto3

from local import stack_file


def stack_json(stack: dict[str, Any], *, region: str, staff_username: str, staff_password: str) -> dict[str, Any]:
    """stack.json's shape from a DescribeStacks stack."""
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    missing = [name for name in stack_file.OUTPUT_KEYS if name not in outputs]
    if missing:
        raise SystemExit(f"stack {stack.get('StackName')} has no output {', '.join(missing)}")
    return {
        **stack_file.from_outputs(outputs),
        "outbox_url": None,
        "region": region,
        "cognito_endpoint_url": None,
        "staff_username": staff_username,
        "staff_password": staff_password,
        "ses_from_address": parameters.get("SesFromAddress"),
        "stack_name": stack.get("StackName"),
        "outputs": outputs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack-name", required=True)
    parser.add_argument("--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
    parser.add_argument("--staff-username", default=os.environ.get("E2E_STAFF_USERNAME", "aliena.somers"))
    parser.add_argument("--output", type=Path, default=Path(".local/deployed-stack.json"))
    args = parser.parse_args(argv)
    password = os.environ.get("E2E_STAFF_PASSWORD")
    if not password:
        print("set E2E_STAFF_PASSWORD to the staff login's password", file=sys.stderr)
        return 2
    cloudformation: Any = boto3.client("cloudformation", region_name=args.region)
    (described,) = cloudformation.describe_stacks(StackName=args.stack_name)["Stacks"]
    region = args.region or cloudformation.meta.region_name
    content = stack_json(described, region=region, staff_username=args.staff_username, staff_password=password)
    stack_file.write(args.output, content)
    print(f"wrote {args.output}: E2E_STACK_JSON={args.output} .venv/bin/pytest tests/e2e")
    return 0


if __name__ == "__main__":
    sys.exit(main())
