"""scripts/deploy_pages.py against moto: the pages land under the paths CloudFront serves, with
the content types and caching the browser needs, and config.json names the deployed pool and the
policy that pool enforces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local.site import WEB_ROOT, pages
from scripts.deploy_pages import config_for, invalidate, samconfig, stack_state, upload_pages


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


def _portal_root(tmp_path: Path) -> Path:
    """web/ as it is, with a stand-in vendored library (make vendor is not needed here)."""
    root = tmp_path / "web"
    for name in [*pages().values(), "common/css/site.css", "portal/js/login.js", "staff/js/login.js"]:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((WEB_ROOT / name).read_bytes())
    (root / "common" / "vendor").mkdir(parents=True)
    (root / "common" / "vendor" / "amazon-cognito-identity.min.js").write_text("/* library */", encoding="utf-8")
    return root


def test_pages_are_uploaded_under_their_paths_with_types_and_caching(aws: None, tmp_path: Path) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="pages")
    config = {"user_pool_id": "us-east-1_abc", "client_id": "client", "cognito_endpoint": "https://x/"}
    staff_config = {**config, "user_pool_id": "us-east-1_staff", "client_id": "staff-client"}

    keys = upload_pages(s3, "pages", {"portal": config, "staff": staff_config}, root=_portal_root(tmp_path))

    customer_pages = {"login", "request-login", "request-access", "forgot-password", "invitations/accept", "index.html"}
    assert customer_pages | {"staff/login", "staff/"} <= set(keys)
    login = s3.get_object(Bucket="pages", Key="login")
    assert login["ContentType"] == "text/html; charset=utf-8"
    assert login["CacheControl"] == "no-cache"
    assert b"Login to Manage your Account" in login["Body"].read()
    staff_login = s3.get_object(Bucket="pages", Key="staff/login")
    assert staff_login["ContentType"] == "text/html; charset=utf-8"
    assert staff_login["CacheControl"] == "no-cache"
    script = s3.get_object(Bucket="pages", Key="js/login.js")
    assert script["ContentType"] == "text/javascript; charset=utf-8"
    assert script["CacheControl"] == "public, max-age=300"
    assert s3.get_object(Bucket="pages", Key="common/vendor/amazon-cognito-identity.min.js")["ContentType"].startswith(
        "text/javascript"
    )
    assert json.loads(s3.get_object(Bucket="pages", Key="config.json")["Body"].read()) == config
    assert json.loads(s3.get_object(Bucket="pages", Key="staff/config.json")["Body"].read()) == staff_config


def test_an_empty_vendor_folder_stops_the_upload(aws: None, tmp_path: Path) -> None:
    root = _portal_root(tmp_path)
    (root / "common" / "vendor" / "amazon-cognito-identity.min.js").unlink()
    with pytest.raises(SystemExit, match="make vendor"):
        upload_pages(boto3.client("s3", region_name="us-east-1"), "pages", {}, root=root)


def test_config_json_carries_the_deployed_pools_password_policy(aws: None) -> None:
    cognito: Any = boto3.client("cognito-idp", region_name="us-east-1")
    policy = {"MinimumLength": 14, "RequireLowercase": True, "RequireUppercase": False, "RequireNumbers": True}
    pool = cognito.create_user_pool(PoolName="portal", Policies={"PasswordPolicy": policy})["UserPool"]

    config = config_for(cognito, {"PortalUserPoolId": pool["Id"], "PortalClientId": "abc"}, "eu-west-1")

    assert config["cognito_endpoint"] == "https://cognito-idp.eu-west-1.amazonaws.com/"
    assert config["user_pool_id"] == pool["Id"]
    assert config["password_policy"] == {
        "minimum_length": 14,
        "require_lowercase": True,
        "require_uppercase": False,
        "require_numbers": True,
        "require_symbols": False,
    }


def test_the_staff_config_names_the_staff_pool_and_client(aws: None) -> None:
    cognito: Any = boto3.client("cognito-idp", region_name="us-east-1")
    staff = cognito.create_user_pool(PoolName="staff")["UserPool"]
    outputs = {"PortalUserPoolId": "unused", "PortalClientId": "portal", "StaffUserPoolId": staff["Id"]}

    config = config_for(cognito, {**outputs, "StaffClientId": "staff-client"}, "eu-west-1", "staff")

    assert (config["user_pool_id"], config["client_id"]) == (staff["Id"], "staff-client")


def test_the_stack_state_and_the_invalidation(aws: None) -> None:
    cloudformation = boto3.client("cloudformation", region_name="us-east-1")
    template = {
        "Parameters": {"PortalOrigin": {"Type": "String", "Default": "https://portal.example.com"}},
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"PortalUrl": {"Value": "https://d1.cloudfront.net"}},
    }
    cloudformation.create_stack(StackName="s", TemplateBody=json.dumps(template))
    outputs, parameters = stack_state(cloudformation, "s")
    assert outputs == {"PortalUrl": "https://d1.cloudfront.net"}
    assert parameters == {"PortalOrigin": "https://portal.example.com"}

    cloudfront: Any = boto3.client("cloudfront", region_name="us-east-1")
    origin = {"Id": "o", "DomainName": "pages.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}
    distribution = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "r",
            "Comment": "",
            "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [origin]},
            "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https"},
        }
    )["Distribution"]
    assert invalidate(cloudfront, distribution["Id"])
    listed = cloudfront.list_invalidations(DistributionId=distribution["Id"])["InvalidationList"]
    assert listed["Quantity"] == 1


def test_samconfig_environments_name_their_stack() -> None:
    assert samconfig("default")["stack_name"] == "portal-access-dev"
    assert samconfig("prod")["stack_name"] == "portal-access-prod"
    assert samconfig("prod")["parameter_overrides"] == "Stage=prod"
