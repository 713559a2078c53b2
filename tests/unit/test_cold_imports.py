"""What a cold start imports: each template function's handler module, imported in a fresh
interpreter with the function's environment (as `make bench` does), must not pull in the X-Ray
SDK (Lambda's active tracing needs none), nor the Powertools parser's event models, nor
email_validator: no function validates an email before a request asks it to. A function whose
routes never validate an email (it only reads stored contacts and options) must not import it
even after reading a stored contact and the system options the way every function does."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks.coldstart import ANCHOR, FLOOR, base_environment, targets
from benchmarks.coldstart_probe import spec_argument
from devkit.template import ROOT, load_template

TEMPLATE = load_template()
SPECS = {name: spec for name, spec in targets(TEMPLATE).items() if name not in (FLOOR, ANCHOR)}
# Their routes take an email in a request body: they import email_validator when one comes.
VALIDATES_EMAILS = {"ContactsFunction", "SelfRegisterFunction"}
NEVER_AT_IMPORT = ("aws_xray_sdk", "email_validator", "aws_lambda_powertools.utilities.parser")

CHILD = """
import json, sys
from benchmarks.coldstart_probe import spec_from_argument
from devkit.functions import import_function_module
import_function_module(spec_from_argument(sys.argv[1]), module_prefix="cold_")
at_import = sorted(sys.modules)
from portal_access.dal.contacts_table import contact_from_item
from portal_access.models.settings import SystemOptions
contact_from_item({
    "contact_id": "ct_1", "account_id": "49418", "level": "account", "name": "Pat", "email": "pat@example.com",
    "portal_access": {"all_sites": True}, "version": 1, "created_at": "2026-01-01", "updated_at": "2026-01-01",
})
SystemOptions.model_validate({"account_invite_from_email": "portal@example.com"})
print(json.dumps({"at_import": at_import, "after_reads": sorted(sys.modules)}))
"""


def loaded(name: str) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, spec_argument(SPECS[name])],
        capture_output=True,
        text=True,
        env=base_environment(),
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def among(modules: list[str], package: str) -> list[str]:
    return [m for m in modules if m == package or m.startswith(f"{package}.")]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_a_cold_start_imports_no_tracer_sdk_parser_models_or_email_validator(name: str) -> None:
    modules = loaded(name)
    for package in NEVER_AT_IMPORT:
        assert not among(modules["at_import"], package), f"{name} imports {package} at cold start"
    if name not in VALIDATES_EMAILS:
        assert not among(modules["after_reads"], "email_validator"), (
            f"{name} never validates an email, yet reading a stored contact or the options imported email_validator"
        )


def test_the_check_sees_an_import() -> None:
    """The harness is not blind: importing a module that needs email_validator shows it."""
    probe = (
        "import sys\nfrom pydantic import TypeAdapter, EmailStr\n"
        "TypeAdapter(EmailStr)\nprint('email_validator' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_the_layer_ships_no_tracer_sdk() -> None:
    requirements = (ROOT / "layers" / "common" / "requirements.txt").read_text(encoding="utf-8").lower()
    assert "[tracer]" not in requirements
    assert "aws-xray-sdk" not in requirements
