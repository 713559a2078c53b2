"""Spreadsheet-safe CSV (api/csv_answer.py): formula-like cells escaped, RFC 4180 quoting, and
what the csv module reads back is what went in."""

from __future__ import annotations

import csv
import io

import pytest

from portal_access.api.csv_answer import csv_response, csv_text, safe_cell, wants_csv


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),  # only the first character matters
        (None, ""),
        (True, "true"),
        (False, "false"),
        (3, "3"),
    ],
)
def test_cells(value, cell):
    assert safe_cell(value) == cell


def test_rfc_4180_quoting_reads_back():
    rows: list[dict[str, str | None]] = [
        {"name": 'Smith, "Jo"', "note": "two\nlines", "x": "=cmd|' /C calc'!A0"},
        {"name": "", "note": None, "x": "-1"},
    ]
    text = csv_text(["name", "note", "x"], rows)
    assert text.startswith("name,note,x\r\n")
    assert '"Smith, ""Jo"""' in text  # quoted, quotes doubled
    assert text.endswith("\r\n")
    read = list(csv.DictReader(io.StringIO(text, newline="")))
    assert read == [
        {"name": 'Smith, "Jo"', "note": "two\nlines", "x": "'=cmd|' /C calc'!A0"},
        {"name": "", "note": "", "x": "'-1"},
    ]


@pytest.mark.parametrize(
    ("accept", "csv_wanted"),
    [
        ("text/csv", True),
        ("text/csv; charset=utf-8", True),
        ("text/csv, application/json", True),
        ("application/json, text/csv", False),
        ("application/json", False),
        ("*/*", False),
        (None, False),
        ("", False),
    ],
)
def test_accept(accept, csv_wanted):
    assert wants_csv(accept) is csv_wanted


def test_the_next_cursor_is_a_header():
    response = csv_response(["a"], "abc", columns=["v"], row=lambda item: {"v": item}, filename="x.csv")
    assert response.headers["X-Next-Cursor"] == "abc"
    assert response.body == "v\r\na\r\n"
    assert "X-Next-Cursor" not in csv_response([], None, columns=["v"], row=dict, filename="x.csv").headers
