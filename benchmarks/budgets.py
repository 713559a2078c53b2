"""DynamoDB call budgets, read from docs/data-model.md ("Calls per route"): one source of truth
for the doc, the call-budget test and `make bench`.

A budget row is a table row whose first cell starts with a backticked route (`GET /portal/me`)
or a backticked function logical id (`AutoInviteFunction`: a stream or queue consumer, budget per
record), and whose last cell is the count: `1`, `≤ 4` (also `<= 4`), `8 (9 when ...)`. The budget
is the largest number in that cell: the most calls the row allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DATA_MODEL_PATH = Path(__file__).resolve().parent.parent / "docs" / "data-model.md"

_ROUTE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/\S*)$")
_LOGICAL_ID = re.compile(r"^[A-Z][A-Za-z0-9]+$")
_COUNT = re.compile(r"^(?:(?:≤|<=)\s*)?\d+\b")
_NUMBER = re.compile(r"\d+")
_FIRST_CELL = re.compile(r"^`([^`]+)`")


@dataclass(frozen=True, slots=True)
class Budget:
    key: str  # "GET /admin/accounts/{account_id}" or a function's logical id
    calls: str  # what the doc says the calls are
    most: int  # the most DynamoDB calls allowed
    line: int  # where in docs/data-model.md


def route_key(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def parse_budgets(text: str) -> dict[str, Budget]:
    """Every budget row of the document; a key listed twice is an error (which one holds?)."""
    budgets: dict[str, Budget] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("|") or not stripped.endswith("|"):
            continue
        cells = [cell.strip() for cell in stripped.strip("|").split("|")]
        if len(cells) < 2:
            continue
        first = _FIRST_CELL.match(cells[0])
        count = _COUNT.match(cells[-1])
        if not first or not count:
            continue
        key = first.group(1).strip()
        if not (_ROUTE.match(key) or _LOGICAL_ID.match(key)):
            continue
        if key in budgets:
            raise ValueError(f"docs/data-model.md:{number}: {key} already has a budget on line {budgets[key].line}")
        calls = " | ".join(cells[1:-1])
        most = max(int(n) for n in _NUMBER.findall(cells[-1]))
        budgets[key] = Budget(key=key, calls=calls, most=most, line=number)
    return budgets


def load_budgets(path: Path = DATA_MODEL_PATH) -> dict[str, Budget]:
    return parse_budgets(path.read_text(encoding="utf-8"))
