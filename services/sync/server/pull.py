"""Reading changes for a client (pull) and per-table summaries (verify) on the online side.

A pull page holds every row whose sequence lies in ``(cursor, new_cursor]``: a transaction's
rows all share one sequence number, so a page never splits a transaction. Rows keep only the
sequence of their last change, so a child can carry a lower sequence than its parent's latest
change; the page therefore also carries referenced parents changed after ``new_cursor``, and the
client can apply every page with its foreign keys intact.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection

from services.sync.protocol.messages import PullResponse, TableChanges, TableSummary
from services.sync.protocol.sqlite_digest import sqlite_digest
from services.sync.protocol.tables import (
    DIGEST_BLOCK,
    TABLE_ORDER,
    TABLES,
    TableDigest,
    TableSpec,
    columns_to_wire,
    transpose,
)
from services.sync.server import store as store
from services.sync.server.pg_digest import in_sql, pg_digest
from services.sync.server.pg_digest import prepare as prepare_pg_digest

COLLATE_C = ' COLLATE "C"'  # byte order, like SQLite's
Row = tuple[Any, ...]  # (seq, uuid, deleted, *columns)


def read_page(conn: Connection, *, tenant_id: int, cursor: int, limit: int) -> PullResponse:
    """Changes after ``cursor``: whole transactions, about ``limit`` rows (more if one is bigger)."""
    top = store.tenant_seq(conn, tenant_id)
    if top <= cursor:
        return PullResponse(cursor=cursor, server_seq=top, has_more=False)
    per_table = {
        name: _changed(conn, TABLES[name], tenant_id, cursor, top, limit + 1)
        for name in _tables_changed(conn, tenant_id, cursor, top)
    }
    merged = list(heapq.merge(*([(r[0], name, r) for r in rows] for name, rows in per_table.items())))
    if len(merged) <= limit and all(len(rows) <= limit for rows in per_table.values()):
        new_cursor, has_more = top, False
        chosen = merged
    else:
        new_cursor = _boundary(merged, limit)
        if new_cursor == merged[0][0] and len(merged) > limit and merged[limit][0] == new_cursor:
            chosen = _whole_transaction(conn, tenant_id, new_cursor)
        else:
            chosen = [item for item in merged if item[0] <= new_cursor]
        has_more = new_cursor < top
    rows_by_table: dict[str, list[Row]] = defaultdict(list)
    for _seq, name, row in chosen:
        rows_by_table[name].append(row)
    _add_parents(conn, tenant_id, new_cursor, rows_by_table)
    changes = [_table_changes(TABLES[n], rows_by_table[n]) for n in TABLE_ORDER if rows_by_table.get(n)]
    return PullResponse(cursor=new_cursor, server_seq=top, has_more=has_more, changes=changes)


def _boundary(merged: list[tuple[int, str, Row]], limit: int) -> int:
    """The highest sequence whose rows all fit in ``limit``; the first one if it alone is bigger."""
    last = merged[limit - 1][0]
    if merged[limit][0] != last:
        return last
    earlier = [item[0] for item in merged[:limit] if item[0] < last]
    return earlier[-1] if earlier else last


def _select(spec: TableSpec) -> str:
    cols = ", ".join(f'"{c}"' for c in spec.column_names)
    return f'SELECT seq, uuid, deleted, {cols} FROM "{spec.online_table}"'


def _tables_changed(conn: Connection, tenant_id: int, after: int, upto: int) -> list[str]:
    """The tables with rows in ``(after, upto]``, in one statement (a change mostly touches one or
    two of them; asking each table in turn would cost a round trip per table)."""
    p = store.ph(conn)
    probes = " UNION ALL ".join(
        f'SELECT {i} WHERE EXISTS (SELECT 1 FROM "{TABLES[name].online_table}" '
        f"WHERE tenant_id = {p} AND seq > {p} AND seq <= {p})"
        for i, name in enumerate(TABLE_ORDER)
    )
    found = {int(r[0]) for r in conn.exec_driver_sql(probes, (tenant_id, after, upto) * len(TABLE_ORDER))}
    return [name for i, name in enumerate(TABLE_ORDER) if i in found]


def _changed(
    conn: Connection, spec: TableSpec, tenant_id: int, after: int, upto: int, limit: int
) -> list[Row]:
    p = store.ph(conn)
    sql = (
        f"{_select(spec)} WHERE tenant_id = {p} AND seq > {p} AND seq <= {p} ORDER BY seq LIMIT {int(limit)}"
    )
    return [tuple(r) for r in conn.exec_driver_sql(sql, (tenant_id, after, upto))]


def _whole_transaction(conn: Connection, tenant_id: int, seq: int) -> list[tuple[int, str, Row]]:
    p = store.ph(conn)
    chosen: list[tuple[int, str, Row]] = []
    for name in TABLE_ORDER:
        sql = f"{_select(TABLES[name])} WHERE tenant_id = {p} AND seq = {p}"
        chosen.extend((seq, name, tuple(r)) for r in conn.exec_driver_sql(sql, (tenant_id, seq)))
    return chosen


def _add_parents(conn: Connection, tenant_id: int, cursor: int, rows_by_table: dict[str, list[Row]]) -> None:
    """Add live referenced rows changed after ``cursor`` (children first, so grandparents follow)."""
    p = store.ph(conn)
    for name in reversed(TABLE_ORDER):
        spec = TABLES[name]
        for ref in spec.refs:
            index = 3 + spec.column_names.index(ref.column)
            wanted = {r[index] for r in rows_by_table.get(name, []) if not r[2] and r[index]}
            have = {r[1] for r in rows_by_table.get(ref.target, [])}
            missing = sorted(wanted - have)
            target = TABLES[ref.target]
            for part in store.chunks(missing):
                marks = ", ".join(p for _ in part)
                sql = f"{_select(target)} WHERE tenant_id = {p} AND seq > {p} AND uuid IN ({marks})"
                rows_by_table[ref.target].extend(
                    tuple(r) for r in conn.exec_driver_sql(sql, (tenant_id, cursor, *part))
                )


def _table_changes(spec: TableSpec, rows: list[Row]) -> TableChanges:
    live = [r[1:2] + r[3:] for r in rows if not r[2]]
    deleted = [r[1] for r in rows if r[2]]
    data = columns_to_wire(spec, transpose(live, len(spec.columns) + 1))
    return TableChanges(
        table=spec.name,
        columns=["uuid", *spec.column_names],
        data=[list(col) for col in data],
        deleted=deleted,
    )


def summarize(conn: Connection, *, tenant_id: int, tables: list[str]) -> dict[str, TableSummary]:
    """Count and checksum of the live rows of each table (the verify call)."""
    result: dict[str, TableSummary] = {}
    p = store.ph(conn)
    postgres = store.is_postgres(conn)
    ordered = prepare_pg_digest(conn) if postgres else True
    for name in tables:
        spec = TABLES[name]
        if not postgres:  # SQLite joins the columns itself
            raw: Any = conn.connection.dbapi_connection
            live = "tenant_id = ? AND deleted = 0"
            digest = sqlite_digest(
                raw,
                spec=spec,
                table=spec.online_table,
                where=live,
                params=(tenant_id,),
                index=f"ix_{spec.online_table}_tenant_seq",  # the tenant's rows in about their stored order
            )
            result[name] = TableSummary(count=digest.count, checksum=digest.checksum)
            continue
        if in_sql(spec):  # PostgreSQL joins the columns itself too
            digest = pg_digest(conn, spec=spec, table=spec.online_table, tenant_id=tenant_id, ordered=ordered)
            result[name] = TableSummary(count=digest.count, checksum=digest.checksum)
            continue
        cols = ", ".join(f'"{c}"' for c in spec.column_names)
        digest = TableDigest(spec)
        cur = conn.execution_options(stream_results=True, max_row_buffer=DIGEST_BLOCK).exec_driver_sql(
            f'SELECT uuid, {cols} FROM "{spec.online_table}" WHERE tenant_id = {p} AND deleted = false '
            f"ORDER BY uuid{COLLATE_C}",
            (tenant_id,),
        )  # a server-side cursor: the table is streamed, never held whole in memory
        while block := cur.fetchmany(DIGEST_BLOCK):
            digest.add(columns_to_wire(spec, transpose(block, len(spec.columns) + 1)))
        cur.close()
        result[name] = TableSummary(count=digest.count, checksum=digest.checksum)
    return result
