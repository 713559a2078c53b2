"""`make deploy`: the stack and the hosted pages, behind one HTTPS origin.

1. `sam deploy --config-env ENV` (samconfig.toml names the stack and its parameters).
2. On the first deploy the stack's `PortalOrigin` is still the placeholder: deploy once more with
   `PortalOrigin=<the PortalUrl output>` (CloudFront's domain), so invitation links and CORS name
   the origin the pages are on. `--portal-origin https://portal.example.com` names a custom
   domain instead (its certificate and alias are set up outside this stack).
3. Upload web/ to the pages bucket under the paths CloudFront serves (local/site.py: a page is
   an object without an extension: `login`, `invitations/accept`, `staff/login`; `/` is
   `index.html`, `/staff/` is `staff/`), with `/config.json` made from the stack's portal pool
   and `/staff/config.json` from its staff pool (each password policy read with
   DescribeUserPool, so the pages show the policy the pool enforces).
4. Invalidate CloudFront's copies, so the new pages are served at once.

`--pages-only` skips 1 and 2 (the stack is up; only web/ changed)."""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import boto3

from devkit.template import ROOT
from local.site import (
    ASSET_CACHE,
    CONFIG_PATHS,
    PAGE_CACHE,
    WEB_ROOT,
    content_type,
    object_key,
    page_config,
    page_keys,
    site_files,
)

PLACEHOLDER_ORIGIN = "https://portal.example.com"


def samconfig(env: str, path: Path = ROOT / "samconfig.toml") -> dict[str, Any]:
    """The deploy parameters of one samconfig environment (stack name, overrides, region)."""
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    merged: dict[str, Any] = {}
    for section in ("global", "deploy"):
        merged |= config.get("default", {}).get(section, {}).get("parameters", {})
        merged |= config.get(env, {}).get(section, {}).get("parameters", {})
    return merged


def stack_state(cloudformation: Any, stack_name: str) -> tuple[dict[str, str], dict[str, str]]:
    """(outputs, parameters) of a deployed stack."""
    (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    return outputs, parameters


# Audience -> the stack outputs naming its user pool and app client.
POOL_OUTPUTS = {"portal": ("PortalUserPoolId", "PortalClientId"), "staff": ("StaffUserPoolId", "StaffClientId")}


def config_for(cognito: Any, outputs: Mapping[str, str], region: str, audience: str = "portal") -> dict[str, Any]:
    """An audience's config.json of a deployed stack: the pages call Cognito's regional endpoint directly."""
    pool_output, client_output = POOL_OUTPUTS[audience]
    pool = cognito.describe_user_pool(UserPoolId=outputs[pool_output])["UserPool"]
    return page_config(
        region=region,
        user_pool_id=outputs[pool_output],
        client_id=outputs[client_output],
        cognito_endpoint=f"https://cognito-idp.{region}.amazonaws.com/",
        password_policy=pool.get("Policies", {}).get("PasswordPolicy", {}),
    )


def upload_pages(s3: Any, bucket: str, configs: Mapping[str, Mapping[str, Any]], root: Path = WEB_ROOT) -> list[str]:
    """Every page and asset, and each audience's config.json; returns the keys written."""
    vendored = root / "common" / "vendor"
    if not any(vendored.glob("*.js")):
        raise SystemExit("web/common/vendor/ is empty: run `make vendor` first")
    files = site_files(root)
    pages = page_keys(files)
    written = []
    for key, file in files.items():
        cache = PAGE_CACHE if key in pages else ASSET_CACHE
        s3.put_object(
            Bucket=bucket, Key=key, Body=file.read_bytes(), ContentType=content_type(file.name), CacheControl=cache
        )
        written.append(key)
    for audience, config in configs.items():
        key = object_key(CONFIG_PATHS[audience])
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=json.dumps(config).encode(),
            ContentType="application/json",
            CacheControl=PAGE_CACHE,
        )
        written.append(key)
    return written


def invalidate(cloudfront: Any, distribution_id: str) -> str:
    answer = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": f"pages-{time.time_ns()}"},
    )
    return str(answer["Invalidation"]["Id"])


def sam_deploy(env: str, extra: list[str]) -> None:
    command = ["sam", "deploy", "--config-env", env, *extra]
    print("+", shlex.join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.deploy_pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config-env", default="default", help="samconfig.toml environment (default, prod)")
    parser.add_argument("--portal-origin", help="the pages' public origin, when a custom domain fronts CloudFront")
    parser.add_argument("--pages-only", action="store_true", help="upload the pages; do not run sam deploy")
    args = parser.parse_args(argv)
    settings = samconfig(args.config_env)
    stack_name = str(settings["stack_name"])
    region = settings.get("region") or boto3.session.Session().region_name
    if not region:
        raise SystemExit("no AWS region: set AWS_REGION or `region` in samconfig.toml")
    cloudformation: Any = boto3.client("cloudformation", region_name=region)

    if not args.pages_only:
        sam_deploy(args.config_env, [])
    outputs, parameters = stack_state(cloudformation, stack_name)
    wanted = (args.portal_origin or outputs["PortalUrl"]).rstrip("/")
    if not args.pages_only and parameters.get("PortalOrigin", PLACEHOLDER_ORIGIN).rstrip("/") != wanted:
        overrides = f"{settings.get('parameter_overrides', '')} PortalOrigin={wanted}".strip()
        sam_deploy(args.config_env, ["--parameter-overrides", overrides])
        outputs, parameters = stack_state(cloudformation, stack_name)

    cognito = boto3.client("cognito-idp", region_name=region)
    configs = {audience: config_for(cognito, outputs, region, audience) for audience in POOL_OUTPUTS}
    keys = upload_pages(boto3.client("s3", region_name=region), outputs["PortalPagesBucketName"], configs)
    invalidation = invalidate(boto3.client("cloudfront", region_name=region), outputs["PortalDistributionId"])
    print(f"uploaded {len(keys)} files; CloudFront invalidation {invalidation}")
    print(f"portal: {outputs['PortalUrl']}/login   (PortalOrigin {parameters.get('PortalOrigin')})")
    print(f"staff console: {outputs['PortalUrl']}/staff/login")
    return 0


if __name__ == "__main__":
    sys.exit(main())
