"""The Business Software side of the initial sync: pages to upload, durable checkpoints, summaries.

A page is read by keyset (``id > last acknowledged id``), so a resumed sync continues exactly after
the last page the server acknowledged; the checkpoint of a page is written only after that
acknowledgement. Rows changed after their page was read are in the outbox (the connection exists
before the snapshot starts) and are pushed afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from services.sync.client.days import count_day
from services.sync.client.db import read_tx, write_tx
from services.sync.protocol.sqlite_digest import sqlite_digest
from services.sync.protocol.tables import (
    DATETIME_FORMAT,
    TABLE_ORDER,
    TABLES,
    columns_to_wire,
    transpose,
)


def _json_array(name: str, kind: str) -> str:
    """One column as a JSON array; booleans (stored as 0/1) become true/false."""
    if kind == "bool":
        value = (
            f"CASE WHEN \"{name}\" IS NULL THEN NULL WHEN \"{name}\" THEN json('true') ELSE json('false') END"
        )
        return f"json_group_array({value})"
    return f'json_group_array("{name}")'


def now_text() -> str:
    return dt.datetime.now(dt.UTC).strftime(DATETIME_FORMAT)


@dataclass(frozen=True, kw_only=True, slots=True)
class Checkpoint:
    table: str
    last_id: int
    pages: int
    rows_done: int
    rows_total: int
    done: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class SnapshotPage:
    table: str
    page: int
    last_id: int
    rows: int
    columns: list[str]
    data: list[Any]


@dataclass(frozen=True, kw_only=True, slots=True)
class LocalSummary:
    cursor: int
    pending: int  # outbox entries not yet acknowledged
    outbox_seq: int  # last outbox id ever handed out: unchanged means no local change happened
    tables: dict[str, tuple[int, int]]  # count, checksum


class LocalSnapshot:
    def __init__(self, engine: Engine, company_id: int) -> None:
        self._engine = engine
        self.company_id = company_id

    def start(self, *, snapshot_id: str, base_seq: int, kind: str, tables: list[str]) -> None:
        """Begin a snapshot: fresh checkpoints with row totals; an initial sync also empties the
        outbox, because the snapshot carries the current state of every row."""
        cid = self.company_id
        with write_tx(self._engine) as conn:
            conn.execute("DELETE FROM sync_checkpoints WHERE company_id = ?", (cid,))
            if kind == "initial":
                conn.execute("DELETE FROM sync_outbox WHERE company_id = ?", (cid,))
            for position, name in enumerate(tables):
                (total,) = conn.execute(
                    f'SELECT count(*) FROM "{name}" WHERE company_id = ?', (cid,)
                ).fetchone()
                conn.execute(
                    "INSERT INTO sync_checkpoints (company_id, table_name, position, last_id, pages, "
                    "rows_done, "
                    "rows_total, bytes_sent, done, updated_at) VALUES (?, ?, ?, 0, 0, 0, ?, 0, 0, ?)",
                    (cid, name, position, total, now_text()),
                )
            status = "running" if kind == "initial" else "done"
            conn.execute(
                "UPDATE sync_states SET initial_status = ?, snapshot_id = ?, snapshot_base_seq = ?, "
                "resync_tables = ?, "
                "initial_started_at = COALESCE(?, initial_started_at) WHERE company_id = ?",
                (status, snapshot_id, base_seq, ",".join(tables) if kind == "resync" else "",
                 now_text() if kind == "initial" else None, cid),
            )  # fmt: skip

    def forget(self) -> None:
        """Drop an unfinished snapshot (the server no longer knows it): the next run starts afresh."""
        with write_tx(self._engine) as conn:
            conn.execute("DELETE FROM sync_checkpoints WHERE company_id = ?", (self.company_id,))
            conn.execute(
                "UPDATE sync_states SET snapshot_id = NULL, snapshot_base_seq = NULL WHERE company_id = ?",
                (self.company_id,),
            )

    def checkpoints(self) -> list[Checkpoint]:
        with read_tx(self._engine) as conn:
            rows = conn.execute(
                "SELECT table_name, last_id, pages, rows_done, rows_total, done FROM sync_checkpoints "
                "WHERE company_id = ? ORDER BY position",
                (self.company_id,),
            ).fetchall()
        return [
            Checkpoint(table=r[0], last_id=r[1], pages=r[2], rows_done=r[3], rows_total=r[4], done=bool(r[5]))
            for r in rows
        ]

    def read_page(self, table: str, *, page: int, after_id: int, limit: int) -> SnapshotPage:
        """The next ``limit`` rows after ``after_id``, columnar and in wire form.

        ``+company_id`` keeps SQLite on the rowid range (a company's rows are mostly contiguous);
        going through the company index costs a second lookup per row.
        """
        spec = TABLES[table]
        cols = ", ".join(f'"{c}"' for c in spec.column_names)
        with read_tx(self._engine) as conn:
            rows = conn.execute(
                f'SELECT id, uuid, {cols} FROM "{table}" WHERE +company_id = ? AND id > ? ORDER BY id '
                "LIMIT ?",
                (self.company_id, after_id, limit),
            ).fetchall()
        columns = transpose(rows, len(spec.columns) + 2)
        last_id = columns[0][-1] if rows else after_id
        return SnapshotPage(
            table=table,
            page=page,
            last_id=last_id,
            rows=len(rows),
            columns=["uuid", *spec.column_names],
            data=columns_to_wire(spec, columns[1:]),
        )

    def read_page_json(self, table: str, *, after_id: int, limit: int) -> tuple[int, int, bytes]:
        """Like ``read_page``, but SQLite itself writes the columns as JSON arrays (C speed, no
        Python object per value): returns (rows, last id, ``[col0, col1, ...]`` as JSON bytes)."""
        spec = TABLES[table]
        cols = ", ".join(f'"{c}"' for c in spec.column_names)
        arrays = ", ".join(_json_array(c.name, c.kind) for c in spec.columns)
        sql = (
            f"SELECT count(*), max(id), json_group_array(uuid), {arrays} FROM (SELECT id, uuid, {cols} "
            f'FROM "{table}" WHERE +company_id = ? AND id > ? ORDER BY id LIMIT ?)'
        )
        with read_tx(self._engine) as conn:
            row = conn.execute(sql, (self.company_id, after_id, limit)).fetchone()
        data = ("[" + ",".join(row[2:]) + "]").encode()
        return int(row[0]), int(row[1] or after_id), data

    def save_checkpoint(
        self, table: str, *, last_id: int, rows: int, nbytes: int, done: bool, run_id: int | None = None
    ) -> None:
        """Record an acknowledged page: a restart continues after ``last_id``."""
        with write_tx(self._engine) as conn:
            conn.execute(
                "UPDATE sync_checkpoints SET last_id = ?, pages = pages + 1, rows_done = rows_done + ?, "
                "rows_total = MAX(rows_total, rows_done + ?), bytes_sent = bytes_sent + ?, done = ?, "
                "updated_at = ? WHERE company_id = ? AND table_name = ?",
                (last_id, rows, rows, nbytes, int(done), now_text(), self.company_id, table),
            )
            count_day(conn, self.company_id, rows_up=rows)
            if run_id is not None:
                conn.execute(
                    "UPDATE sync_runs SET rows_up = rows_up + ?, bytes_up = bytes_up + ? WHERE id = ?",
                    (rows, nbytes, run_id),
                )

    def finish(self, *, cursor: int, kind: str) -> None:
        """The snapshot is complete: continuous sync goes on from ``cursor``."""
        with write_tx(self._engine) as conn:
            if kind == "initial":
                conn.execute(
                    "UPDATE sync_states SET initial_status = 'done', \"cursor\" = ?, snapshot_id = NULL, "
                    "snapshot_base_seq = NULL, initial_finished_at = ? WHERE company_id = ?",
                    (cursor, now_text(), self.company_id),
                )
            else:
                conn.execute(
                    'UPDATE sync_states SET "cursor" = MIN("cursor", ?), snapshot_id = NULL, '
                    "snapshot_base_seq = NULL, "
                    "resync_tables = '' WHERE company_id = ?",
                    (cursor, self.company_id),
                )

    def outbox_seq(self) -> int:
        with read_tx(self._engine) as conn:
            row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'").fetchone()
        return int(row[0]) if row else 0

    def summary(self, tables: list[str] | None = None) -> LocalSummary:
        """Counts and checksums of the company's rows, with the cursor and outbox size they belong to."""
        result: dict[str, tuple[int, int]] = {}
        with read_tx(self._engine) as conn:
            (cursor,) = conn.execute(
                'SELECT "cursor" FROM sync_states WHERE company_id = ?', (self.company_id,)
            ).fetchone()
            (pending,) = conn.execute(
                "SELECT count(*) FROM sync_outbox WHERE company_id = ?", (self.company_id,)
            ).fetchone()
            seq_row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'").fetchone()
            for name in tables or TABLE_ORDER:
                digest = sqlite_digest(
                    conn, spec=TABLES[name], table=name, where="company_id = ?", params=(self.company_id,)
                )
                result[name] = (digest.count, digest.checksum)
        return LocalSummary(
            cursor=cursor, pending=pending, outbox_seq=seq_row[0] if seq_row else 0, tables=result
        )
