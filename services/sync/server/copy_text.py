"""PostgreSQL ``COPY … FROM STDIN`` text for a validated columnar page, built column by column.

Formatting row by row (``copy.write_row``) costs a Python call per value; here each column is
turned into COPY text with C-level ``map``/``join`` calls (text is escaped only when a value holds
a backslash, tab, newline or carriage return), then the rows are joined once. The values are wire
values already checked by ``services.sync.protocol.validate``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.sync.protocol.tables import TableSpec

NULL = "\\N"
SPECIAL = ("\\", "\t", "\n", "\r")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _text_column(kind: str, values: Sequence[Any]) -> list[str]:
    present = [v for v in values if v is not None] if None in values else values
    if kind == "bool":
        out = ["t" if v else "f" for v in present]
    elif kind in ("int", "numeric"):
        out = list(map(str, present))  # ints and floats (repr form, which numeric accepts)
    else:
        joined = "".join(present)
        out = list(map(_escape, present)) if any(c in joined for c in SPECIAL) else list(present)
    if present is values:
        return out
    it = iter(out)
    return [NULL if v is None else next(it) for v in values]


def copy_lines(spec: TableSpec, data: Sequence[Sequence[Any]]) -> list[str]:
    """One COPY text line per row (without the newline): uuid, the synced columns, then any
    derived text columns (sort keys)."""
    kinds = ["str", *(c.kind for c in spec.columns)]
    kinds += ["str"] * (len(data) - len(kinds))
    columns = [_text_column(kind, values) for kind, values in zip(kinds, data, strict=True)]
    return list(map("\t".join, zip(*columns, strict=True)))


def copy_payload(lines: Sequence[str], prefix: str = "") -> bytes:
    """The COPY stream: every line after ``prefix`` (constant leading columns, tab-terminated)."""
    if not lines:
        return b""
    return (prefix + ("\n" + prefix).join(lines) + "\n").encode()


def copy_value(value: Any) -> str:
    """One constant as COPY text (tenant, sequence, flags, timestamps)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    return _escape(str(value))
