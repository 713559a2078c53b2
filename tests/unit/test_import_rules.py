"""The import direction (docs/architecture.md). `lint-imports` (in `make lint`) checks the packages
against the contracts in pyproject.toml; this test runs it too, so `pytest` alone notices, and
checks the handlers in functions/, which are not packages import-linter can read: a handler
imports its family's wiring, the API helpers, models, config, observability and domain values,
and never an adapter (dal/, email/), which only the wiring builds."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"
ADAPTERS = ("portal_access.dal", "portal_access.email")
# A stream record's image is a stored item: the table module that writes it is the one to read it.
ALLOWED_ADAPTER_IMPORTS = {("invite/auto_invite.py", "portal_access.dal.contacts_table")}


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def handler_files() -> list[Path]:
    return sorted(p for p in FUNCTIONS.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", handler_files(), ids=lambda p: str(p.relative_to(FUNCTIONS)))
def test_handlers_take_adapters_from_their_wiring(path: Path) -> None:
    relative = str(path.relative_to(FUNCTIONS))
    adapters = {
        module
        for module in imported_modules(path)
        if module.startswith(ADAPTERS) and (relative, module) not in ALLOWED_ADAPTER_IMPORTS
    }
    assert not adapters, f"{relative} builds its own adapters: get them from portal_access.wiring"


def test_handlers_import_the_layer_only() -> None:
    """Handlers import the layer, never the tooling (the deployed code has none of it)."""
    tooling = ("devkit", "local", "benchmarks", "scripts", "tests")
    offenders = {
        f"{path.relative_to(FUNCTIONS)}: {module}"
        for path in handler_files()
        for module in imported_modules(path)
        if module.split(".")[0] in tooling
    }
    assert not offenders


def test_import_contracts_hold() -> None:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "layers" / "common"), str(ROOT)])}
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
