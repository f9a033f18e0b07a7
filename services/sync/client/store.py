"""The Business Software side of continuous sync: outbox batches, acknowledgements, pulled pages.

Guarantees (see PROTOCOL.md):
- outbox entries are dropped only in the transaction that records the server's acknowledgement;
- a pulled page and the cursor after it are written in one transaction, with the triggers
  silenced (``sync_applying``), so a crash repeats the page or none of it, and nothing echoes;
- a field with a local change still waiting in the outbox keeps its local value (it is pushed
  next and wins, as Business Software does); a row deleted online is deleted here, and local
  edits still waiting for it are dropped and logged (delete wins over edit).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from models.collation import sort_key
from services.sync.client.days import count_day
from services.sync.client.db import chunks, placeholders, read_tx, write_tx
from services.sync.client.snapshot import now_text
from services.sync.client.tracking import applying_server_changes
from services.sync.protocol.messages import Mutation, PullResponse, PushResponse, TableChanges
from services.sync.protocol.tables import TABLE_ORDER, TABLES, TableSpec, columns_to_wire, transpose
from services.sync.protocol.validate import check_columns, check_data

OP_NAMES = {"I": "upsert", "U": "upsert", "D": "delete"}


@dataclass(frozen=True, kw_only=True, slots=True)
class SyncStateView:
    cursor: int
    initial_status: str
    snapshot_id: str | None
    snapshot_base_seq: int | None
    resync_tables: tuple[str, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class Pending:
    """Local changes of one row still waiting in the outbox."""

    deleted: bool
    fields: frozenset[str]


PendingMap = dict[tuple[str, str], Pending]


class StaleCursor(Exception):
    """The stored cursor changed while a page was on its way: pull again from the stored one."""


class LocalStore:
    def __init__(self, engine: Engine, company_id: int) -> None:
        self._engine = engine
        self.company_id = company_id

    def state(self) -> SyncStateView:
        """The company's sync state, created on first use."""
        with write_tx(self._engine) as conn:
            conn.execute(
                'INSERT OR IGNORE INTO sync_states (company_id, "cursor", initial_status, resync_tables, '
                "lease_holder, last_error) VALUES (?, 0, 'pending', '', '', '')",
                (self.company_id,),
            )
            row = conn.execute(
                'SELECT "cursor", initial_status, snapshot_id, snapshot_base_seq, resync_tables FROM '
                "sync_states "
                "WHERE company_id = ?",
                (self.company_id,),
            ).fetchone()
        return SyncStateView(
            cursor=row[0],
            initial_status=row[1],
            snapshot_id=row[2],
            snapshot_base_seq=row[3],
            resync_tables=tuple(t for t in row[4].split(",") if t),
        )

    # --- push -------------------------------------------------------------------------------------

    def reject(self, entry_id: int, *, table: str, uuid: str, reason: str) -> None:
        """A change the server refuses on its own: record why and drop it, so the queue goes on."""
        with write_tx(self._engine) as conn:
            conn.execute(
                "INSERT INTO sync_rejections (company_id, table_name, uuid, reason, created_at) VALUES "
                "(?, ?, ?, ?, ?)",
                (self.company_id, table, uuid, reason[:2000], now_text()),
            )
            conn.execute(
                "DELETE FROM sync_outbox WHERE company_id = ? AND id = ?", (self.company_id, entry_id)
            )

    def touch_pull(self) -> None:
        """A pull that brought nothing new still proves the connection works: the focus area's
        "last synchronised" is the last successful exchange, not the last change."""
        with write_tx(self._engine) as conn:
            conn.execute(
                "UPDATE sync_states SET last_pull_at = ? WHERE company_id = ?", (now_text(), self.company_id)
            )

    def outbox_head(self) -> int:
        """Highest outbox id of the company (0 when empty): cheap, polled to notice local changes."""
        with read_tx(self._engine) as conn:
            (top,) = conn.execute(
                "SELECT MAX(id) FROM sync_outbox WHERE company_id = ?", (self.company_id,)
            ).fetchone()
        return int(top or 0)

    def next_batch(self, limit: int) -> list[Mutation]:
        """The oldest outbox entries as mutations (one per entry, its id = the mutation id), each
        upsert with the row's current values; a row gone meanwhile is sent as a delete."""
        return self.outgoing(limit)[1]

    def outgoing(self, limit: int) -> tuple[int, list[Mutation]]:
        """``next_batch`` and the pull cursor read just before it, in one read: every change up to
        that cursor is applied here (the push says so; see ``PushRequest.cursor``)."""
        with read_tx(self._engine) as conn:
            row = conn.execute(
                'SELECT "cursor" FROM sync_states WHERE company_id = ?', (self.company_id,)
            ).fetchone()
            cursor = int(row[0]) if row else 0
            entries = conn.execute(
                "SELECT id, table_name, uuid, op, fields, base_seq FROM sync_outbox WHERE company_id = ? "
                "ORDER BY id LIMIT ?",
                (self.company_id, limit),
            ).fetchall()
            wanted: dict[str, set[str]] = defaultdict(set)
            for _id, table, uuid, op, _f, _b in entries:
                if op != "D" and table in TABLES:
                    wanted[table].add(uuid)
            current = {
                table: self._current_rows(conn, TABLES[table], sorted(uuids))
                for table, uuids in wanted.items()
            }
        mutations = []
        for entry_id, table, uuid, op, changed, base in entries:
            values = current.get(table, {}).get(uuid)
            if op == "D" or values is None:
                mutations.append(Mutation(id=entry_id, table=table, uuid=uuid, op="delete", base=base))
                continue
            names = list(TABLES[table].column_names) if op == "I" else [f for f in changed.split(",") if f]
            mutations.append(
                Mutation(
                    id=entry_id, table=table, uuid=uuid, op="upsert", base=base, fields=names, values=values
                )
            )
        return cursor, mutations

    def _current_rows(
        self, conn: sqlite3.Connection, spec: TableSpec, uuids: list[str]
    ) -> dict[str, dict[str, Any]]:
        cols = ", ".join(f'"{c}"' for c in spec.column_names)
        rows: list[Any] = []
        for part in chunks(uuids):
            rows.extend(
                conn.execute(
                    f'SELECT uuid, {cols} FROM "{spec.name}" WHERE company_id = ? AND uuid IN '
                    f"({placeholders(len(part))})",
                    (self.company_id, *part),
                ).fetchall()
            )
        wire = columns_to_wire(spec, transpose(rows, len(spec.columns) + 1))
        return {u: dict(zip(spec.column_names, vals, strict=True)) for u, *vals in zip(*wire, strict=True)}

    def acknowledge(self, response: PushResponse, *, run_id: int | None, nbytes: int) -> None:
        """Drop acknowledged entries; keep the conflicts and rejections the server reported."""
        cid = self.company_id
        with write_tx(self._engine) as conn:
            (count,) = conn.execute(
                "SELECT count(*) FROM sync_outbox WHERE company_id = ? AND id <= ?",
                (cid, response.last_mutation_id),
            ).fetchone()
            conn.execute(
                "DELETE FROM sync_outbox WHERE company_id = ? AND id <= ?", (cid, response.last_mutation_id)
            )
            conn.executemany(
                "INSERT INTO sync_conflicts (company_id, table_name, uuid, field, business_value, "
                "online_value, resolution, created_at, online_by, online_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(cid, c.table, c.uuid, c.field, _text(c.business_value), _text(c.online_value), c.resolution,
                  now_text(), c.online_by, c.online_at or None) for c in response.conflicts],
            )  # fmt: skip
            conn.executemany(
                "INSERT INTO sync_rejections (company_id, table_name, uuid, reason, created_at) VALUES "
                "(?, ?, ?, ?, ?)",
                [(cid, r.table, r.uuid, r.reason, now_text()) for r in response.rejections],
            )
            conn.execute("UPDATE sync_states SET last_push_at = ? WHERE company_id = ?", (now_text(), cid))
            count_day(conn, cid, rows_up=count)
            if run_id is not None:
                conn.execute(
                    "UPDATE sync_runs SET rows_up = rows_up + ?, bytes_up = bytes_up + ?, finished_at = "
                    "? WHERE id = ?",
                    (count, nbytes, now_text(), run_id),
                )

    # --- pull -------------------------------------------------------------------------------------

    def apply_page(
        self, page: PullResponse, *, after: int, run_id: int | None = None, nbytes: int = 0
    ) -> int:
        """Apply a pulled page and store the cursor after it, in one transaction; returns rows applied.

        ``after`` is the cursor the page was asked for; if the stored cursor moved meanwhile (a
        re-sync reset it), nothing is applied and ``StaleCursor`` is raised.
        """
        for change in page.changes:
            spec = TABLES.get(change.table)
            if spec is None:
                raise ValueError(f"server sent unknown table {change.table!r}")
            check_columns(spec, change.columns)
            check_data(spec, change.data)
        changes = {c.table: c for c in page.changes}
        applied = 0
        with write_tx(self._engine) as conn, applying_server_changes(conn):
            # Changes the server has already applied (their answer may have been lost) are done:
            # only changes still waiting to be pushed keep the Business Software value of a field.
            conn.execute(
                "DELETE FROM sync_outbox WHERE company_id = ? AND id <= ?",
                (self.company_id, page.applied_mutation_id),
            )
            pending = self._pending(conn, page.changes)
            for name in reversed(TABLE_ORDER):
                if name in changes and changes[name].deleted:
                    applied += self._delete(conn, TABLES[name], changes[name].deleted, pending)
            for name in TABLE_ORDER:
                if name in changes and changes[name].data[0]:
                    applied += self._upsert(conn, TABLES[name], changes[name], pending)
            moved = conn.execute(
                'UPDATE sync_states SET "cursor" = ?, last_pull_at = ? WHERE company_id = ? AND "cursor" = ?',
                (page.cursor, now_text(), self.company_id, after),
            ).rowcount
            if moved != 1:
                raise StaleCursor(f"cursor is no longer {after}")
            count_day(conn, self.company_id, rows_down=applied)
            if run_id is not None and applied:
                conn.execute(
                    "UPDATE sync_runs SET rows_down = rows_down + ?, bytes_down = bytes_down + ?, "
                    "finished_at = ? "
                    "WHERE id = ?",
                    (applied, nbytes, now_text(), run_id),
                )
        return applied

    def _pending(
        self, conn: sqlite3.Connection, changes: list[TableChanges]
    ) -> dict[tuple[str, str], Pending]:
        uuids = sorted({u for c in changes for u in (*c.data[0], *c.deleted)})
        found: dict[tuple[str, str], tuple[bool, set[str]]] = {}
        for part in chunks(uuids):
            for table, uuid, op, changed in conn.execute(
                f"SELECT table_name, uuid, op, fields FROM sync_outbox WHERE company_id = ? "
                f"AND uuid IN ({placeholders(len(part))})",
                (self.company_id, *part),
            ):
                deleted, names = found.setdefault((table, uuid), (False, set()))
                names.update(
                    TABLES[table].column_names if op == "I" else [f for f in changed.split(",") if f]
                )
                found[(table, uuid)] = (deleted or op == "D", names)
        return {key: Pending(deleted=d, fields=frozenset(n)) for key, (d, n) in found.items()}

    def _delete(
        self, conn: sqlite3.Connection, spec: TableSpec, uuids: list[str], pending: PendingMap
    ) -> int:
        """Delete rows deleted online (children follow by foreign key); waiting local edits lose."""
        lost = [(u, p) for u in uuids if (p := pending.get((spec.name, u))) and not p.deleted and p.fields]
        conn.executemany(
            "INSERT INTO sync_conflicts (company_id, table_name, uuid, field, business_value, online_value, "
            "resolution, created_at) VALUES (?, ?, ?, ?, '', '', 'deleted_online', ?)",
            [(self.company_id, spec.name, u, ",".join(sorted(p.fields)), now_text()) for u, p in lost],
        )
        hit = 0
        for part in chunks(uuids):
            marks = placeholders(len(part))
            conn.execute(
                f"DELETE FROM sync_outbox WHERE company_id = ? AND table_name = ? AND uuid IN ({marks})",
                (self.company_id, spec.name, *part),
            )
            hit += conn.execute(
                f'DELETE FROM "{spec.name}" WHERE company_id = ? AND uuid IN ({marks})',
                (self.company_id, *part),
            ).rowcount
        return hit

    def _upsert(
        self, conn: sqlite3.Connection, spec: TableSpec, change: TableChanges, pending: PendingMap
    ) -> int:
        rows = [list(r) for r in zip(*change.data, strict=True)]
        self._fix_references(conn, spec, rows, pending)
        keys = tuple(key for key, _source in spec.sort_keys)  # derived here, never synced
        cols = (*spec.column_names, *keys)
        quoted = ", ".join(f'"{c}"' for c in cols)
        plain = spec.with_sort_keys([r for r in rows if r and (spec.name, r[0]) not in pending], offset=1)
        sets = ", ".join(f'"{c}" = excluded."{c}"' for c in cols)
        conn.executemany(
            f'INSERT INTO "{spec.name}" (uuid, company_id, updated_at, {quoted}) '
            f"VALUES (?, {self.company_id}, '{now_text()}', {placeholders(len(cols))}) ON CONFLICT (uuid) "
            f'DO UPDATE SET {sets}, updated_at = excluded.updated_at, version = "{spec.name}".version + 1 '
            f'WHERE "{spec.name}".company_id = excluded.company_id',
            plain,
        )
        applied = len(plain)
        for row in rows:
            mine = pending.get((spec.name, row[0])) if row else None
            if mine is None or mine.deleted:
                continue
            theirs = [(c, v) for c, v in zip(spec.column_names, row[1:], strict=True) if c not in mine.fields]
            theirs += [(key, sort_key(v)) for key, source in spec.sort_keys for c, v in theirs if c == source]
            if theirs:
                assignments = ", ".join(f'"{c}" = ?' for c, _ in theirs)
                conn.execute(
                    f'UPDATE "{spec.name}" SET {assignments}, updated_at = ?, version = version + 1 '
                    "WHERE company_id = ? AND uuid = ?",
                    (*(v for _, v in theirs), now_text(), self.company_id, row[0]),
                )
                applied += 1
        return applied

    def _fix_references(
        self, conn: sqlite3.Connection, spec: TableSpec, rows: list[list[Any]], pending: dict
    ) -> None:
        """A row whose parent is gone here (deleted locally, delete still in the outbox) is skipped;
        the server removes it too when that delete arrives. A SET NULL reference is cleared."""
        for ref in spec.refs:
            index = 1 + spec.column_names.index(ref.column)
            targets = sorted({r[index] for r in rows if r and r[index] is not None})
            alive: set[str] = set()
            for part in chunks(targets):
                alive.update(
                    u
                    for (u,) in conn.execute(
                        f'SELECT uuid FROM "{ref.target}" WHERE company_id = ? AND uuid IN '
                        f"({placeholders(len(part))})",
                        (self.company_id, *part),
                    )
                )
            for i, row in enumerate(rows):
                if row and row[index] is not None and row[index] not in alive:
                    if ref.on_delete == "CASCADE":
                        rows[i] = []
                    else:
                        row[index] = None


def _text(value: Any) -> str:
    return "" if value is None else str(value)
