"""Checks that wire values fit their columns before any of them is written.

Both sides call these on what they receive: the server on snapshot pages and pushed rows, the
client on pulled pages. They work column by column with C-level ``map`` calls, because a snapshot
page holds tens of thousands of values and per-value Python checks would dominate the sync time.
A failure raises ``ProtocolError`` (a 400 on the server) naming the table and column.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from services.sync.protocol.messages import MAX_PAGE_ROWS, ProtocolError
from services.sync.protocol.tables import TABLES, ColumnSpec, TableSpec

NONE_TYPE = type(None)


def table_spec(name: str) -> TableSpec:
    spec = TABLES.get(name)
    if spec is None:
        raise ProtocolError(400, "unknown_table", f"unknown table {name!r}")
    return spec


def check_columns(spec: TableSpec, columns: Sequence[str]) -> None:
    """The column list must be exactly ``uuid`` followed by the table's synced columns."""
    expected = ["uuid", *spec.column_names]
    if list(columns) != expected:
        raise ProtocolError(
            400, "bad_columns", f"{spec.name}: columns must be {','.join(expected)} in this order"
        )


def check_data(spec: TableSpec, data: Sequence[Sequence[Any]]) -> int:
    """Validate a columnar block (uuids first); returns the number of rows."""
    if len(data) != len(spec.columns) + 1:
        raise ProtocolError(400, "bad_data", f"{spec.name}: expected {len(spec.columns) + 1} columns")
    rows = len(data[0])
    if rows > MAX_PAGE_ROWS:
        raise ProtocolError(413, "too_many_rows", f"{spec.name}: at most {MAX_PAGE_ROWS} rows per page")
    if any(len(col) != rows for col in data):
        raise ProtocolError(400, "bad_data", f"{spec.name}: columns of different length")
    if rows == 0:
        return 0
    _check_uuids(spec, data[0])
    for column, values in zip(spec.columns, data[1:], strict=True):
        try:
            _check_column(column, values)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ProtocolError(400, "bad_value", f"{spec.name}.{column.name}: {exc}") from None
    return rows


def check_row(spec: TableSpec, values: dict[str, Any]) -> None:
    """Validate one full row given as a mapping (pushed upserts)."""
    missing = set(spec.column_names) - set(values)
    extra = set(values) - set(spec.column_names)
    if missing or extra:
        raise ProtocolError(400, "bad_row", f"{spec.name}: row must have exactly the synced columns")
    for column in spec.columns:
        try:
            _check_column(column, [values[column.name]])
        except (TypeError, ValueError, OverflowError) as exc:
            raise ProtocolError(400, "bad_value", f"{spec.name}.{column.name}: {exc}") from None


def _check_uuids(spec: TableSpec, uuids: Sequence[Any]) -> None:
    if not set(map(type, uuids)) <= {str}:
        raise ProtocolError(400, "bad_value", f"{spec.name}.uuid: must be text")
    lengths = set(map(len, uuids))
    if min(lengths) < 1 or max(lengths) > 36:
        raise ProtocolError(400, "bad_value", f"{spec.name}.uuid: 1 to 36 characters")
    if len(set(uuids)) != len(uuids):
        raise ProtocolError(400, "bad_value", f"{spec.name}.uuid: repeated in one page")


def _types(column: ColumnSpec, values: Sequence[Any], allowed: set[type]) -> list[Any]:
    """Type-check a column and return its non-null values."""
    found = set(map(type, values))
    if column.nullable:
        allowed = allowed | {NONE_TYPE}
    if not found <= allowed:
        names = ", ".join(sorted(t.__name__ for t in found - allowed))
        raise TypeError(f"unexpected type {names}")
    return [v for v in values if v is not None] if NONE_TYPE in found else list(values)


def _check_column(column: ColumnSpec, values: Sequence[Any]) -> None:
    kind = column.kind
    if kind == "str":
        present = _types(column, values, {str})
        if present and column.max_length and max(map(len, present)) > column.max_length:
            raise ValueError(f"longer than {column.max_length} characters")
    elif kind == "int":
        present = _types(column, values, {int})
        if present and (min(present) < -(2**63) or max(present) >= 2**63):
            raise ValueError("integer out of range")
    elif kind == "bool":
        _types(column, values, {bool})
    elif kind == "numeric":
        present = _types(column, values, {int, float})
        if present and (not all(map(math.isfinite, present)) or max(map(abs, present)) >= column.limit):
            raise ValueError("number out of range")
    elif kind == "date":
        present = _types(column, values, {str})
        if present and set(map(len, present)) != {10}:
            raise ValueError("dates are YYYY-MM-DD")
        _parse_all(dt.date.fromisoformat, present, "dates are YYYY-MM-DD")
    else:
        present = _types(column, values, {str})
        if present and (set(map(len, present)) != {26} or {v[10] for v in present} != {" "}):
            raise ValueError("datetimes are YYYY-MM-DD HH:MM:SS.ffffff (UTC)")
        _parse_all(dt.datetime.fromisoformat, present, "datetimes are YYYY-MM-DD HH:MM:SS.ffffff (UTC)")


def _parse_all(parse: Any, values: Sequence[str], rule: str) -> None:
    """Parse every value; the error states the rule, never the value (answers do not echo input)."""
    try:
        list(map(parse, values))
    except ValueError:
        raise ValueError(rule) from None
