"""stack.json: how to reach a running stack (local or deployed), for people, scripts and the
end-to-end tests. The local stack writes it at startup; `scripts/stack_json_from_outputs.py`
writes the same shape from a deployed stack's CloudFormation outputs."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# CloudFormation output -> stack.json key: the same names locally (outputs resolved against
# moto) and when deployed (outputs read from CloudFormation).
OUTPUT_KEYS = {
    "ApiUrl": "api_url",
    "StaffUserPoolId": "staff_user_pool_id",
    "StaffClientId": "staff_client_id",
    "PortalUserPoolId": "portal_user_pool_id",
    "PortalClientId": "portal_client_id",
}
REQUIRED = (
    "api_url",
    "outbox_url",
    "region",
    "cognito_endpoint_url",
    "staff_user_pool_id",
    "staff_client_id",
    "portal_user_pool_id",
    "portal_client_id",
    "staff_username",
    "staff_password",
)


def from_outputs(outputs: Mapping[str, str]) -> dict[str, str]:
    return {key: str(outputs[name]) for name, key in OUTPUT_KEYS.items() if name in outputs}


def write(path: Path, content: Mapping[str, Any]) -> None:
    """Written whole or not at all (readers poll for it), readable by its owner only."""
    missing = [key for key in REQUIRED if key not in content]
    if missing:
        raise ValueError(f"stack.json lacks {missing}")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    partial.chmod(0o600)
    os.replace(partial, path)
