"""JSON Schemas of the lifecycle events (docs/events/<detail-type>.json), from the models in
portal_access/models/lifecycle_events.py: each is the whole event as a bus target receives it
(EventBridge's envelope, `source` and `detail-type` fixed, `detail` the model).

`make openapi` writes them; a test fails when a committed one is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from devkit.functions import layer_on_path

layer_on_path()  # the layer, as Lambda has it

from portal_access.models.lifecycle_events import DETAIL_TYPES, SOURCE, schema_file_name  # noqa: E402

EVENTS_DIR = Path(__file__).resolve().parent.parent / "docs" / "events"
SCHEMA_ID = "https://portal-access.example.com/events/"


def event_schema(detail_type: str) -> dict[str, Any]:
    detail = DETAIL_TYPES[detail_type].model_json_schema(mode="serialization")
    definitions = detail.pop("$defs", {})
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID + schema_file_name(detail_type),
        "title": detail_type,
        "description": detail.get("description", ""),
        "type": "object",
        "required": ["source", "detail-type", "detail", "time"],
        "properties": {
            "version": {"type": "string"},
            "id": {"type": "string"},
            "source": {"const": SOURCE},
            "detail-type": {"const": detail_type},
            "account": {"type": "string"},
            "time": {"type": "string", "format": "date-time"},
            "region": {"type": "string"},
            "resources": {"type": "array", "items": {"type": "string"}},
            "detail": {**detail, "additionalProperties": False},
        },
    }
    if definitions:
        schema["$defs"] = definitions
    return schema


def render_all() -> dict[str, str]:
    """file name -> its text."""
    return {
        schema_file_name(detail_type): json.dumps(event_schema(detail_type), indent=2) + "\n"
        for detail_type in DETAIL_TYPES
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.event_schemas", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write them to {EVENTS_DIR}")
    args = parser.parse_args(argv)
    rendered = render_all()
    if not args.write:
        sys.stdout.write("".join(rendered.values()))
        return 0
    EVENTS_DIR.mkdir(parents=True, exist_ok=True)
    for stale in {p.name for p in EVENTS_DIR.glob("*.json")} - set(rendered):
        (EVENTS_DIR / stale).unlink()
    for name, text in rendered.items():
        (EVENTS_DIR / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
