"""The online checksum equals the Business Software's for every kind of value, also where the
database formats the values itself (PostgreSQL)."""

from __future__ import annotations

import uuid

import pytest

from models.types import new_uuid
from services.db import Databases
from services.sync.protocol.messages import (
    SnapshotBeginRequest,
    SnapshotFinishRequest,
    SnapshotPageRequest,
    VerifyRequest,
)
from services.sync.protocol.tables import DIGEST_BLOCK, TABLES, TableDigest
from services.sync.server import pg_digest
from services.sync.server.connections import ConnectionContext
from services.sync.server.service import SyncServer
from services.sync.server.store import is_postgres
from tests.sync.helpers import columnar, connect, fields


def product(n: int) -> dict[str, object]:
    prices = [0, -12.5, 9_999_999_999.99, 0.01, 7, 123.45, 19.99]
    return {"number": f"P{n:05d}", "name": f"Artikel ü{n}", "description": "tab\there\nline" if n % 3 else "",
            "unit": "Stk", "price": prices[n % len(prices)], "active": n % 2 == 0}  # fmt: skip


def activity(n: int) -> dict[str, object]:
    starts = ["2024-02-29 23:59:59.999999", "2024-01-01 00:00:00.000000", "1999-12-31 12:30:00.500000"]
    return {"contact_uuid": None if n % 2 else new_uuid(), "employee_uuid": None, "subject": f"Anruf {n}",
            "kind": "call", "start_at": starts[n % len(starts)],
            "end_at": None if n % 4 else "2024-03-01 08:00:00.000001", "done": n % 3 == 0,
            "notes": "ß"}  # fmt: skip


def upload(server: SyncServer, ctx: ConnectionContext, rows: dict[str, dict[str, dict[str, object]]]) -> None:
    begin = server.begin_snapshot(
        ctx,
        SnapshotBeginRequest(
            **fields(ctx), snapshot_id=str(uuid.uuid4()), kind="initial", tables=list(TABLES), known_seq=0
        ),
    )
    for page, (table, table_rows) in enumerate(rows.items()):
        columns, data = columnar(table, table_rows)
        request = SnapshotPageRequest(
            **fields(ctx), snapshot_id=begin.snapshot_id, table=table, page=page, columns=columns, data=data
        )
        server.snapshot_page(ctx, request)
    server.finish_snapshot(ctx, SnapshotFinishRequest(**fields(ctx), snapshot_id=begin.snapshot_id))


def client_digest(table: str, table_rows: dict[str, dict[str, object]]) -> TableDigest:
    """The checksum the Business Software computes for these rows (wire values, uuid byte order)."""
    _columns, data = columnar(table, table_rows)
    order = sorted(range(len(data[0])), key=lambda i: data[0][i].encode())
    expected = TableDigest(TABLES[table])
    for start in range(0, len(order), DIGEST_BLOCK):
        block = order[start : start + DIGEST_BLOCK]
        expected.add([[column[i] for i in block] for column in data])
    return expected


def test_verify_matches_the_client_for_numbers_flags_times_and_nulls(server: SyncServer) -> None:
    ctx, _token = connect(server)
    rows = {
        "products": {new_uuid(): product(n) for n in range(DIGEST_BLOCK + 10)},  # two blocks
        "activities": {new_uuid(): activity(n) for n in range(50)},
    }
    early = next(iter(rows["activities"]))
    rows["activities"][early]["start_at"] = (
        "0999-05-01 10:00:00.000000"  # four digits for the year, as SQLite keeps it
    )
    upload(server, ctx, rows)

    tables = server.verify(ctx, VerifyRequest(**fields(ctx), tables=list(rows))).tables
    for table, table_rows in rows.items():
        expected = client_digest(table, table_rows)
        assert (tables[table].count, tables[table].checksum) == (len(table_rows), expected.checksum), table


def test_a_price_with_more_decimals_than_its_scale_counts_as_stored_rounded_half_away_from_zero(
    server: SyncServer,
) -> None:
    """2.675 at scale 2 is 2.68 on every side: PostgreSQL stores it so, SQLite formats it so."""
    ctx, _token = connect(server)
    rows = {"products": {new_uuid(): product(n) for n in range(20)}}
    ties = [2.675, -0.125, 1.005]
    for n, row in enumerate(rows["products"].values()):
        row["price"] = ties[n % len(ties)]
    upload(server, ctx, rows)

    summary = server.verify(ctx, VerifyRequest(**fields(ctx), tables=["products"])).tables["products"]
    rounded = {2.675: 2.68, -0.125: -0.13, 1.005: 1.01}
    stored = {key: {**row, "price": rounded[row["price"]]} for key, row in rows["products"].items()}  # type: ignore[index]
    assert (summary.count, summary.checksum) == (20, client_digest("products", stored).checksum)


def test_on_postgresql_the_sorted_input_alone_gives_the_order_each_aggregate_would_name(
    server: SyncServer, online_dbs: Databases
) -> None:
    """Before PostgreSQL 16 the aggregates rely on the rows sorted by block and uuid; from 16 on
    they name the order too. Both give the checksum the Business Software computes."""
    assert online_dbs.online is not None
    ctx, _token = connect(server)
    rows = {"products": {new_uuid(): product(n) for n in range(2 * DIGEST_BLOCK + 7)}}
    upload(server, ctx, rows)
    expected = client_digest("products", rows["products"])
    with online_dbs.online.begin() as s:
        conn = s.connection()
        if not is_postgres(conn):
            pytest.skip("PostgreSQL only")
        pg_digest.prepare(conn)
        for ordered in (True, False):
            got = pg_digest.pg_digest(
                conn,
                spec=TABLES["products"],
                table="online_products",
                tenant_id=ctx.tenant_id,
                ordered=ordered,
            )
            assert (got.count, got.checksum) == (len(rows["products"]), expected.checksum), ordered
