"""Substring search that stays fast at 100,000+ rows: an FTS5 trigram index per register (SQLite).

``LIKE '%word%'`` cannot use an ordinary index, so every search read the whole register (about
half a second at 100,000 contacts). A trigram index finds the rows containing any substring of
three or more characters, case-insensitively (umlauts included), in a few milliseconds.

The index is an external-content FTS5 table: it stores only the index, reads the text from the
register's table and is kept up to date by three triggers. Like the sync triggers it is derived
from this file at start-up (``install_search_index``), not from the Alembic history, and rebuilt
when its definition changes. Bulk writers that suspend triggers (the demo data) keep it up to
date with ``forget_company`` and ``index_company``. On PostgreSQL nothing is installed and the
list search uses ILIKE.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from sqlalchemy import Connection, Engine

from services.local.registers.specs import CONTACTS

# Register table -> the columns searched through the index: the register's own search columns,
# so that the index and the LIKE fallback find the same rows.
INDEXED: Mapping[str, tuple[str, ...]] = {CONTACTS.name: CONTACTS.search}
MIN_LENGTH = 3  # a trigram index cannot look up shorter words; those use LIKE
PREFIX = "search_"


def index_name(table: str) -> str:
    return f"{PREFIX}{table}"


def definition(table: str) -> dict[str, str]:
    """The virtual table and its three triggers, by name."""
    columns = INDEXED[table]
    name = index_name(table)
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    forget = f"INSERT INTO {name}({name}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    remember = f"INSERT INTO {name}(rowid, {cols}) VALUES (new.id, {new});"
    return {
        name: f"CREATE VIRTUAL TABLE {name} USING fts5({cols}, content='{table}', content_rowid='id', "
        "tokenize='trigram')",
        f"{name}_ins": f"CREATE TRIGGER {name}_ins AFTER INSERT ON {table} BEGIN {remember} END",
        f"{name}_del": f"CREATE TRIGGER {name}_del AFTER DELETE ON {table} BEGIN {forget} END",
        f"{name}_upd": f"CREATE TRIGGER {name}_upd AFTER UPDATE OF {cols} ON {table} "
        f"BEGIN {forget} {remember} END",
    }


def install_search_index(engine: Engine) -> int:
    """Create (and fill) every index whose definition is missing or outdated; returns how many."""
    if engine.dialect.name != "sqlite":
        return 0
    raw = engine.raw_connection()
    try:
        conn: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        existing = dict(
            conn.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE ?", (PREFIX + "%",)).fetchall()
        )
        stale = [table for table in INDEXED if _outdated(definition(table), existing)]
        if stale:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for table in stale:
                    _create(conn, table)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return len(stale)
    finally:
        raw.close()


def _outdated(wanted: dict[str, str], existing: dict[str, str]) -> bool:
    return any(existing.get(name) != sql for name, sql in wanted.items())


def _create(conn: sqlite3.Connection, table: str) -> None:
    name = index_name(table)
    conn.execute(f"DROP TABLE IF EXISTS {name}")
    for suffix in ("_ins", "_del", "_upd"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}{suffix}")
    for sql in definition(table).values():
        conn.execute(sql)
    conn.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")


def has_index(connection: Connection, table: str) -> bool:
    if connection.dialect.name != "sqlite" or table not in INDEXED:
        return False
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (index_name(table),)
    ).first()
    return found is not None


def forget_company(connection: Connection, *, table: str, company_id: int) -> None:
    """Take a company's rows out of the index (before deleting them with triggers suspended)."""
    if has_index(connection, table):
        name, cols = index_name(table), ", ".join(INDEXED[table])
        connection.exec_driver_sql(
            f"INSERT INTO {name}({name}, rowid, {cols}) SELECT 'delete', id, {cols} FROM {table} "
            "WHERE company_id = ?",
            (company_id,),
        )


def index_company(connection: Connection, *, table: str, company_id: int) -> None:
    """Add a company's rows to the index (after inserting them with triggers suspended)."""
    if has_index(connection, table):
        name, cols = index_name(table), ", ".join(INDEXED[table])
        connection.exec_driver_sql(
            f"INSERT INTO {name}(rowid, {cols}) SELECT id, {cols} FROM {table} WHERE company_id = ?",
            (company_id,),
        )


def match_expression(words: list[str]) -> str:
    """An FTS5 query requiring every word (each quoted, so no word is read as an operator)."""
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in words)
