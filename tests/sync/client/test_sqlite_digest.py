"""The checksum SQLite computes itself equals the one built value by value in Python."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from services.sync.protocol import sqlite_digest as fast
from services.sync.protocol.tables import TABLES, TableDigest, columns_to_wire, transpose


def python_digest(conn: sqlite3.Connection, table: str) -> TableDigest:
    spec = TABLES[table]
    cols = ", ".join(f'"{c}"' for c in spec.column_names)
    rows = conn.execute(f'SELECT uuid, {cols} FROM "{table}" WHERE k = 1 ORDER BY uuid').fetchall()
    digest = TableDigest(spec)
    for start in range(0, len(rows), fast.DIGEST_BLOCK):
        block = rows[start : start + fast.DIGEST_BLOCK]
        digest.add(columns_to_wire(spec, transpose(block, len(spec.columns) + 1)))
    return digest


@pytest.mark.parametrize("block", [3, 4096])
def test_activities_with_nulls_empty_text_booleans_and_times_in_and_out_of_wire_form(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fast, "DIGEST_BLOCK", block)
    spec = TABLES["activities"]
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(f"CREATE TABLE activities (k INTEGER, uuid TEXT, {', '.join(spec.column_names)})")
    starts = ["2024-05-01 08:00:00.000000", "2024-05-01T08:00:00", "2024-05-01 08:00:00+02:00"]
    for i in range(11):
        conn.execute(
            f"INSERT INTO activities VALUES (?, ?, {', '.join('?' * len(spec.columns))})",
            (1 if i != 5 else 2, str(uuid.uuid4()), None if i % 3 else str(uuid.uuid4()), None, f"B {i}",
             "" if i % 2 else "call", starts[i % 3] if i in (4, 7) else starts[0],
             None if i % 4 else "2024-05-01 09:00:00.500000", i % 2, "\x1f\x00ü" if i == 3 else ""),
        )  # fmt: skip
    conn.execute("BEGIN")
    expected = python_digest(conn, "activities")
    got = fast.sqlite_digest(conn, spec=spec, table="activities", where="k = ?", params=(1,))
    assert (got.count, got.checksum) == (expected.count, expected.checksum) and got.count == 10


def test_numeric_columns_are_formatted_with_their_scale() -> None:
    spec = TABLES["sales_order_lines"]
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(f"CREATE TABLE sales_order_lines (k INTEGER, uuid TEXT, {', '.join(spec.column_names)})")
    sample = {
        "str": "Ware",
        "int": 3,
        "bool": 1,
        "date": "2024-05-01",
        "datetime": "2024-05-01 08:00:00.000000",
    }
    for i, number in enumerate([0, 2.675, 1e-05, 12, 99999.999, -3.5]):
        values = [number if c.kind == "numeric" else sample[c.kind] for c in spec.columns]
        conn.execute(
            f"INSERT INTO sales_order_lines VALUES (1, ?, {', '.join('?' * len(spec.columns))})",
            (f"u{i}", *values),
        )
    expected = python_digest(conn, "sales_order_lines")
    got = fast.sqlite_digest(conn, spec=spec, table="sales_order_lines", where="k = ?", params=(1,))
    assert (got.count, got.checksum) == (expected.count, expected.checksum)
