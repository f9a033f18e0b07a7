"""SQL of the online side's synced tables, for SQLite and PostgreSQL alike.

Private helpers of the sync server: they take an open SQLAlchemy ``Connection`` inside the
caller's transaction and never commit. The bulk writes (snapshot pages, pushed rows) live in
``bulk`` and are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection

from services.sync.protocol.tables import DATETIME_FORMAT, TABLES, TableSpec
from services.sync.server.bulk import upsert_rows as upsert_rows
from services.sync.server.bulk import write_columns as write_columns
from services.sync.server.notify import wake_channel

CHUNK = 500  # parameters per IN list


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def ph(conn: Connection) -> str:
    """The driver's positional placeholder."""
    return "%s" if is_postgres(conn) else "?"


def now_text() -> str:
    return dt.datetime.now(dt.UTC).strftime(DATETIME_FORMAT)


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def bump_seq(conn: Connection, tenant_id: int) -> int:
    """Take the tenant's next sequence number: always the first write of a transaction.

    On PostgreSQL the row lock on the tenant serialises the tenant's writers until commit, so
    sequence order is commit order; on SQLite the first write takes the database write lock.
    On PostgreSQL the same statement queues a NOTIFY of the tenant on the deployment's channel,
    which the database delivers to every instance's LISTEN connection at commit (see notify.py).
    """
    if is_postgres(conn):
        row = conn.exec_driver_sql(
            "UPDATE tenants SET seq = seq + 1 WHERE id = %s RETURNING seq, pg_notify(%s, %s)",
            (tenant_id, wake_channel(conn.engine.url.database), str(tenant_id)),
        ).first()
    else:
        row = conn.exec_driver_sql(
            "UPDATE tenants SET seq = seq + 1 WHERE id = ? RETURNING seq", (tenant_id,)
        ).first()
    if row is None:
        raise LookupError(f"tenant {tenant_id} does not exist")
    return int(row[0])


def tenant_seq(conn: Connection, tenant_id: int) -> int:
    row = conn.exec_driver_sql(f"SELECT seq FROM tenants WHERE id = {ph(conn)}", (tenant_id,)).first()
    return int(row[0]) if row else 0


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def fetch_rows(
    conn: Connection, *, spec: TableSpec, tenant_id: int, uuids: Sequence[str]
) -> dict[str, tuple[Any, ...]]:
    """Current rows by uuid: (deleted, seq, *synced columns), raw database values."""
    found: dict[str, tuple[Any, ...]] = {}
    p = ph(conn)
    for part in chunks(list(uuids)):
        marks = ", ".join(p for _ in part)
        result = conn.exec_driver_sql(
            f'SELECT uuid, deleted, seq, {_quoted(spec.column_names)} FROM "{spec.online_table}" '
            f"WHERE tenant_id = {p} AND uuid IN ({marks})",
            (tenant_id, *part),
        )
        for row in result:
            found[row[0]] = tuple(row[1:])
    return found


def tombstone(
    conn: Connection, *, spec: TableSpec, tenant_id: int, seq: int, uuids: Sequence[str]
) -> list[str]:
    """Mark rows deleted at ``seq`` and cascade like the local foreign keys; returns every table.uuid hit."""
    hit: list[str] = []
    pending: list[tuple[TableSpec, list[str]]] = [(spec, list(uuids))]
    p = ph(conn)
    while pending:
        table, keys = pending.pop()
        done: list[str] = []
        for part in chunks(keys):
            marks = ", ".join(p for _ in part)
            result = conn.exec_driver_sql(
                f'UPDATE "{table.online_table}" SET deleted = {_true(conn)}, seq = {p}, updated_at = {p} '
                f"WHERE tenant_id = {p} AND uuid IN ({marks}) AND deleted = {_false(conn)} RETURNING uuid",
                (seq, now_text(), tenant_id, *part),
            )
            done.extend(r[0] for r in result)
        if not done:
            continue
        hit.extend(f"{table.name}.{u}" for u in done)
        _forget_field_changes(conn, tenant_id, table.name, done)
        for child in TABLES.values():
            for ref in child.refs:
                if ref.target != table.name:
                    continue
                if ref.on_delete == "CASCADE":
                    pending.append((child, _children(conn, child, ref.column, tenant_id, done)))
                else:
                    _set_null(conn, child, ref.column, tenant_id, seq, done)
    return hit


def _true(conn: Connection) -> str:
    return "true" if is_postgres(conn) else "1"


def _false(conn: Connection) -> str:
    return "false" if is_postgres(conn) else "0"


def _children(
    conn: Connection, child: TableSpec, column: str, tenant_id: int, parents: list[str]
) -> list[str]:
    p = ph(conn)
    found: list[str] = []
    for part in chunks(parents):
        marks = ", ".join(p for _ in part)
        found.extend(
            r[0]
            for r in conn.exec_driver_sql(
                f'SELECT uuid FROM "{child.online_table}" WHERE tenant_id = {p} AND "{column}" IN ({marks}) '
                f"AND deleted = {_false(conn)}",
                (tenant_id, *part),
            )
        )
    return found


def _set_null(
    conn: Connection, child: TableSpec, column: str, tenant_id: int, seq: int, parents: list[str]
) -> None:
    p = ph(conn)
    for part in chunks(parents):
        marks = ", ".join(p for _ in part)
        conn.exec_driver_sql(
            f'UPDATE "{child.online_table}" SET "{column}" = NULL, seq = {p}, updated_at = {p} '
            f'WHERE tenant_id = {p} AND "{column}" IN ({marks}) AND deleted = {_false(conn)}',
            (seq, now_text(), tenant_id, *part),
        )


def _forget_field_changes(conn: Connection, tenant_id: int, table: str, uuids: Sequence[str]) -> None:
    p = ph(conn)
    for part in chunks(list(uuids)):
        marks = ", ".join(p for _ in part)
        conn.exec_driver_sql(
            f"DELETE FROM sync_field_changes WHERE tenant_id = {p} AND table_name = {p} "
            f"AND uuid IN ({marks})",
            (tenant_id, table, *part),
        )


def field_changes(
    conn: Connection, *, tenant_id: int, table: str, uuids: Sequence[str]
) -> dict[tuple[str, str], int]:
    """Online field changes of these rows: (uuid, field) -> sequence of the change."""
    p = ph(conn)
    found: dict[tuple[str, str], int] = {}
    for part in chunks(list(uuids)):
        marks = ", ".join(p for _ in part)
        for uuid, field, seq in conn.exec_driver_sql(
            f"SELECT uuid, field, seq FROM sync_field_changes WHERE tenant_id = {p} AND table_name = {p} "
            f"AND uuid IN ({marks})",
            (tenant_id, table, *part),
        ):
            found[(uuid, field)] = int(seq)
    return found


def forget_fields(conn: Connection, *, tenant_id: int, table: str, pairs: Sequence[tuple[str, str]]) -> None:
    """Business Software overwrote these (uuid, field) pairs: they are no longer online changes."""
    if pairs:
        p = ph(conn)
        conn.exec_driver_sql(
            f"DELETE FROM sync_field_changes WHERE tenant_id = {p} AND table_name = {p} AND uuid = {p} "
            f"AND field = {p}",
            [(tenant_id, table, uuid, field) for uuid, field in pairs],
        )


def record_fields(
    conn: Connection, *, tenant_id: int, table: str, uuid: str, fields: Iterable[str], seq: int, by: str = ""
) -> None:
    """Remember fields changed online at ``seq`` by ``by`` (conflict detection for later pushes)."""
    p = ph(conn)
    at = now_text()
    rows = [(tenant_id, table, uuid, field, seq, by[:200], at) for field in fields]
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO sync_field_changes "
            "(tenant_id, table_name, uuid, field, seq, changed_by, changed_at) "
            f"VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}) "
            "ON CONFLICT (tenant_id, table_name, uuid, field) DO UPDATE SET seq = excluded.seq, "
            "changed_by = excluded.changed_by, changed_at = excluded.changed_at",
            rows,
        )


def field_authors(
    conn: Connection, *, tenant_id: int, table: str, uuids: Sequence[str]
) -> dict[tuple[str, str], tuple[str, str]]:
    """Who changed these rows' fields online and when: (uuid, field) -> (name, wire datetime)."""
    p = ph(conn)
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for part in chunks(list(uuids)):
        marks = ", ".join(p for _ in part)
        for uuid, field, by, at in conn.exec_driver_sql(
            f"SELECT uuid, field, changed_by, changed_at FROM sync_field_changes WHERE tenant_id = {p} "
            f"AND table_name = {p} AND uuid IN ({marks})",
            (tenant_id, table, *part),
        ):
            when = at.strftime(DATETIME_FORMAT) if isinstance(at, dt.datetime) else str(at or "")
            found[(uuid, field)] = (str(by or ""), when)
    return found


def respect_deleted_parents(conn: Connection, *, spec: TableSpec, tenant_id: int, seq: int) -> int:
    """Rows just written at ``seq`` whose parent is deleted online follow the local foreign keys:
    CASCADE deletes them (a delete wins over the upload), SET NULL clears the reference."""
    p = ph(conn)
    hit = 0
    for ref in spec.refs:
        parent = TABLES[ref.target].online_table
        dead = f'SELECT uuid FROM "{parent}" WHERE tenant_id = {p} AND deleted = {_true(conn)}'
        if ref.on_delete == "SET NULL":
            conn.exec_driver_sql(
                f'UPDATE "{spec.online_table}" SET "{ref.column}" = NULL WHERE tenant_id = {p} AND seq = {p} '
                f'AND "{ref.column}" IN ({dead})',
                (tenant_id, seq, tenant_id),
            )
            continue
        orphans = [
            r[0]
            for r in conn.exec_driver_sql(
                f'SELECT c.uuid FROM "{spec.online_table}" c JOIN "{parent}" t ON t.tenant_id = c.tenant_id '
                f'AND t.uuid = c."{ref.column}" WHERE c.tenant_id = {p} AND c.seq = {p} '
                f"AND t.deleted = {_true(conn)}",
                (tenant_id, seq),
            )
        ]
        if orphans:
            hit += len(tombstone(conn, spec=spec, tenant_id=tenant_id, seq=seq, uuids=orphans))
    return hit
