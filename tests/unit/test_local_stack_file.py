"""stack.json: the same shape from the local stack and from a deployed stack's outputs."""

from __future__ import annotations

import json
import stat

import pytest

from local import stack_file
from scripts.stack_json_from_outputs import stack_json

OUTPUTS = {
    "ApiUrl": "https://abc.execute-api.us-east-1.amazonaws.com",
    "StaffUserPoolId": "us-east-1_staff",
    "StaffClientId": "staffclient",
    "PortalUserPoolId": "us-east-1_portal",
    "PortalClientId": "portalclient",
    "ContactsTableName": "contacts",
}


def described(outputs: dict[str, str]) -> dict[str, object]:
    return {
        "StackName": "portal-access-dev",
        "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()],
        "Parameters": [{"ParameterKey": "SesFromAddress", "ParameterValue": "portal@hauler.example"}],
    }


def test_a_deployed_stacks_outputs_give_the_local_stack_json_shape(tmp_path):
    content = stack_json(described(OUTPUTS), region="us-east-1", staff_username="aliena.somers", staff_password="pw")
    path = tmp_path / "deployed.json"

    stack_file.write(path, content)

    written = json.loads(path.read_text())
    assert set(stack_file.REQUIRED) <= set(written)
    assert written["api_url"] == OUTPUTS["ApiUrl"]
    assert (written["staff_user_pool_id"], written["portal_client_id"]) == ("us-east-1_staff", "portalclient")
    assert (written["outbox_url"], written["cognito_endpoint_url"]) == (None, None)
    assert written["ses_from_address"] == "portal@hauler.example"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds a password


def test_a_stack_without_the_outputs_the_tests_need_is_refused():
    with pytest.raises(SystemExit, match="StaffClientId"):
        stack_json(
            described({k: v for k, v in OUTPUTS.items() if k != "StaffClientId"}),
            region="us-east-1",
            staff_username="u",
            staff_password="p",
        )


def test_an_incomplete_stack_json_is_never_written(tmp_path):
    with pytest.raises(ValueError, match="staff_password"):
        stack_file.write(tmp_path / "stack.json", {k: "x" for k in stack_file.REQUIRED if k != "staff_password"})
    assert not (tmp_path / "stack.json").exists()
