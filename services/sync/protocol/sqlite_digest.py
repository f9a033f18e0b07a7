"""The table checksum of ``tables.TableDigest``, computed mostly inside SQLite (both halves use it).

Fetching a table row by row makes a Python object of every value, which dominated the verify.
Here SQLite sorts the rows once into a temporary table (its rowid is then the position in uuid
order) and joins each block's column with ``group_concat`` itself (NULL as ``\\x00``, values
separated by ``\\x1f``): exactly the text ``TableDigest`` hashes. Only numeric columns are fetched
and formatted in Python (their text depends on the column's scale), and a block whose date or
time values are not all in wire form is read the ordinary way, so the checksum is the same.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from services.sync.protocol.tables import (
    DIGEST_BLOCK,
    ColumnSpec,
    TableDigest,
    TableSpec,
    column_to_wire,
    columns_to_wire,
)

TEMP = "temp.sync_digest_rows"
WIRE_LENGTH = {"date": 10, "datetime": 26}


def _joined(column: ColumnSpec | None) -> str:
    name = "uuid" if column is None else column.name
    if column is not None and column.kind == "bool":
        value = f"CASE WHEN \"{name}\" IS NULL THEN char(0) WHEN \"{name}\" THEN '1' ELSE '0' END"
    else:
        value = f'ifnull("{name}", char(0))'
    return f"group_concat({value}, char(31))"


def _not_wire(column: ColumnSpec) -> str:
    """Rows of the block whose value is not in wire form (these need the Python conversion)."""
    name = f'"{column.name}"'
    check = f"length({name}) = {WIRE_LENGTH[column.kind]}"
    if column.kind == "datetime":
        check += f" AND substr({name}, 11, 1) = ' '"
    return f"sum({name} IS NOT NULL AND (typeof({name}) != 'text' OR NOT ({check})))"


def sqlite_digest(
    conn: sqlite3.Connection, *, spec: TableSpec, table: str, where: str, params: Sequence[object]
) -> TableDigest:
    """Digest of ``SELECT uuid, <columns> FROM <table> WHERE <where> ORDER BY uuid`` (``where``
    names the table's own columns, e.g. ``company_id = ?``), inside the caller's transaction."""
    cols = ", ".join(f'"{c}"' for c in spec.column_names)
    conn.execute(f"DROP TABLE IF EXISTS {TEMP}")
    conn.execute(
        f'CREATE TABLE {TEMP} AS SELECT uuid, {cols} FROM "{table}" WHERE {where} ORDER BY uuid', params
    )
    try:
        return _digest_blocks(conn, spec)
    finally:
        conn.execute(f"DROP TABLE IF EXISTS {TEMP}")


def _digest_blocks(conn: sqlite3.Connection, spec: TableSpec) -> TableDigest:
    digest = TableDigest(spec)
    (total,) = conn.execute(f"SELECT count(*) FROM {TEMP}").fetchone()
    columns: list[ColumnSpec | None] = [None, *spec.columns]
    numeric = [i for i, c in enumerate(columns) if c is not None and c.kind == "numeric"]
    timed = [c for c in spec.columns if c.kind in WIRE_LENGTH]
    joined = ", ".join("NULL" if i in numeric else _joined(c) for i, c in enumerate(columns))
    checks = ", ".join(_not_wire(c) for c in timed) or "0"
    block_sql = f"SELECT {joined}, {checks} FROM {TEMP} WHERE rowid BETWEEN ? AND ?"
    cols = ", ".join(f'"{c}"' for c in spec.column_names)
    for first in range(1, total + 1, DIGEST_BLOCK):
        bounds = (first, min(total, first + DIGEST_BLOCK - 1))
        row = conn.execute(block_sql, bounds).fetchone()
        if any(row[len(columns) :]):  # some date or time not in wire form: convert in Python
            rows = conn.execute(
                f"SELECT uuid, {cols} FROM {TEMP} WHERE rowid BETWEEN ? AND ?", bounds
            ).fetchall()
            digest.add(columns_to_wire(spec, list(zip(*rows, strict=True))))
            continue
        texts: list[str | None] = list(row[: len(columns)])
        if numeric:
            names = ", ".join(f'"{spec.columns[i - 1].name}"' for i in numeric)
            rows = conn.execute(f"SELECT {names} FROM {TEMP} WHERE rowid BETWEEN ? AND ?", bounds).fetchall()
            for i, values in zip(numeric, zip(*rows, strict=True), strict=True):
                kind = spec.columns[i - 1].kind
                texts[i] = digest.canonical(i, column_to_wire(kind, values))
        digest.add_joined(bounds[1] - bounds[0] + 1, [t or "" for t in texts])
    return digest
