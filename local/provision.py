"""Create what template.yaml declares in an AWS endpoint (moto): tables with keys, indexes,
streams and TTL, queues, Cognito user pools and app clients, SES identities, templates and
configuration sets, SNS topics and their subscriptions, EventBridge buses.
Used by the local stack and by the tests, so both share the template's schema."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import boto3

from devkit.template import (
    Resolver,
    create_table_request,
    evaluate_conditions,
    resources_of_type,
    table_names,
    ttl_attribute,
)

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sns import SNSClient
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


# ---------------------------------------------------------------- the whole template

# Resource types the local stack does not need to create: functions are hosted in-process, the
# HTTP API is the gateway, roles and log groups have no local meaning. Anything else that is
# neither created nor listed here is reported at startup as not emulated.
_HOSTED_OR_INERT = {
    "AWS::Serverless::Function",
    "AWS::Serverless::HttpApi",
    "AWS::Serverless::LayerVersion",
    "AWS::Lambda::LayerVersion",
    "AWS::Lambda::Permission",
    "AWS::Lambda::EventSourceMapping",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::Logs::LogGroup",
    "AWS::CloudWatch::Alarm",
    "AWS::CloudWatch::Dashboard",
    # The hosted pages: the gateway serves portal/ itself, with the headers policy's headers.
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::CloudFront::Distribution",
    "AWS::CloudFront::OriginAccessControl",
    "AWS::CloudFront::ResponseHeadersPolicy",
    # Resource policies: moto does not enforce them.
    "AWS::SNS::TopicPolicy",
    "AWS::SQS::QueuePolicy",
    # The delivery events topic's key: the local topic is made without encryption (nothing to protect).
    "AWS::KMS::Key",
    # The optional web ACL (EnableWaf): the gateway applies no WAF rules.
    "AWS::WAFv2::WebACL",
}
# Of those, the deployed edge and its keys: said at startup, so nobody takes their absence here
# for their absence when deployed (TLS, WAF, access logs and the topic's key exist only there).
DEPLOY_ONLY = {
    "AWS::S3::Bucket",
    "AWS::CloudFront::Distribution",
    "AWS::KMS::Key",
    "AWS::WAFv2::WebACL",
}
_CREATED = {
    "AWS::DynamoDB::Table",
    "AWS::SQS::Queue",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolGroup",
    "AWS::SES::EmailIdentity",
    "AWS::SES::Template",
    "AWS::SES::ConfigurationSet",
    "AWS::SNS::Topic",
    "AWS::SNS::Subscription",
    "AWS::Events::EventBus",
    # moto stores no event destination: the local mailbox simulator (local/mailbox.py) publishes
    # the events SES would, to the destinations recorded in `Provisioned.event_destinations`.
    "AWS::SES::ConfigurationSetEventDestination",
}
# CloudFormation's AWS::Cognito::UserPool properties that CreateUserPool names otherwise or lacks.
_POOL_RENAMES = {"UserPoolName": "PoolName"}
_POOL_NOT_IN_API = {"EnabledMfas", "UserPoolTier", "WebAuthnRelyingPartyID", "WebAuthnUserVerification"}
_LOCALLY_UNSUPPORTED_POOL = {"LambdaConfig", "EmailConfiguration", "SmsConfiguration"}


@dataclass(frozen=True)
class EventDestination:
    """An SES configuration set's SNS event destination, as SES would publish to it."""

    event_types: frozenset[str]  # SES's event names: Delivery, Bounce, Complaint, DeliveryDelay, ...
    topic_arn: str


@dataclass
class Provisioned:
    """What was created, by logical id, and a resolver that knows all of it."""

    resolver: Resolver
    template: Mapping[str, Any] = field(default_factory=dict)  # the resources that exist here
    tables: dict[str, str] = field(default_factory=dict)
    queues: dict[str, str] = field(default_factory=dict)
    user_pools: dict[str, str] = field(default_factory=dict)
    user_pool_clients: dict[str, str] = field(default_factory=dict)
    email_identities: list[str] = field(default_factory=list)
    topics: dict[str, str] = field(default_factory=dict)  # logical id -> topic ARN
    event_buses: dict[str, str] = field(default_factory=dict)  # logical id -> bus name
    # configuration set name -> its SNS destinations (SES event types, topic ARN)
    event_destinations: dict[str, list[EventDestination]] = field(default_factory=dict)
    not_emulated: dict[str, str] = field(default_factory=dict)
    deploy_only: dict[str, str] = field(default_factory=dict)  # logical id -> type (DEPLOY_ONLY)


def user_pool_request(properties: Mapping[str, Any]) -> dict[str, Any]:
    """CreateUserPool arguments for a resolved AWS::Cognito::UserPool's properties."""
    request = {
        _POOL_RENAMES.get(name, name): value
        for name, value in properties.items()
        if name not in _POOL_NOT_IN_API | _LOCALLY_UNSUPPORTED_POOL
    }
    if "UsernameConfiguration" in request:
        request["UsernameConfiguration"] = {
            "CaseSensitive": str(request["UsernameConfiguration"].get("CaseSensitive", True)).lower() == "true"
        }
    return request


def create_user_pools(
    client: CognitoIdentityProviderClient, template: Mapping[str, Any], resolver: Resolver
) -> dict[str, str]:
    """Every AWS::Cognito::UserPool, then every AWS::Cognito::UserPoolClient (which `!Ref` a
    pool); records pool ids and client ids in the resolver. Returns logical id -> id for both."""
    created: dict[str, str] = {}
    for logical_id, resource in resources_of_type(template, "AWS::Cognito::UserPool").items():
        properties = resolver.resolve(resource.get("Properties") or {})
        pool = client.create_user_pool(**user_pool_request(properties))["UserPool"]
        if "SOFTWARE_TOKEN_MFA" in (properties.get("EnabledMfas") or []):
            client.set_user_pool_mfa_config(
                UserPoolId=pool["Id"],
                SoftwareTokenMfaConfiguration={"Enabled": True},
                MfaConfiguration=properties.get("MfaConfiguration", "OPTIONAL"),
            )
        created[logical_id] = pool["Id"]
        resolver.physical[logical_id] = pool["Id"]
        resolver.attributes[(logical_id, "Arn")] = pool["Arn"]
        resolver.attributes[(logical_id, "UserPoolId")] = pool["Id"]
        provider = f"cognito-idp.{resolver.pseudo['AWS::Region']}.amazonaws.com/{pool['Id']}"
        resolver.attributes[(logical_id, "ProviderName")] = provider
        resolver.attributes[(logical_id, "ProviderURL")] = f"https://{provider}"
    for logical_id, resource in resources_of_type(template, "AWS::Cognito::UserPoolClient").items():
        properties = resolver.resolve(resource.get("Properties") or {})
        app_client = client.create_user_pool_client(**properties)["UserPoolClient"]
        created[logical_id] = app_client["ClientId"]
        resolver.physical[logical_id] = app_client["ClientId"]
        resolver.attributes[(logical_id, "ClientId")] = app_client["ClientId"]
        if app_client.get("ClientSecret"):
            resolver.attributes[(logical_id, "ClientSecret")] = app_client["ClientSecret"]
    return created


def create_user_pool_groups(
    client: CognitoIdentityProviderClient, template: Mapping[str, Any], resolver: Resolver
) -> dict[str, str]:
    """Every AWS::Cognito::UserPoolGroup (in a pool created before); logical id -> group name.
    moto puts a user's groups in its tokens' `cognito:groups`, as Cognito does."""
    created: dict[str, str] = {}
    for logical_id, resource in resources_of_type(template, "AWS::Cognito::UserPoolGroup").items():
        properties = resolver.resolve(resource.get("Properties") or {})
        name = str(properties.get("GroupName") or logical_id)
        request = {k: properties[k] for k in ("Description", "Precedence", "RoleArn") if k in properties}
        client.create_group(GroupName=name, UserPoolId=str(properties["UserPoolId"]), **request)
        created[logical_id] = name
        resolver.physical[logical_id] = name  # `!Ref` of a group is its name
    return created


def create_email_identities(
    client: SESV2Client, template: Mapping[str, Any], resolver: Resolver, addresses: Sequence[str] = ()
) -> list[str]:
    """Every AWS::SES::EmailIdentity and AWS::SES::Template, and `addresses` (the parameters that
    name a sender), verified: moto verifies an identity as soon as it exists."""
    identities = list(addresses)
    for logical_id, resource in resources_of_type(template, "AWS::SES::EmailIdentity").items():
        identity = str(resolver.resolve(resource["Properties"]["EmailIdentity"]))
        identities.append(identity)
        resolver.physical[logical_id] = identity
    for identity in dict.fromkeys(identities):
        client.create_email_identity(EmailIdentity=identity)
    templates = resources_of_type(template, "AWS::SES::Template")
    if templates:
        # moto's SESv2 has no CreateEmailTemplate; SES v1's templates are the same ones.
        ses: Any = boto3.client("ses", endpoint_url=client.meta.endpoint_url, region_name=client.meta.region_name)
        for logical_id, resource in templates.items():
            content = dict(resolver.resolve(resource["Properties"]["Template"]))
            content.setdefault("TemplateName", logical_id)
            ses.create_template(Template=content)
            resolver.physical[logical_id] = content["TemplateName"]
    return list(dict.fromkeys(identities))


# MatchingEventTypes (either API's spelling) -> the `eventType` SES writes in the event.
_SES_EVENT_TYPES = {
    "send": "Send", "reject": "Reject", "bounce": "Bounce", "complaint": "Complaint", "delivery": "Delivery",
    "open": "Open", "click": "Click", "renderingfailure": "Rendering Failure", "deliverydelay": "DeliveryDelay",
    "subscription": "Subscription", "rendering_failure": "Rendering Failure", "delivery_delay": "DeliveryDelay",
}  # fmt: skip


def create_configuration_sets(
    client: SESV2Client, template: Mapping[str, Any], resolver: Resolver
) -> dict[str, list[EventDestination]]:
    """Every AWS::SES::ConfigurationSet, and the SNS destinations of their event destinations."""
    for logical_id, resource in resources_of_type(template, "AWS::SES::ConfigurationSet").items():
        properties = resolver.resolve(resource.get("Properties") or {})
        name = str(properties.get("Name") or logical_id)
        client.create_configuration_set(ConfigurationSetName=name)
        resolver.physical[logical_id] = name
    destinations: dict[str, list[EventDestination]] = {}
    for resource in resources_of_type(template, "AWS::SES::ConfigurationSetEventDestination").values():
        properties = resolver.resolve(resource["Properties"])
        spec = properties["EventDestination"]
        topic = (spec.get("SnsDestination") or {}).get("TopicARN")
        if spec.get("Enabled", False) in (False, "false") or not topic:
            continue
        kinds = frozenset(_SES_EVENT_TYPES[str(t).lower()] for t in spec.get("MatchingEventTypes", []))
        destinations.setdefault(str(properties["ConfigurationSetName"]), []).append(EventDestination(kinds, str(topic)))
    return destinations


def create_topics(client: SNSClient, template: Mapping[str, Any], resolver: Resolver, prefix: str) -> dict[str, str]:
    """Every AWS::SNS::Topic (`!Ref` gives its ARN), then every AWS::SNS::Subscription."""
    topics: dict[str, str] = {}
    for logical_id in resources_of_type(template, "AWS::SNS::Topic"):
        arn = client.create_topic(Name=f"{prefix}-{logical_id}")["TopicArn"]
        topics[logical_id] = arn
        resolver.physical[logical_id] = arn
        resolver.attributes[(logical_id, "TopicArn")] = arn
        resolver.attributes[(logical_id, "TopicName")] = arn.rsplit(":", 1)[1]
    for resource in resources_of_type(template, "AWS::SNS::Subscription").values():
        properties = resolver.resolve(resource["Properties"])
        attributes = {
            name: str(properties[name]).lower()
            for name in ("RawMessageDelivery",)
            if str(properties.get(name, "false")).lower() == "true"  # moto reads any value as true
        }
        client.subscribe(
            TopicArn=properties["TopicArn"],
            Protocol=properties["Protocol"],
            Endpoint=properties["Endpoint"],
            Attributes=attributes,
        )
    return topics


def create_event_buses(client: EventBridgeClient, template: Mapping[str, Any], resolver: Resolver) -> dict[str, str]:
    buses: dict[str, str] = {}
    for logical_id, resource in resources_of_type(template, "AWS::Events::EventBus").items():
        name = str(resolver.resolve(resource["Properties"]["Name"]))
        arn = client.create_event_bus(Name=name)["EventBusArn"]
        buses[logical_id] = name
        resolver.physical[logical_id] = name  # `!Ref` of a bus is its name
        resolver.attributes[(logical_id, "Arn")] = arn
        resolver.attributes[(logical_id, "Name")] = name
    return buses


def _sibling(client: Any, service: str) -> Any:
    """A client of another service in the same region (and endpoint: AWS_ENDPOINT_URL, or moto)."""
    make: Any = boto3.client  # the service name is a variable: no overload of the stubs applies
    return make(service, region_name=client.meta.region_name)


def provision(
    template: Mapping[str, Any],
    *,
    dynamodb: DynamoDBClient,
    sqs: SQSClient,
    cognito: CognitoIdentityProviderClient,
    sesv2: SESV2Client,
    prefix: str,
    parameters: Mapping[str, str],
    sender_parameters: Sequence[str] = (),
    region: str = "us-east-1",
) -> Provisioned:
    """Create everything the template declares that the local stack emulates, by resource type,
    and resolve the rest to placeholders, so a template change shows up with no other edit."""
    resolver = Resolver(parameters=dict(parameters))
    resolver.pseudo["AWS::Region"] = region
    resolver.pseudo["AWS::StackName"] = prefix
    conditions = evaluate_conditions(template, resolver)
    # A resource whose Condition is false does not exist in this stack.
    resources = {
        logical_id: resource
        for logical_id, resource in template.get("Resources", {}).items()
        if conditions.get(resource.get("Condition", ""), True)
    }
    template = {**template, "Resources": resources}
    done = Provisioned(resolver=resolver, template=template)
    account = resolver.pseudo["AWS::AccountId"]
    for logical_id, resource in template.get("Resources", {}).items():
        kind = str(resource.get("Type"))
        name = f"{prefix}-{logical_id}"
        resolver.physical[logical_id] = name
        resolver.attributes[(logical_id, "Arn")] = f"arn:aws:{_service_of(kind)}:{region}:{account}:{name}"
        if kind == "AWS::Serverless::Function":
            resolver.attributes[(logical_id, "Arn")] = f"arn:aws:lambda:{region}:{account}:function:{name}"
        if kind == "AWS::Serverless::HttpApi":
            resolver.physical[logical_id] = "local"
        if kind == "AWS::CloudFront::Distribution":
            resolver.attributes[(logical_id, "DomainName")] = "local"  # the gateway serves the pages
        if kind not in _CREATED | _HOSTED_OR_INERT:
            done.not_emulated[logical_id] = kind
        if kind in DEPLOY_ONLY:
            done.deploy_only[logical_id] = kind

    done.tables = create_tables(dynamodb, template, prefix)
    for logical_id, name in done.tables.items():
        table = dynamodb.describe_table(TableName=name)["Table"]
        resolver.physical[logical_id] = name
        resolver.attributes[(logical_id, "Arn")] = table["TableArn"]
        if table.get("LatestStreamArn"):
            resolver.attributes[(logical_id, "StreamArn")] = table["LatestStreamArn"]
    for logical_id, (url, arn) in create_queues(sqs, template, prefix).items():
        done.queues[logical_id] = url
        resolver.physical[logical_id] = url  # `!Ref` of a queue is its URL
        resolver.attributes[(logical_id, "Arn")] = arn
        resolver.attributes[(logical_id, "QueueName")] = arn.rsplit(":", 1)[1]
        resolver.attributes[(logical_id, "QueueUrl")] = url
    created = create_user_pools(cognito, template, resolver)
    pools = resources_of_type(template, "AWS::Cognito::UserPool")
    done.user_pools = {k: v for k, v in created.items() if k in pools}
    done.user_pool_clients = {k: v for k, v in created.items() if k not in pools}
    create_user_pool_groups(cognito, template, resolver)
    senders = [parameters[name] for name in sender_parameters if parameters.get(name)]
    done.email_identities = create_email_identities(sesv2, template, resolver, senders)
    done.topics = create_topics(_sibling(sqs, "sns"), template, resolver, prefix)
    done.event_destinations = create_configuration_sets(sesv2, template, resolver)
    done.event_buses = create_event_buses(_sibling(sqs, "events"), template, resolver)
    return done


def _service_of(resource_type: str) -> str:
    parts = resource_type.split("::")
    return parts[1].lower() if len(parts) > 1 else "local"
