"""docs/benchmarks.md has two writers: `make bench` rewrites its tables and keeps what other runners
wrote below its mark; benchmarks/console_first_load.py replaces its own section there."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks import __main__ as bench
from benchmarks import console_first_load


def test_make_bench_keeps_the_console_section_and_a_rerun_replaces_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = tmp_path / "benchmarks.md"
    monkeypatch.setattr(bench, "BENCHMARKS_PATH", document)
    monkeypatch.setattr(console_first_load, "BENCHMARKS_PATH", document)
    document.write_text("# Benchmarks\n\nold table\n", encoding="utf-8")

    console_first_load.write_section(f"{console_first_load.HEADING}\n\nfirst run\n")
    console_first_load.write_section(f"{console_first_load.HEADING}\n\nsecond run\n")
    bench.write_document("new table", started=datetime(2026, 12, 6, tzinfo=UTC), seconds=60, notes=["a note"])

    text = document.read_text(encoding="utf-8")
    assert "new table" in text
    assert "old table" not in text
    assert text.count(console_first_load.HEADING) == 1
    assert "second run" in text
    assert "first run" not in text
    assert text.index("a note") < text.index(bench.KEPT_BELOW) < text.index("second run")
