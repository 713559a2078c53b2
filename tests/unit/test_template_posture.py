"""The deployment posture of template.yaml (README, "Deployment posture"), checked without
checkov: every scanner exception is reasoned next to its resource, every queue and topic is
encrypted at rest, SES can publish to its encrypted topic, and the web ACL's rate limit covers
every public route that does work. `make lint` runs checkov itself on the same template."""

from __future__ import annotations

import re
from typing import Any

from devkit.routes import routes_of
from devkit.template import resources_of_type


def _skips(resource: dict[str, Any]) -> list[dict[str, Any]]:
    metadata = resource.get("Metadata") or {}
    skips = (metadata.get("checkov") or {}).get("skip") or []
    assert isinstance(skips, list), "Metadata.checkov.skip is a list of {id, comment}"
    return skips


def _statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    statements = policy["Statement"]
    return statements if isinstance(statements, list) else [statements]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_every_checkov_skip_names_a_check_and_gives_its_reason(template: dict[str, Any]) -> None:
    skipped = 0
    for logical_id, resource in template["Resources"].items():
        ids = [skip.get("id") for skip in _skips(resource)]
        assert len(ids) == len(set(ids)), f"{logical_id}: a check skipped twice"
        for skip in _skips(resource):
            assert re.fullmatch(r"CKV2?_AWS_\d+", str(skip.get("id"))), f"{logical_id}: {skip}"
            comment = str(skip.get("comment") or "").strip()
            assert len(comment) >= 20, f"{logical_id} skips {skip['id']} without a reason"
            skipped += 1
    assert skipped > 0  # the reader above sees the template's skips at all


def test_every_queue_and_topic_is_encrypted_at_rest(template: dict[str, Any]) -> None:
    queues = resources_of_type(template, "AWS::SQS::Queue")
    topics = resources_of_type(template, "AWS::SNS::Topic")
    assert queues
    assert topics
    for logical_id, queue in queues.items():
        properties = queue["Properties"]
        assert properties.get("SqsManagedSseEnabled") is True or properties.get("KmsMasterKeyId"), (
            f"{logical_id}: set SqsManagedSseEnabled: true (SSE-SQS) or KmsMasterKeyId"
        )
    for logical_id, topic in topics.items():
        assert topic["Properties"].get("KmsMasterKeyId"), f"{logical_id}: set KmsMasterKeyId"


def test_ses_may_use_the_key_of_every_topic_it_publishes_to(template: dict[str, Any]) -> None:
    """An AWS managed key (alias/aws/sns) cannot let SES in: its events would be lost."""
    topics = resources_of_type(template, "AWS::SNS::Topic")
    keys = resources_of_type(template, "AWS::KMS::Key")
    destinations = resources_of_type(template, "AWS::SES::ConfigurationSetEventDestination")
    assert destinations
    for logical_id, destination in destinations.items():
        sns = destination["Properties"]["EventDestination"].get("SnsDestination")
        if not sns:
            continue
        topic = topics[sns["TopicARN"]["Ref"]]
        key_ref = topic["Properties"]["KmsMasterKeyId"]
        assert isinstance(key_ref, dict), f"{logical_id}: a key of the stack's own, not an alias"
        assert key_ref.get("Ref") in keys, f"{logical_id}: a key of the stack's own"
        key = keys[key_ref["Ref"]]["Properties"]
        assert key["EnableKeyRotation"] is True
        ses = [
            statement
            for statement in _statements(key["KeyPolicy"])
            if statement["Effect"] == "Allow" and statement["Principal"].get("Service") == "ses.amazonaws.com"
        ]
        assert ses, f"{logical_id}: the topic's key policy lets ses.amazonaws.com use the key"
        actions = {action for statement in ses for action in _as_list(statement["Action"])}
        assert {"kms:GenerateDataKey*", "kms:Decrypt"} <= actions
        assert all("aws:SourceAccount" in statement.get("Condition", {}).get("StringEquals", {}) for statement in ses)


def _rate_limited_prefixes(web_acl: dict[str, Any]) -> list[str]:
    (rule,) = [rule for rule in web_acl["Properties"]["Rules"] if "RateBasedStatement" in rule["Statement"]]
    statement = rule["Statement"]["RateBasedStatement"]
    assert statement["AggregateKeyType"] == "IP"
    assert "Block" in rule["Action"]
    matches = statement["ScopeDownStatement"]["OrStatement"]["Statements"]
    return [match["ByteMatchStatement"]["SearchString"] for match in matches]


def test_the_web_acl_rate_limits_every_public_route_that_does_work(template: dict[str, Any]) -> None:
    (web_acl,) = resources_of_type(template, "AWS::WAFv2::WebACL").values()
    assert web_acl["Properties"]["Scope"] == "CLOUDFRONT"
    prefixes = _rate_limited_prefixes(web_acl)
    # Public writes: each one may send an email or create a login. (GET /portal/login-config is
    # a cached read of the login page's settings.)
    public_writes = [route for route in routes_of(template) if route.authorizer is None and route.method != "GET"]
    assert public_writes
    for route in public_writes:
        assert route.path.startswith(tuple(prefixes)), f"{route.route_key} is public: add it to the rate rule"
    managed = {
        rule["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for rule in web_acl["Properties"]["Rules"]
        if "ManagedRuleGroupStatement" in rule["Statement"]
    }
    assert "AWSManagedRulesCommonRuleSet" in managed


def test_the_web_acl_is_made_only_where_cloudfront_can_use_it(template: dict[str, Any]) -> None:
    (logical_id,) = resources_of_type(template, "AWS::WAFv2::WebACL")
    condition = template["Conditions"][template["Resources"][logical_id]["Condition"]]
    assert {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]} in condition["Fn::And"]
    distribution = template["Resources"]["PortalDistribution"]["Properties"]["DistributionConfig"]
    condition_name = template["Resources"][logical_id]["Condition"]
    assert distribution["WebACLId"]["Fn::If"][:2] == [condition_name, {"Fn::GetAtt": [logical_id, "Arn"]}]


def test_a_custom_domain_refuses_tls_below_1_2(template: dict[str, Any]) -> None:
    distribution = template["Resources"]["PortalDistribution"]["Properties"]["DistributionConfig"]
    condition, with_domain, without = distribution["ViewerCertificate"]["Fn::If"]
    assert with_domain["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert with_domain["SslSupportMethod"] == "sni-only"
    assert with_domain["AcmCertificateArn"] == {"Ref": "PortalCertificateArn"}
    assert without == {"CloudFrontDefaultCertificate": True}
    assert distribution["Aliases"]["Fn::If"][0] == condition


def test_the_distribution_and_the_pages_bucket_log_where_the_operator_says(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    logging = resources["PortalDistribution"]["Properties"]["DistributionConfig"]["Logging"]["Fn::If"]
    bucket_logging = resources["PortalPagesBucket"]["Properties"]["LoggingConfiguration"]["Fn::If"]
    assert logging[0] == bucket_logging[0] == "HasAccessLogs"
    assert template["Conditions"]["HasAccessLogs"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AccessLogsBucket"}, ""]}]}
    assert "${AccessLogsBucket}" in logging[1]["Bucket"]["Fn::Sub"]
    assert bucket_logging[1]["DestinationBucketName"] == {"Ref": "AccessLogsBucket"}
    assert logging[2] == bucket_logging[2] == {"Ref": "AWS::NoValue"}
