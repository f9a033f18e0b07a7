"""Local change tracking: SQLite triggers append every change of a synced table to the outbox.

Why triggers and not SQLAlchemy events: the registers, the demo data and the local API write
through the ORM, through Core bulk inserts and through plain SQL, possibly from other processes
on the same company database. ORM events would miss the last two; a trigger runs inside the very
statement that changes the row, so the outbox entry commits or rolls back with it. Foreign-key
actions (ON DELETE CASCADE / SET NULL) fire triggers too, so cascaded changes are recorded.

A trigger records nothing when
- the company has no sync connection (data filled before connecting travels in the initial
  snapshot instead), or
- the change is being applied from the server: that transaction holds a row in
  ``sync_applying`` (invisible to every other connection, removed before commit), so pulled
  changes are never echoed back.

Triggers are derived from the models at start-up and replaced when the synced columns change;
they are not part of the Alembic history because their text follows ``models/fields.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from services.sync.protocol.tables import TABLES, TableSpec

TRIGGER_PREFIX = "sync_track_"
EMPTY = "''"


def _guard(row: str) -> str:
    return (
        "NOT EXISTS (SELECT 1 FROM sync_applying) AND EXISTS (SELECT 1 FROM sync_connections c "
        f"WHERE c.company_id = {row}.company_id AND c.status != 'disconnected')"
    )


def _outbox_insert(spec: TableSpec, row: str, op: str, fields_sql: str) -> str:
    return (
        "INSERT INTO sync_outbox (company_id, table_name, uuid, op, fields, base_seq) VALUES "
        f"({row}.company_id, '{spec.name}', {row}.uuid, '{op}', {fields_sql}, "
        f'COALESCE((SELECT "cursor" FROM sync_states s WHERE s.company_id = {row}.company_id), 0));'
    )


def trigger_sql(spec: TableSpec) -> dict[str, str]:
    """The three triggers of one synced table, by name."""
    cols = spec.column_names
    changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in cols)
    field_list = " || ".join(
        f"CASE WHEN OLD.\"{c}\" IS NOT NEW.\"{c}\" THEN ',{c}' ELSE '' END" for c in cols
    )
    name = f"{TRIGGER_PREFIX}{spec.name}"
    return {
        f"{name}_ins": (
            f'CREATE TRIGGER "{name}_ins" AFTER INSERT ON "{spec.name}" WHEN {_guard("NEW")} '
            f"BEGIN {_outbox_insert(spec, 'NEW', 'I', EMPTY)} END"
        ),
        f"{name}_upd": (
            f'CREATE TRIGGER "{name}_upd" AFTER UPDATE ON "{spec.name}" WHEN {_guard("NEW")} '
            f"AND ({changed}) BEGIN {_outbox_insert(spec, 'NEW', 'U', f'substr({field_list}, 2)')} END"
        ),
        f"{name}_del": (
            f'CREATE TRIGGER "{name}_del" AFTER DELETE ON "{spec.name}" WHEN {_guard("OLD")} '
            f"BEGIN {_outbox_insert(spec, 'OLD', 'D', EMPTY)} END"
        ),
    }


def install_change_tracking(engine: Engine) -> int:
    """Create or replace the triggers whose text differs from the models; returns how many changed."""
    wanted: dict[str, str] = {}
    for spec in TABLES.values():
        wanted.update(trigger_sql(spec))
    raw = engine.raw_connection()
    try:
        conn: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        existing = dict(
            conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
                (TRIGGER_PREFIX + "%",),
            ).fetchall()
        )
        stale = [n for n in existing if existing[n] != wanted.get(n)]
        missing = [n for n in wanted if existing.get(n) != wanted[n]]
        if not stale and not missing:
            return 0
        conn.execute("BEGIN IMMEDIATE")
        try:
            for name in stale:
                conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
            for name in missing:
                conn.execute(wanted[name])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return len(missing)
    finally:
        raw.close()


@contextmanager
def applying_server_changes(conn: sqlite3.Connection) -> Iterator[None]:
    """Inside an open write transaction: silence the triggers for what this block writes."""
    conn.execute("INSERT OR IGNORE INTO sync_applying (id) VALUES (1)")
    try:
        yield
    finally:
        conn.execute("DELETE FROM sync_applying")
