"""Bulk writes of synced rows on the online side: a snapshot page (columnar) or a few pushed rows.

They bypass the ORM, because the initial sync moves hundreds of thousands of rows: SQLite gets
multi-row ``VALUES`` statements, PostgreSQL COPY of prepared text (``copy_text``), straight into
the table or into a staging table plus one ``INSERT … ON CONFLICT``. Snapshot pages are nearly
always new rows, so they first try a plain INSERT (SQLite) or a COPY straight into the table
(PostgreSQL) inside a savepoint and fall back to the upsert only when a row already exists. Like
``store``, they run inside the caller's transaction and never commit.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from sqlalchemy import Connection

from models.collation import sort_key
from services.db import enlarge_cache
from services.sync.protocol.tables import DATETIME_FORMAT, TableSpec
from services.sync.server.copy_text import copy_lines, copy_payload, copy_value
from services.sync.server.search_index import defer_merge

# Rows per multi-row INSERT on SQLite, up to what the statement's variable limit allows: inside
# a transaction each statement that may fail half-way keeps a statement journal of the index and
# table pages it changes (a temporary file beyond 64 KiB), and a page of 10,000 rows touches most
# pages of its random indexes (uuid, name, city) in every statement: 500-row statements copied
# each such page some 20 times per snapshot page, statements of a few thousand rows 4 times.
VALUES_ROWS = 5000
# SQLite page cache while a snapshot page is written: a page's rows land all over the tables'
# indexes (uuids, names, dates, totals), which outgrow the default 2 MB cache at a few thousand
# rows; with a larger one each index page is read once per snapshot page instead of once per row.
SNAPSHOT_CACHE_KIB = 64 * 1024
# ... and the write-ahead log may grow to 32 MB before a checkpoint copies it into the database,
# instead of 4 MB, which a page of 10,000 rows exceeds alone (a checkpoint after every page).
SNAPSHOT_CHECKPOINT_PAGES = 8192


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def now_text() -> str:
    return dt.datetime.now(dt.UTC).strftime(DATETIME_FORMAT)


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _true(conn: Connection) -> str:
    return "true" if is_postgres(conn) else "1"


def upsert_rows(
    conn: Connection,
    *,
    spec: TableSpec,
    tenant_id: int,
    seq: int,
    rows: Sequence[Sequence[Any]],
    deleted_after: int | None = None,
) -> None:
    """Insert or overwrite full rows (uuid first, then the synced columns) at sequence ``seq``.

    With ``deleted_after``, a row deleted online after that sequence stays deleted (a snapshot
    page sent again must not bring back what was deleted meanwhile: delete wins).
    """
    if rows:
        write_columns(
            conn,
            spec=spec,
            tenant_id=tenant_id,
            seq=seq,
            data=list(zip(*rows, strict=True)),
            deleted_after=deleted_after,
        )


def write_columns(
    conn: Connection,
    *,
    spec: TableSpec,
    tenant_id: int,
    seq: int,
    data: Sequence[Sequence[Any]],
    deleted_after: int | None = None,
) -> None:
    """``upsert_rows`` for columnar wire data (uuids first), as snapshot pages carry it."""
    if not data or not data[0]:
        return
    keys = [key for key, _source in spec.sort_keys]  # derived here from the synced values
    if keys:
        sources = [1 + spec.column_names.index(source) for _key, source in spec.sort_keys]
        data = [*data, *(list(map(sort_key, data[i])) for i in sources)]
    cols = ["uuid", *spec.column_names, *keys]
    sets = ", ".join(
        f'"{c}" = excluded."{c}"' for c in [*spec.column_names, *keys, "seq", "deleted", "updated_at"]
    )
    head = f'INSERT INTO "{spec.online_table}" (tenant_id, seq, deleted, updated_at, {_quoted(cols)})'
    conflict = f" ON CONFLICT (tenant_id, uuid) DO UPDATE SET {sets}"
    if deleted_after is not None:
        table = f'"{spec.online_table}"'
        conflict += f" WHERE NOT ({table}.deleted = {_true(conn)} AND {table}.seq > {int(deleted_after)})"
    if is_postgres(conn):
        if deleted_after is not None:  # a snapshot page: index entries wait for one merge at the end
            with conn.connection.dbapi_connection.cursor() as cur:  # type: ignore[union-attr]
                defer_merge(cur)
        lines = copy_lines(spec, data)
        now = now_text()
        if deleted_after is not None and _copy_new_rows(
            conn, spec, cols, lines, (tenant_id, seq, False, now)
        ):
            return
        _copy_upsert(
            conn,
            spec,
            cols,
            f"{head} SELECT {tenant_id}, {seq}, false, '{now}', {_quoted(cols)} "
            f"FROM {_stage(spec)}{conflict}",
            copy_payload(lines),
        )
        return
    rows = list(zip(*data, strict=True))
    leading = (tenant_id, seq, now_text())
    dbapi: Any = conn.connection.dbapi_connection  # sqlite3: straight on the driver
    cursor = dbapi.cursor()
    try:
        if deleted_after is not None:  # snapshot pages are new rows, unless sent again: try plain INSERT
            # until the connection returns to the pool:
            enlarge_cache(conn, SNAPSHOT_CACHE_KIB, checkpoint_pages=SNAPSHOT_CHECKPOINT_PAGES)
            cursor.execute("SAVEPOINT sync_page")
            try:
                _insert_values(cursor, head, "", leading, rows)
                cursor.execute("RELEASE SAVEPOINT sync_page")
                return
            except sqlite3.IntegrityError:
                cursor.execute("ROLLBACK TO SAVEPOINT sync_page")
                cursor.execute("RELEASE SAVEPOINT sync_page")
        _insert_values(cursor, head, conflict, leading, rows)
    finally:
        cursor.close()


def _insert_values(
    cursor: sqlite3.Cursor, head: str, tail: str, leading: tuple[Any, ...], rows: Sequence[Sequence[Any]]
) -> None:
    """SQLite: insert rows with multi-row ``VALUES`` statements of up to ``VALUES_ROWS`` rows each,
    as many as the variable limit allows (about twice as fast as ``executemany``, which runs the
    statement once per row, and fewer statement journals, see ``VALUES_ROWS``). ``leading``
    (tenant, sequence, time) are bound once per statement as ``?1``-``?3``, so the statement text
    repeats and its compiled form is reused from the driver's cache."""
    width = len(rows[0])
    limit = cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(VALUES_ROWS, (limit - len(leading)) // width))
    one = "(?1, ?2, 0, ?3, " + ", ".join("?" * width) + ")"
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        cursor.execute(
            f"{head} VALUES {', '.join([one] * len(chunk))}{tail}", (*leading, *chain.from_iterable(chunk))
        )


def _stage(spec: TableSpec) -> str:
    return f"sync_stage_{spec.name}"


def _copy_new_rows(
    conn: Connection, spec: TableSpec, cols: list[str], lines: Sequence[str], leading: tuple[Any, ...]
) -> bool:
    """PostgreSQL: COPY a page of new rows straight into the table (the usual snapshot page);
    ``leading`` are the tenant, sequence, deleted flag and time every row gets.

    False, with nothing written, when a row already exists (a page sent again, a re-sync): the
    caller then upserts through the staging table.
    """
    import psycopg  # here: a process on SQLite never loads the PostgreSQL driver

    dbapi: Any = conn.connection.dbapi_connection  # a psycopg connection
    prefix = "".join(copy_value(v) + "\t" for v in leading)
    with dbapi.cursor() as cur:
        cur.execute("SAVEPOINT sync_page")
        try:
            target = f'"{spec.online_table}" (tenant_id, seq, deleted, updated_at, {_quoted(cols)})'
            with cur.copy(f"COPY {target} FROM STDIN") as copy:
                copy.write(copy_payload(lines, prefix))
        except psycopg.errors.UniqueViolation:
            cur.execute("ROLLBACK TO SAVEPOINT sync_page")
            cur.execute("RELEASE SAVEPOINT sync_page")
            return False
        cur.execute("RELEASE SAVEPOINT sync_page")
    return True


def _copy_upsert(conn: Connection, spec: TableSpec, cols: list[str], insert_sql: str, payload: bytes) -> None:
    """PostgreSQL: COPY the rows into a per-connection staging table, then one upsert from it."""
    dbapi: Any = conn.connection.dbapi_connection  # a psycopg connection
    stage = _stage(spec)
    with dbapi.cursor() as cur:
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "
            f'SELECT {_quoted(cols)} FROM "{spec.online_table}" WITH NO DATA'
        )
        cur.execute(f"TRUNCATE {stage}")
        with cur.copy(f"COPY {stage} ({_quoted(cols)}) FROM STDIN") as copy:
            copy.write(payload)
        cur.execute(insert_sql)
