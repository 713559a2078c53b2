"""The local stack's provisioning: everything template.yaml declares, created by type in moto
(in-process mock) with the template's settings, and every function's environment resolvable."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from devkit.template import function_spec, parameter_defaults, resources_of_type
from local.provision import DEPLOY_ONLY, Provisioned, provision


@pytest.fixture
def provisioned(aws: None, template: dict[str, Any]) -> Provisioned:
    return provision(
        template,
        dynamodb=boto3.client("dynamodb"),
        sqs=boto3.client("sqs"),
        cognito=boto3.client("cognito-idp"),
        sesv2=boto3.client("sesv2"),
        prefix="unit",
        parameters=parameter_defaults(template),
        sender_parameters=["SesFromAddress"],
    )


def test_every_resource_of_the_template_is_created_or_known_to_need_nothing(provisioned, template):
    assert provisioned.not_emulated == {}
    assert set(provisioned.tables) == set(resources_of_type(template, "AWS::DynamoDB::Table"))
    assert set(provisioned.queues) == set(resources_of_type(template, "AWS::SQS::Queue"))
    assert set(provisioned.user_pools) == set(resources_of_type(template, "AWS::Cognito::UserPool"))
    assert set(provisioned.user_pool_clients) == set(resources_of_type(template, "AWS::Cognito::UserPoolClient"))


def test_the_deployed_edge_and_its_key_are_named_as_deploy_only(provisioned, template):
    # said at startup: the pages bucket, the distribution (TLS, WAF, logs) and the topic's key
    assert provisioned.deploy_only == {
        logical_id: resource["Type"]
        for logical_id, resource in provisioned.template["Resources"].items()
        if resource["Type"] in DEPLOY_ONLY
    }
    assert "AWS::CloudFront::Distribution" in provisioned.deploy_only.values()
    assert "AWS::KMS::Key" in provisioned.deploy_only.values()


def test_user_pools_and_clients_have_the_templates_settings(provisioned, template):
    cognito = boto3.client("cognito-idp")
    for logical_id, pool_id in provisioned.user_pools.items():
        declared = template["Resources"][logical_id]["Properties"]
        pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
        policy = pool["Policies"]["PasswordPolicy"]
        assert policy["MinimumLength"] == declared["Policies"]["PasswordPolicy"]["MinimumLength"]
        assert policy["RequireSymbols"] == declared["Policies"]["PasswordPolicy"]["RequireSymbols"]
        assert pool.get("UsernameAttributes", []) == declared.get("UsernameAttributes", [])
        assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    for logical_id, client_id in provisioned.user_pool_clients.items():
        declared = template["Resources"][logical_id]["Properties"]
        pool_id = provisioned.resolver.physical[declared["UserPoolId"]["Ref"]]
        client = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
        assert sorted(client["ExplicitAuthFlows"]) == sorted(declared["ExplicitAuthFlows"])
        assert "ClientSecret" not in client


def test_the_portal_pools_password_policy_is_enforced(provisioned):
    cognito = boto3.client("cognito-idp")
    pool_id = provisioned.user_pools["PortalUserPool"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="someone@example.com", MessageAction="SUPPRESS")

    with pytest.raises(cognito.exceptions.InvalidPasswordException):
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username="someone@example.com", Password="short", Permanent=True
        )


def test_tables_have_streams_and_ttl_and_the_sender_is_a_verified_identity(provisioned, template):
    dynamodb = boto3.client("dynamodb")
    contacts = dynamodb.describe_table(TableName=provisioned.tables["ContactsTable"])["Table"]
    assert contacts["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
    assert provisioned.resolver.attributes[("ContactsTable", "StreamArn")] == contacts["LatestStreamArn"]
    invitations = provisioned.tables["InvitationsTable"]
    ttl = dynamodb.describe_time_to_live(TableName=invitations)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "purge_at"
    # moto reports no verification status, but sends only from an identity it has
    ses = boto3.client("sesv2")
    sender = template["Parameters"]["SesFromAddress"]["Default"]

    def send(from_address: str) -> Any:
        return ses.send_email(
            FromEmailAddress=from_address,
            Destination={"ToAddresses": ["a@example.org"]},
            Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}},
        )

    assert send(sender)["MessageId"]
    with pytest.raises(ses.exceptions.MessageRejected):
        send("someone-else@example.net")


def test_every_functions_environment_resolves_to_what_was_created(provisioned, template):
    for logical_id in resources_of_type(template, "AWS::Serverless::Function"):
        environment = function_spec(template, logical_id, provisioned.resolver).environment
        for name, value in environment.items():
            if name.endswith("_TABLE_NAME"):
                assert value in provisioned.tables.values(), (logical_id, name)
            if name.endswith("_QUEUE_URL"):
                assert value in provisioned.queues.values(), (logical_id, name)
            if name.endswith("_USER_POOL_ID"):
                assert value in provisioned.user_pools.values(), (logical_id, name)


def test_a_conditional_resource_and_a_new_resource_type_follow_the_template(aws, template):
    conditional = {
        **template,
        "Resources": {
            **template["Resources"],
            "ProdOnlyTable": {**template["Resources"]["SettingsTable"], "Condition": "IsProd"},
            "ReminderTemplate": {
                "Type": "AWS::SES::Template",
                "Properties": {"Template": {"TemplateName": {"Fn::Sub": "reminder-${Stage}"}, "SubjectPart": "Hi"}},
            },
        },
    }

    done = provision(
        conditional,
        dynamodb=boto3.client("dynamodb"),
        sqs=boto3.client("sqs"),
        cognito=boto3.client("cognito-idp"),
        sesv2=boto3.client("sesv2"),
        prefix="unit",
        parameters=parameter_defaults(template),  # Stage dev: IsProd is false
    )

    assert "ProdOnlyTable" not in done.tables
    assert "SettingsTable" in done.tables
    # and a resource type added to the template shows up with no other edit
    assert boto3.client("ses").get_template(TemplateName="reminder-dev")["Template"]["SubjectPart"] == "Hi"
    assert done.resolver.physical["ReminderTemplate"] == "reminder-dev"


def test_ses_events_reach_the_delivery_queue_raw_through_the_topic(provisioned):
    # Given the configuration set's SNS destination, as provisioned from the template
    (destination,) = provisioned.event_destinations["portal-access-invitations-dev"]
    assert destination.event_types == {"Delivery", "Bounce", "Complaint", "DeliveryDelay"}

    # When SES (here: the test) publishes an event to it
    boto3.client("sns").publish(TopicArn=destination.topic_arn, Message='{"eventType": "Delivery"}')

    # Then the queue's message is the event itself (raw message delivery)
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(QueueUrl=provisioned.queues["DeliveryEventsQueue"])["Messages"]
    assert [m["Body"] for m in messages] == ['{"eventType": "Delivery"}']


def test_with_the_waf_on_its_web_acl_is_deploy_only_not_unknown(aws: None, template: dict[str, Any]) -> None:
    done = provision(
        template,
        dynamodb=boto3.client("dynamodb"),
        sqs=boto3.client("sqs"),
        cognito=boto3.client("cognito-idp"),
        sesv2=boto3.client("sesv2"),
        prefix="waf",
        parameters={**parameter_defaults(template), "EnableWaf": "true"},
        sender_parameters=["SesFromAddress"],
    )
    assert done.not_emulated == {}
    assert "AWS::WAFv2::WebACL" in done.deploy_only.values()
