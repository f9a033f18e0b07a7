"""Substring search of the Online Desktop's lists on SQLite: FTS5 trigram indexes.

``LIKE '%mann%'`` reads every row of a company's 100,000 contacts; a trigram index finds the rows
that contain a fragment of three or more characters, case-insensitively, without reading the
others. The indexes are external-content FTS5 tables over the synced tables (``rowid``), kept up
to date by triggers, so every writer (snapshot pages, pushes, online edits) maintains them in its
own transaction. Like the Business Software's register index (``services.local.registers.
fulltext``) they are derived from this file at start-up, not from the Alembic history, and rebuilt
when their definition changes. On PostgreSQL nothing is installed: trigram indexes of the
migrations (fd40fb58ec40, lists_03) serve the same searches, and shorter fragments fall back to
LIKE everywhere.

The sales documents' index holds the number and the customer's searched text
(``online_sales_orders.customer_search``), which the same triggers keep: when a document is
written or its customer (``online_contacts``) is written or removed. The triggers hold that the
index always has each document's stored values, so the values they tell it to forget are the ones
it has.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, String, bindparam, func, literal_column, select, text

CONTACTS, ORDERS = "online_contacts", "online_sales_orders"
# Synced table -> the text columns its list searches.
INDEXED: Mapping[str, tuple[str, ...]] = {
    CONTACTS: ("name", "number", "city", "postal_code", "email"),
    ORDERS: ("number", "customer_search", "status"),
}
# The columns a search fragment is looked for in (the others narrow the matches: ``within``).
SEARCHED: Mapping[str, tuple[str, ...]] = {CONTACTS: INDEXED[CONTACTS], ORDERS: ("number", "customer_search")}
MIN_LENGTH = 3  # a trigram index cannot look up shorter fragments
PREFIX = "search_"
# A contact's searched text as its documents keep it (the text of ``lists.CONTACT_SEARCH``).
CUSTOMER_TEXT = " || ' ' || ".join(f"{{c}}.{f}" for f in INDEXED[CONTACTS])


def index_name(table: str) -> str:
    return f"{PREFIX}{table}"


def customer_of(order: str) -> str:
    """SQL: the searched text of the live customer of the document ``order`` ('' without one)."""
    found = CUSTOMER_TEXT.format(c="c")
    return (
        f"coalesce((SELECT {found} FROM {CONTACTS} c WHERE c.tenant_id = {order}.tenant_id "
        f"AND c.uuid = {order}.contact_uuid AND c.deleted = 0), '')"
    )


def definition(table: str) -> dict[str, str]:
    """The index of ``table`` and its triggers. It holds the live rows only (a deleted row is a
    tombstone the lists never show), so that it can count the matches of an account by itself."""
    columns = INDEXED[table]
    name, cols = index_name(table), ", ".join(columns)
    new, old = ", ".join(f"new.{c}" for c in columns), ", ".join(f"old.{c}" for c in columns)
    forget = (
        f"INSERT INTO {name}({name}, rowid, {cols}) SELECT 'delete', old.rowid, {old} WHERE old.deleted = 0;"
    )
    remember = f"INSERT INTO {name}(rowid, {cols}) SELECT new.rowid, {new} WHERE new.deleted = 0;"
    create = (
        f"CREATE VIRTUAL TABLE {name} USING fts5({cols}, content='{table}', content_rowid='rowid', "
        "tokenize='trigram')"
    )
    if table == ORDERS:
        return {name: create, **_orders_triggers(name, cols, forget)}
    return {
        name: create,
        f"{name}_ins": f"CREATE TRIGGER {name}_ins AFTER INSERT ON {table} BEGIN {remember} END",
        f"{name}_del": f"CREATE TRIGGER {name}_del AFTER DELETE ON {table} BEGIN {forget} END",
        f"{name}_upd": f"CREATE TRIGGER {name}_upd AFTER UPDATE OF {cols}, deleted ON {table} "
        f"BEGIN {forget} {remember} END",
    }


def _orders_triggers(name: str, cols: str, forget: str) -> dict[str, str]:
    """The documents' index and their customer's text: a document takes its customer's text when
    it is written; a customer's new text (or its removal) reaches its documents and the index."""
    this = f"{ORDERS}.rowid = new.rowid"
    take = f"UPDATE {ORDERS} SET customer_search = {customer_of(ORDERS)} WHERE {this};"
    remember = (
        f"INSERT INTO {name}(rowid, {cols}) SELECT rowid, {cols} FROM {ORDERS} WHERE {this} AND deleted = 0;"
    )
    triggers = {
        f"{name}_ins": f"CREATE TRIGGER {name}_ins AFTER INSERT ON {ORDERS} BEGIN {take} {remember} END",
        f"{name}_del": f"CREATE TRIGGER {name}_del AFTER DELETE ON {ORDERS} BEGIN {forget} END",
        f"{name}_upd": f"CREATE TRIGGER {name}_upd AFTER UPDATE OF number, contact_uuid, status, deleted "
        f"ON {ORDERS} BEGIN {forget} {take} {remember} END",
    }
    live = f"CASE WHEN new.deleted THEN '' ELSE {CUSTOMER_TEXT.format(c='new')} END"
    for event, who, text_ in (
        ("INSERT", "new", live),
        ("UPDATE OF name, number, city, postal_code, email, deleted", "new", live),
        ("DELETE", "old", "''"),
    ):
        # The documents whose text changes: the live ones told to the index (forget, remember),
        # then all of them stored.
        of_customer = (
            f"tenant_id = {who}.tenant_id AND contact_uuid = {who}.uuid AND customer_search IS NOT {text_}"
        )
        body = (
            f"INSERT INTO {name}({name}, rowid, {cols}) "
            f"SELECT 'delete', rowid, {cols} FROM {ORDERS} WHERE {of_customer} AND deleted = 0; "
            f"INSERT INTO {name}(rowid, {cols}) "
            f"SELECT rowid, number, {text_}, status FROM {ORDERS} WHERE {of_customer} AND deleted = 0; "
            f"UPDATE {ORDERS} SET customer_search = {text_} WHERE {of_customer};"
        )
        key = f"{name}_customer_{event.split()[0].lower()[:3]}"
        triggers[key] = f"CREATE TRIGGER {key} AFTER {event} ON {CONTACTS} BEGIN {body} END"
    return triggers


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
                    for (trigger,) in conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?", (name + "%",)
                    ).fetchall():
                        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
                    for sql in definition(table).values():
                        conn.execute(sql)
                    if table == ORDERS:  # the customers' text the triggers keep from now on
                        conn.execute(f"UPDATE {ORDERS} SET customer_search = {customer_of(ORDERS)}")
                    cols = ", ".join(INDEXED[table])
                    live = f"SELECT rowid, {cols} FROM {table} WHERE deleted = 0"
                    conn.execute(f"INSERT INTO {name}(rowid, {cols}) {live}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return len(stale)
    finally:
        raw.close()


def usable(connection: Connection, *, table: str, fragment: str) -> bool:
    """Whether ``fragment`` can be looked up in ``table``'s index here."""
    return len(fragment) >= MIN_LENGTH and installed(connection, table=table)


def installed(connection: Connection, *, table: str) -> bool:
    """Whether ``table`` has its index (and, for the documents, their customers' text) here."""
    if connection.dialect.name != "sqlite" or table not in INDEXED:
        return False
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (index_name(table),)
    ).first()
    return found is not None


@dataclass(frozen=True, slots=True)
class Matches:
    """The live rows of ``table`` a search matched, found once in its index: their rowids (a JSON
    array, as SQLite's ``json_each`` reads it) and how many; ``alone``: the table holds no other
    account's rows, so ``count`` is the account's number of matches without reading them."""

    table: str
    rowids: str
    count: int
    alone: bool


def find(
    connection: Connection,
    *,
    table: str,
    tenant_id: int,
    fragment: str,
    within: Mapping[str, str] | None = None,
) -> Matches:
    """The rows of ``table`` whose searched text contains ``fragment`` (and whose indexed columns
    ``within`` contain the values given), from its index."""
    low, high = connection.exec_driver_sql(  # each alone, so each is one look into an index
        f"SELECT (SELECT min(tenant_id) FROM {table}), (SELECT max(tenant_id) FROM {table})"
    ).one()
    name = index_name(table)
    rowids, count = connection.execute(
        select(func.json_group_array(literal_column("rowid")), func.count())
        .select_from(text(name))
        .where(literal_column(name).op("MATCH")(_query(table, fragment, within)))
    ).one()
    alone = low is None or low == high == tenant_id
    return Matches(table=table, rowids=str(rowids or "[]"), count=int(count or 0), alone=alone)


def matching(found: Matches, *, walk: bool = False) -> Any:
    """The condition "the row is one of the matches". With ``walk`` it is written ``+rowid IN
    (…)``: SQLite then does not start from the matches but reads along the index the list is
    sorted by and keeps the matching entries (``paging.page_keys``)."""
    rowid = literal_column(f"+{found.table}.rowid") if walk else rowid_of(found.table)
    ids = func.json_each(bindparam(None, found.rowids, type_=String)).table_valued("value")
    return rowid.in_(select(ids.c.value))


def rowid_of(table: str) -> Any:
    return literal_column(f"{table}.rowid")


def _query(table: str, fragment: str, within: Mapping[str, str] | None) -> str:
    """The FTS5 query: the fragment as one phrase in the searched columns, AND each ``within``."""

    def phrase(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    searched = SEARCHED[table]
    parts = [
        f"{{{' '.join(searched)}}} : {phrase(fragment)}" if searched != INDEXED[table] else phrase(fragment)
    ]
    parts += [f"{column} : {phrase(value)}" for column, value in (within or {}).items()]
    return " AND ".join(parts)
