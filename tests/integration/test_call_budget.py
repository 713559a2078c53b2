"""Rule 7 of the contract: every route makes a bounded number of DynamoDB calls that does not grow
with the tables, and never a Scan.

Every HTTP route of template.yaml is driven with a valid request (benchmarks/routes.py) while
the tables hold 50 and then 2000 items (accounts, sites, contacts), each on a cold instance; its
DynamoDB calls must be the same at both sizes and within the budget docs/data-model.md states
("Calls per route"). A new route is picked up from the template: it fails here until it has a
request recipe and a documented budget. `make bench` does the same at 1 and 100 thousand items.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.budgets import load_budgets, route_key
from benchmarks.calls import Measured, Verdict, judge, measure_sizes
from benchmarks.world import consumers
from devkit.routes import routes_of
from devkit.template import load_template

SMALL, LARGE = 50, 2000
TEMPLATE = load_template()
ROUTES = [route.route_key for route in routes_of(TEMPLATE)]
CONSUMERS = sorted({consumer.function for consumer in consumers(TEMPLATE)})

pytestmark = pytest.mark.xdist_group("call_budget")


@pytest.fixture(scope="module")
def measured() -> dict[int, dict[str, Measured]]:
    return measure_sizes(TEMPLATE, [SMALL, LARGE])


@pytest.fixture(scope="module")
def verdicts(measured: dict[int, dict[str, Measured]]) -> dict[str, Verdict]:
    return judge(measured, load_budgets())


def describe(key: str, measured: dict[int, dict[str, Measured]]) -> str:
    lines = []
    for size, results in sorted(measured.items()):
        result = results.get(key)
        if result is not None:
            lines.append(f"  {size} items: {result.dynamodb}")
    return "\n".join(lines)


@pytest.mark.parametrize("route", ROUTES)
def test_route_makes_the_same_bounded_calls_at_every_size(
    route: str, verdicts: dict[str, Verdict], measured: dict[int, dict[str, Measured]]
) -> None:
    verdict = verdicts[route]
    assert not verdict.problems, f"{route}: {'; '.join(verdict.problems)}\n{describe(route, measured)}"
    assert verdict.counts[SMALL] == verdict.counts[LARGE]


@pytest.mark.parametrize("function", CONSUMERS)
def test_consumer_makes_the_same_bounded_calls_per_record(
    function: str, verdicts: dict[str, Verdict], measured: dict[int, dict[str, Measured]]
) -> None:
    kinds = [key for key in verdicts if key == function or key.startswith(f"{function} (")]
    assert kinds, f"{function} was not measured"
    for key in kinds:
        verdict = verdicts[key]
        assert not verdict.problems, f"{key}: {'; '.join(verdict.problems)}\n{describe(key, measured)}"


def test_no_budget_names_a_route_the_template_does_not_have() -> None:
    routes = set(ROUTES)
    stale = [key for key in load_budgets() if key.split(" ")[0].isupper() and key not in routes]
    assert not stale, f"docs/data-model.md budgets routes that template.yaml does not route: {stale}"


def test_budget_rows_parse() -> None:
    from benchmarks.budgets import parse_budgets

    text = "\n".join(
        [
            "| route | calls | count |",
            "|---|---|---|",
            "| `GET /a/{id}` | Get | 1 |",
            "| `PUT /a/{id}` | Get, Tx | ≤ 4 |",
            "| `POST /a` | Get, Tx | 8 (9 when retried) |",
            "| `AutoInviteFunction`: stream, per record | Put, Get | 10 |",
            "| not a budget | x | 3 |",
        ]
    )
    budgets: dict[str, Any] = {key: budget.most for key, budget in parse_budgets(text).items()}
    assert budgets == {
        route_key("get", "/a/{id}"): 1,
        "PUT /a/{id}": 4,
        "POST /a": 9,
        "AutoInviteFunction": 10,
    }
