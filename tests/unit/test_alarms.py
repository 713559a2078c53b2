"""template.yaml's alarms cover what needs a person: every on-failure and dead-letter queue,
every consumer function's errors, SES's review thresholds and the API's 5xx."""

from __future__ import annotations

from typing import Any

from devkit.template import resources_of_type


def alarms(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [r["Properties"] for r in resources_of_type(template, "AWS::CloudWatch::Alarm").values()]


def dimension(alarm: dict[str, Any]) -> Any:
    (only,) = alarm["Dimensions"]
    return only["Value"]


def test_every_on_failure_and_dead_letter_queue_has_an_alarm_on_its_messages(template):
    functions = resources_of_type(template, "AWS::Serverless::Function").values()
    destinations = {
        e["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
        for f in functions
        for e in f["Properties"].get("Events", {}).values()
        if "DestinationConfig" in e.get("Properties", {})
    }
    dead_letters = {
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for q in resources_of_type(template, "AWS::SQS::Queue").values()
        if "RedrivePolicy" in q.get("Properties", {})
    }
    watched = {
        dimension(a)["Fn::GetAtt"][0]
        for a in alarms(template)
        if a["MetricName"] == "ApproximateNumberOfMessagesVisible"
    }
    assert destinations
    assert dead_letters
    assert destinations | dead_letters <= watched


def test_every_consumer_function_has_an_errors_alarm(template):
    consumers = {
        logical_id
        for logical_id, f in resources_of_type(template, "AWS::Serverless::Function").items()
        if any(e.get("Type") != "HttpApi" for e in f["Properties"].get("Events", {}).values())
    }
    watched = {dimension(a)["Ref"] for a in alarms(template) if a["MetricName"] == "Errors"}
    assert consumers == watched


def test_ses_review_thresholds_and_api_5xx_are_alarmed(template):
    by_metric = {a["MetricName"]: a for a in alarms(template)}
    assert float(by_metric["Reputation.BounceRate"]["Threshold"]) == 0.05
    assert float(by_metric["Reputation.ComplaintRate"]["Threshold"]) == 0.001
    assert dimension(by_metric["5xx"]) == {"Ref": "HttpApi"}
    for alarm in alarms(template):
        assert alarm["AlarmActions"] == {
            "Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]
        }


def test_a_sign_in_the_trigger_could_not_stamp_is_alarmed_on_the_metric_it_emits(template):
    """Powertools emits `SignInStampFailed` in the Globals' namespace with the one dimension
    `service` (tests/integration/portal/test_access_review.py reads the emitted metric)."""
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    (alarm,) = [a for a in alarms(template) if a["MetricName"] == "SignInStampFailed"]
    assert alarm["Namespace"] == variables["POWERTOOLS_METRICS_NAMESPACE"]
    assert alarm["Dimensions"] == [{"Name": "service", "Value": variables["POWERTOOLS_SERVICE_NAME"]}]
    assert (alarm["Statistic"], float(alarm["Threshold"]), alarm["ComparisonOperator"]) == (
        "Sum",
        0.0,
        "GreaterThanThreshold",
    )
    assert alarm["TreatMissingData"] == "notBreaching"
