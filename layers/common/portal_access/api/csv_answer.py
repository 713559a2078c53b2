"""Lists as spreadsheet-safe CSV, for `Accept: text/csv`.

RFC 4180 (comma, CRLF, a field quoted when it holds a comma, quote or line break, quotes
doubled). A cell a spreadsheet would run as a formula (one that begins with `=`, `+`, `-`, `@`,
a tab or a carriage return) gets a leading `'`, so it opens as the text it is (OWASP's CSV
injection advice). Lists and maps are flattened into one cell by the caller's row function."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response

from portal_access.models.common import Page

CSV_TYPE = "text/csv"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The CSV answer in a route's OpenAPI `responses` (beside its JSON model).
CSV_CONTENT: dict[str, Any] = {CSV_TYPE: {"schema": {"type": "string"}}}


def wants_csv(accept: str | None) -> bool:
    """`Accept: text/csv` (possibly among others, before JSON or without it)."""
    kinds = [part.split(";")[0].strip().lower() for part in (accept or "").split(",")]
    return CSV_TYPE in kinds and (
        "application/json" not in kinds or kinds.index(CSV_TYPE) < kinds.index("application/json")
    )


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def csv_response[T](
    items: Sequence[T],
    next_cursor: str | None,
    *,
    columns: Sequence[str],
    row: Callable[[T], Mapping[str, Any]],
    filename: str,
) -> Response[str]:
    """One page as CSV; the next page's cursor in the `X-Next-Cursor` header (absent at the end)."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if next_cursor:
        headers["X-Next-Cursor"] = next_cursor
    return Response(
        status_code=HTTPStatus.OK,
        content_type=f"{CSV_TYPE}; charset=utf-8",
        body=csv_text(columns, (row(item) for item in items)),
        headers=headers,
    )


def page_answer[T](
    items: Sequence[T],
    next_cursor: str | None,
    *,
    accept: str | None,
    page: type[Page[T]],
    columns: Sequence[str],
    row: Callable[[T], Mapping[str, Any]],
    filename: str,
) -> Response[Any]:
    """One page as the request's Accept asks: CSV (`csv_response`), else the JSON `page`."""
    if wants_csv(accept):
        return csv_response(items, next_cursor, columns=columns, row=row, filename=filename)
    body = page(items=list(items), next_cursor=next_cursor).model_dump(mode="json")
    return Response(200, content_type="application/json", body=body)
