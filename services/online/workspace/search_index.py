"""Substring search of the Online Desktop's lists on SQLite: FTS5 trigram indexes.

``LIKE '%mann%'`` reads every row of a company's 100,000 contacts; a trigram index finds the rows
that contain a fragment of three or more characters, case-insensitively, without reading the
others. The indexes are external-content FTS5 tables over the synced tables (``rowid``), kept up
to date by triggers, so every writer (snapshot pages, pushes, online edits) maintains them in its
own transaction. Like the Business Software's register index (``services.local.registers.
fulltext``) they are derived from this file at start-up, not from the Alembic history, and rebuilt
when their definition changes. On PostgreSQL nothing is installed: the contacts search uses the
trigram index of migration fd40fb58ec40 and shorter fragments fall back to LIKE everywhere.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine, literal_column, select, text

# Synced table -> the text columns its list searches.
INDEXED: Mapping[str, tuple[str, ...]] = {
    "online_contacts": ("name", "number", "city", "postal_code", "email"),
    "online_sales_orders": ("number",),
}
MIN_LENGTH = 3  # a trigram index cannot look up shorter fragments
PREFIX = "search_"


def index_name(table: str) -> str:
    return f"{PREFIX}{table}"


def definition(table: str) -> dict[str, str]:
    columns = INDEXED[table]
    name, cols = index_name(table), ", ".join(columns)
    new, old = ", ".join(f"new.{c}" for c in columns), ", ".join(f"old.{c}" for c in columns)
    forget = f"INSERT INTO {name}({name}, rowid, {cols}) VALUES ('delete', old.rowid, {old});"
    remember = f"INSERT INTO {name}(rowid, {cols}) VALUES (new.rowid, {new});"
    return {
        name: f"CREATE VIRTUAL TABLE {name} USING fts5({cols}, content='{table}', content_rowid='rowid', "
        "tokenize='trigram')",
        f"{name}_ins": f"CREATE TRIGGER {name}_ins AFTER INSERT ON {table} BEGIN {remember} END",
        f"{name}_del": f"CREATE TRIGGER {name}_del AFTER DELETE ON {table} BEGIN {forget} END",
        f"{name}_upd": f"CREATE TRIGGER {name}_upd AFTER UPDATE OF {cols} ON {table} "
        f"BEGIN {forget} {remember} END",
    }


def install_online_search(engine: Engine) -> int:
    """Create (and fill) every index whose definition is missing or outdated; returns how many."""
    if engine.dialect.name != "sqlite":
        return 0
    raw = engine.raw_connection()
    try:
        conn: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        existing = dict(
            conn.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE ?", (PREFIX + "%",)).fetchall()
        )
        stale = [t for t in INDEXED if any(existing.get(n) != sql for n, sql in definition(t).items())]
        if stale:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for table in stale:
                    name = index_name(table)
                    conn.execute(f"DROP TABLE IF EXISTS {name}")
                    for suffix in ("_ins", "_del", "_upd"):
                        conn.execute(f"DROP TRIGGER IF EXISTS {name}{suffix}")
                    for sql in definition(table).values():
                        conn.execute(sql)
                    conn.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return len(stale)
    finally:
        raw.close()


def usable(connection: Connection, *, table: str, fragment: str) -> bool:
    """Whether ``fragment`` can be looked up in ``table``'s index here."""
    if connection.dialect.name != "sqlite" or table not in INDEXED or len(fragment) < MIN_LENGTH:
        return False
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (index_name(table),)
    ).first()
    return found is not None


def matching_rowids(table: str, fragment: str) -> Any:
    """A query of the rowids of ``table`` whose indexed text contains ``fragment``."""
    name = index_name(table)
    phrase = '"' + fragment.replace('"', '""') + '"'
    return (
        select(literal_column("rowid"))
        .select_from(text(name))
        .where(literal_column(name).op("MATCH")(phrase))
    )


def rowid_of(table: str) -> Any:
    return literal_column(f"{table}.rowid")
