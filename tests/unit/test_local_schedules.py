"""The local stack's schedules: the template's Schedule events, fired at their rate or on request."""

from __future__ import annotations

from typing import Any

from devkit.template import Resolver, parameter_defaults
from local.schedules import Scheduler, schedules


def test_the_templates_schedules_are_found_with_their_rate(template):
    found = schedules(template, Resolver(parameters=parameter_defaults(template)))
    assert [(s.function_id, s.event_id, s.every_seconds) for s in found] == [("InvitationJobsFunction", "Hourly", 3600)]


def test_firing_invokes_the_function_with_a_scheduled_event_and_reports_failures(template):
    found = schedules(template, Resolver(parameters=parameter_defaults(template)))
    invoked: list[tuple[str, dict[str, Any]]] = []

    def invoke(function_id: str, event: dict[str, Any]) -> Any:
        invoked.append((function_id, event))
        if len(invoked) > 1:
            raise RuntimeError("boom")
        return {"reminded": []}

    scheduler = Scheduler(found, invoke)

    assert scheduler.fire() == {"InvitationJobsFunction.Hourly": {"reminded": []}}
    assert scheduler.fire("InvitationJobsFunction") == {"InvitationJobsFunction.Hourly": {"error": "boom"}}
    assert scheduler.fire("OtherFunction") == {}
    assert invoked[0][1]["detail-type"] == "Scheduled Event"
    assert invoked[0][1]["source"] == "aws.events"
