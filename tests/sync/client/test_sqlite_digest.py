"""The checksum SQLite computes itself equals the one built value by value in Python."""

from __future__ import annotations

import random
import sqlite3
import uuid

import pytest

from services.sync.protocol import sqlite_digest as fast
from services.sync.protocol.tables import TABLES, TableDigest, TableSpec, columns_to_wire, transpose


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


def numeric_table(numbers: list[float]) -> sqlite3.Connection:
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
    for i, number in enumerate(numbers):
        values = [number if c.kind == "numeric" else sample[c.kind] for c in spec.columns]
        conn.execute(
            f"INSERT INTO sales_order_lines VALUES (1, ?, {', '.join('?' * len(spec.columns))})",
            (f"u{i:06d}", *values),
        )
    return conn


def test_numeric_columns_are_formatted_with_their_scale() -> None:
    rng = random.Random(7)
    clean = [rng.randint(-(10**12), 10**12) / 100 for _ in range(3000)]  # two decimals: every scale
    conn = numeric_table([0, 1e-05, 12, 99999.999, -3.5, 0.01, 7.1, *clean])
    spec = TABLES["sales_order_lines"]
    expected = python_digest(conn, "sales_order_lines")
    got = fast.sqlite_digest(conn, spec=spec, table="sales_order_lines", where="k = ?", params=(1,))
    assert (got.count, got.checksum) == (expected.count, expected.checksum)


def test_a_number_with_more_decimals_than_its_scale_is_rounded_half_away_from_zero() -> None:
    """As a PostgreSQL NUMERIC column stores it: 2.675 at scale 2 counts as 2.68 (Python's format
    of the binary value would say 2.67), -0.125 as -0.13."""
    spec = TABLES["sales_order_lines"]
    got = fast.sqlite_digest(
        numeric_table([2.675, -0.125]), spec=spec, table="sales_order_lines", where="k = ?", params=(1,)
    )
    rounded = numeric_table([2.68, -0.13])
    # quantity has scale 3: there the values keep their digits
    rounded.execute(
        "UPDATE sales_order_lines SET quantity = CASE uuid WHEN 'u000000' THEN 2.675 ELSE -0.125 END"
    )
    expected = python_digest(rounded, "sales_order_lines")
    assert (got.count, got.checksum) == (expected.count, expected.checksum)


def sample_rows(spec: TableSpec, n: int) -> list[list[object]]:
    values: dict[str, list[object]] = {
        "str": ["a", "", "ü\x1f", None],
        "int": [0, 7, -3, None],
        "bool": [1, 0, None],
        "numeric": [0, 12.5, -3.25, None],
        "date": ["2024-05-01", "2023-12-31", None],
        "datetime": ["2024-05-01 08:00:00.000000", "2024-05-01T08:00:00", None],
    }
    rows = []
    for i in range(n):
        row: list[object] = [f"{i:04d}-{uuid.UUID(int=i)}"]
        for j, c in enumerate(spec.columns):
            choices = values[c.kind] if c.nullable else [v for v in values[c.kind] if v is not None]
            row.append(choices[(i + j) % len(choices)])
        rows.append(row)
    return rows


def changed(kind: str, value: object) -> object:
    """Another value of the same kind (NULL becomes a value, a value becomes another one)."""
    other = {"str": "b", "int": 9, "bool": 1, "numeric": 0.01, "date": "2024-05-02",
             "datetime": "2024-05-01 08:00:00.000001"}  # fmt: skip
    if value is None:
        return other[kind]
    if kind == "bool":
        return 1 - int(value)  # type: ignore[call-overload]
    if kind == "datetime":
        return "2024-05-01 08:00:00.000001" if value != "2024-05-01 08:00:00.000001" else other["date"]
    return other[kind] if value != other[kind] else {"str": "c", "int": 10, "numeric": 0.02}.get(kind, value)


@pytest.mark.parametrize("table", list(TABLES))
def test_every_difference_changes_the_checksum(table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A changed value in any synced column, a missing or an extra row, a deleted flag."""
    monkeypatch.setattr(fast, "DIGEST_BLOCK", 4)
    spec = TABLES[table]
    conn = sqlite3.connect(":memory:", isolation_level=None)
    names = ", ".join(f'"{c}"' for c in spec.column_names)
    conn.execute(f'CREATE TABLE "{table}" (k INTEGER, deleted INTEGER, uuid TEXT, {names})')
    marks = ", ".join("?" * (len(spec.columns) + 1))
    rows = sample_rows(spec, 10)
    for row in rows:
        conn.execute(f'INSERT INTO "{table}" VALUES (1, 0, {marks})', row)

    def checksum() -> tuple[int, int]:
        got = fast.sqlite_digest(conn, spec=spec, table=table, where="k = ? AND deleted = 0", params=(1,))
        return got.count, got.checksum

    base = checksum()
    assert base[0] == 10
    seen = {base}
    for j, c in enumerate(spec.columns):
        for i in (0, 5, 9):
            old = rows[i][j + 1]
            conn.execute(
                f'UPDATE "{table}" SET "{c.name}" = ? WHERE uuid = ?', (changed(c.kind, old), rows[i][0])
            )
            now = checksum()
            assert now not in seen, (c.name, i)
            seen.add(now)
            conn.execute(f'UPDATE "{table}" SET "{c.name}" = ? WHERE uuid = ?', (old, rows[i][0]))
            assert checksum() == base
    conn.execute(f'UPDATE "{table}" SET deleted = 1 WHERE uuid = ?', (rows[3][0],))
    assert checksum() not in seen
    conn.execute(f'UPDATE "{table}" SET deleted = 0 WHERE uuid = ?', (rows[3][0],))
    conn.execute(f'UPDATE "{table}" SET k = 2 WHERE uuid = ?', (rows[9][0],))  # missing (another company's)
    assert checksum() not in seen
    conn.execute(f'UPDATE "{table}" SET k = 1 WHERE uuid = ?', (rows[9][0],))
    conn.execute(
        f'INSERT INTO "{table}" VALUES (1, 0, {marks})', [f"{10:04d}-x", *rows[0][1:]]
    )  # an extra row
    assert checksum() not in seen
