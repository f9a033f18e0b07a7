"""The Online Desktop side of the sync protocol: snapshot, push, pull, verify.

Every write transaction starts by taking the tenant's next sequence number (store.bump_seq)
and stamps the rows it changes with it, so "changes after cursor N" is an index range scan in
commit order. Each public method is one transaction, called from the HTTP router in a worker
thread; only ``pull`` is async, because it may wait for new changes without holding a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.db import single_read
from services.sync.protocol.messages import (
    ContractRequest,
    ContractResponse,
    ProtocolError,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    SnapshotBeginRequest,
    SnapshotBeginResponse,
    SnapshotFinishRequest,
    SnapshotFinishResponse,
    SnapshotPageRequest,
    SnapshotPageResponse,
    VerifyRequest,
    VerifyResponse,
)
from services.sync.protocol.tables import TABLE_ORDER, TABLES
from services.sync.protocol.validate import check_columns, check_data, table_spec
from services.sync.server import store as store
from services.sync.server.connections import ConnectionContext, ConnectionService
from services.sync.server.contract import ContractReader
from services.sync.server.daily import count_pulled, count_rows
from services.sync.server.notify import SAFETY_NET_RECHECK, TenantNotifier
from services.sync.server.online_changes import (
    OnlineChange,
    RowChange,
    apply_online_change,
    apply_online_transaction,
)
from services.sync.server.pull import read_page, summarize
from services.sync.server.push import apply_mutations, log_conflicts
from services.sync.server.search_index import merge_later
from services.sync.server.sqlite_wakeups import SqliteWakeups


def snapshot_id_taken() -> ProtocolError:
    """Snapshot ids are chosen by clients: one another connection uses is refused, never shared."""
    return ProtocolError(409, "snapshot_id_taken", "this snapshot id is in use; choose a new one")


class SyncServer:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        notifier: TenantNotifier | None = None,
        *,
        licence_vendor_key: str | None = None,
    ) -> None:
        self._sessions = sessions
        self.connections = ConnectionService(sessions)
        self.contracts = ContractReader(licence_vendor_key)
        self.notifier = notifier or TenantNotifier()
        bind = sessions.kw.get("bind")
        sqlite = isinstance(bind, Engine) and bind.url.get_backend_name() == "sqlite"
        # SQLite: another process's writes wake pulls at once (data_version, see sqlite_wakeups)
        self._wakeups = SqliteWakeups(bind, self.notifier) if isinstance(bind, Engine) and sqlite else None
        self._writers: dict[int, threading.Lock] = defaultdict(threading.Lock)
        self._writers_guard = threading.Lock()

    def _writer(self, tenant_id: int) -> threading.Lock:
        """The tenant's page writers queue here, one after the other (a client keeps two pages in
        flight): a Python lock wakes the next one at once, SQLite's busy handler polls."""
        with self._writers_guard:
            return self._writers[tenant_id]

    def update_contract(self, ctx: ConnectionContext, req: ContractRequest) -> ContractResponse:
        """A licence change in Business Software: the account takes the contract it grants."""
        terms = self.contracts.read(req.licence)
        changed = self.connections.update_contract(ctx, terms)
        return ContractResponse(
            seats=terms.seats,
            modules=list(terms.modules),
            valid_until=terms.valid_until.isoformat(),
            changed=changed,
        )

    def warm_up(self) -> None:
        """Open a database connection and prepare the mappers before the first client arrives
        (otherwise the first sync request of a process pays for it)."""
        with contextlib.suppress(ProtocolError):
            self.connections.authenticate("warm-up")

    # --- initial sync ---------------------------------------------------------------------------

    def begin_snapshot(self, ctx: ConnectionContext, req: SnapshotBeginRequest) -> SnapshotBeginResponse:
        """Open a snapshot (or answer again for one already open): remember where the tenant's
        sequence stood and what the client had seen, forget stale online field edits."""
        for name in req.tables:
            table_spec(name)
        try:
            return self._begin_snapshot(ctx, req)
        except IntegrityError:  # another connection inserted the same id at the same moment
            raise snapshot_id_taken() from None

    def _begin_snapshot(self, ctx: ConnectionContext, req: SnapshotBeginRequest) -> SnapshotBeginResponse:
        with self._sessions.begin() as s:
            conn = s.connection()
            base = store.bump_seq(conn, ctx.tenant_id)
            p = store.ph(conn)
            existing = conn.exec_driver_sql(
                f"SELECT base_seq, connection_id FROM sync_snapshots WHERE id = {p}", (req.snapshot_id,)
            ).first()
            if existing is not None and existing[1] != ctx.connection_id:
                raise snapshot_id_taken()
            if existing is not None:
                return SnapshotBeginResponse(snapshot_id=req.snapshot_id, base_seq=existing[0])
            conn.exec_driver_sql(
                "INSERT INTO sync_snapshots (id, tenant_id, connection_id, kind, tables, base_seq, "
                f"known_seq, pages, status, started_at) VALUES ({', '.join([p] * 7)}, 0, 'open', {p})",
                (req.snapshot_id, ctx.tenant_id, ctx.connection_id, req.kind, ",".join(req.tables), base,
                 min(req.known_seq, base - 1), store.now_text()),
            )  # fmt: skip
            for name in req.tables:
                conn.exec_driver_sql(
                    f"DELETE FROM sync_field_changes WHERE tenant_id = {p} AND table_name = {p}",
                    (ctx.tenant_id, name),
                )
        return SnapshotBeginResponse(snapshot_id=req.snapshot_id, base_seq=base)

    def snapshot_page(self, ctx: ConnectionContext, req: SnapshotPageRequest) -> SnapshotPageResponse:
        """Upsert one page of rows; uploading the same page again changes nothing but its sequence.

        Rows deleted online after what the client had seen stay deleted, and so do rows whose
        parent was; while nothing but this snapshot wrote to the tenant, that check is skipped.
        """
        spec = table_spec(req.table)
        check_columns(spec, req.columns)
        rows = check_data(spec, req.data)
        with self._writer(ctx.tenant_id), self._sessions.begin() as s:
            conn = s.connection()
            seq = store.bump_seq(conn, ctx.tenant_id)
            _tables, base, pages, _status, _finish, known = self._open_snapshot(
                conn, ctx, req.snapshot_id, req.table
            )
            store.write_columns(
                conn, spec=spec, tenant_id=ctx.tenant_id, seq=seq, data=req.data, deleted_after=known
            )
            count_rows(
                conn,
                ctx.tenant_id,
                up=len(req.data[0]) if req.data else 0,
                connection_id=ctx.connection_id,
                kind="snapshot",
            )
            if not (known == base - 1 and seq - 1 - base == pages):
                store.respect_deleted_parents(conn, spec=spec, tenant_id=ctx.tenant_id, seq=seq)
            p = store.ph(conn)
            conn.exec_driver_sql(
                f"UPDATE sync_snapshots SET pages = pages + 1 WHERE id = {p}", (req.snapshot_id,)
            )
        self.notifier.notify(ctx.tenant_id)
        return SnapshotPageResponse(
            snapshot_id=req.snapshot_id, table=req.table, page=req.page, rows=rows, seq=seq
        )

    def _open_snapshot(
        self, conn: Connection, ctx: ConnectionContext, snapshot_id: str, table: str | None
    ) -> tuple[Any, ...]:
        p = store.ph(conn)
        row = conn.exec_driver_sql(
            "SELECT tables, base_seq, pages, status, finish_cursor, known_seq FROM sync_snapshots "
            f"WHERE id = {p} AND connection_id = {p}",
            (snapshot_id, ctx.connection_id),
        ).first()
        if row is None:
            raise ProtocolError(404, "unknown_snapshot", "no such snapshot for this connection; start again")
        if table is not None and (row[3] != "open" or table not in row[0].split(",")):
            raise ProtocolError(400, "bad_table", f"table {table!r} is not part of this open snapshot")
        return tuple(row)

    def finish_snapshot(self, ctx: ConnectionContext, req: SnapshotFinishRequest) -> SnapshotFinishResponse:
        """Delete online rows the client had seen but did not send; tell it where to pull from.

        When the client had seen everything before the snapshot began and nothing but the
        snapshot's pages wrote to the tenant since, it continues after the snapshot (it has every
        row); otherwise it pulls everything after what it had seen. Finishing twice returns the
        first answer.
        """
        self.connections.record_round_trip(ctx)  # the initial sync reached its end: in contact (S16)
        with self._sessions.begin() as s:
            conn = s.connection()
            seq = store.bump_seq(conn, ctx.tenant_id)
            tables, base, pages, status, finish_cursor, known = self._open_snapshot(
                conn, ctx, req.snapshot_id, None
            )
            if status != "open":
                return SnapshotFinishResponse(
                    seq=seq, cursor=finish_cursor, clean=finish_cursor > base, tombstoned=0
                )
            clean = known == base - 1 and seq - 1 - base == pages
            tombstoned = self._drop_unsent(conn, ctx.tenant_id, seq, tables.split(","), known)
            cursor = seq if clean else known
            p = store.ph(conn)
            conn.exec_driver_sql(
                f"UPDATE sync_snapshots SET status = 'finished', finished_at = {p}, finish_cursor = {p} "
                f"WHERE id = {p}",
                (store.now_text(), cursor, req.snapshot_id),
            )
        self.notifier.notify(ctx.tenant_id)
        bind = self._sessions.kw.get("bind")
        if isinstance(bind, Engine) and bind.url.get_backend_name() == "postgresql":
            # The search index's entries the snapshot's pages left pending, the tables' statistics.
            merge_later(bind, [TABLES[t].online_table for t in tables.split(",") if t in TABLES])
        return SnapshotFinishResponse(seq=seq, cursor=cursor, clean=clean, tombstoned=tombstoned)

    def _drop_unsent(self, conn: Connection, tenant_id: int, seq: int, tables: list[str], known: int) -> int:
        p = store.ph(conn)
        hit = 0
        for name in sorted(tables, key=TABLE_ORDER.index):
            spec = TABLES[name]
            stale = [
                r[0]
                for r in conn.exec_driver_sql(
                    f'SELECT uuid FROM "{spec.online_table}" WHERE tenant_id = {p} AND seq <= {p} '
                    f"AND deleted = {'false' if store.is_postgres(conn) else '0'}",
                    (tenant_id, known),
                )
            ]
            hit += (
                len(store.tombstone(conn, spec=spec, tenant_id=tenant_id, seq=seq, uuids=stale))
                if stale
                else 0
            )
        return hit

    # --- continuous sync ------------------------------------------------------------------------

    def push(self, ctx: ConnectionContext, req: PushRequest) -> PushResponse:
        """Apply a batch in one transaction; mutations applied before are skipped."""
        ids = [m.id for m in req.mutations]
        if ids != sorted(set(ids)):
            raise ProtocolError(400, "bad_mutation_ids", "mutation ids must be unique and increasing")
        with self._sessions.begin() as s:
            conn = s.connection()
            if self._last_mutation_id(conn, ctx) >= ids[-1]:  # a repeated request: answer, write nothing
                return PushResponse(last_mutation_id=ids[-1], applied=0, skipped=len(ids), seq=0)
            seq = store.bump_seq(conn, ctx.tenant_id)  # takes the tenant's write lock
            p = store.ph(conn)
            # Again: another push of the same connection may have committed before the lock.
            last = self._last_mutation_id(conn, ctx)
            fresh = [m for m in req.mutations if m.id > last]
            outcome = apply_mutations(conn, tenant_id=ctx.tenant_id, seq=seq, mutations=fresh)
            # Clean: the client held every change before this one and the server applied its
            # mutations as sent; the tenant is now as the client has it, so its pull need not
            # send these rows back (see ``pull``).
            clean = (
                req.cursor == seq - 1
                and len(fresh) == len(ids)
                and not outcome.conflicts
                and not outcome.rejections
            )
            conn.exec_driver_sql(
                f"UPDATE connections SET last_mutation_id = {p}, last_round_trip_at = {p}, "
                f"clean_push_seq = {p} WHERE id = {p}",
                (max(ids[-1], last), store.now_text(), seq if clean else 0, ctx.connection_id),
            )
            # Every later mutation has a base at least this old: older online edits cannot conflict.
            conn.exec_driver_sql(
                f"DELETE FROM sync_field_changes WHERE tenant_id = {p} AND seq <= {p}",
                (ctx.tenant_id, min(m.base for m in req.mutations)),
            )
            log_conflicts(conn, ctx=ctx, seq=seq, conflicts=outcome.conflicts)
            count_rows(conn, ctx.tenant_id, up=outcome.applied, connection_id=ctx.connection_id, kind="push")
        self.notifier.notify(ctx.tenant_id)
        return PushResponse(
            last_mutation_id=max(ids[-1], last),
            applied=outcome.applied,
            skipped=len(ids) - len(fresh),
            seq=seq,
            conflicts=outcome.conflicts,
            rejections=outcome.rejections,
        )

    @staticmethod
    def _last_mutation_id(conn: Connection, ctx: ConnectionContext) -> int:
        return int(
            conn.exec_driver_sql(
                f"SELECT last_mutation_id FROM connections WHERE id = {store.ph(conn)}", (ctx.connection_id,)
            ).scalar_one()
        )

    def pull_now(self, ctx: ConnectionContext, req: PullRequest) -> PullResponse:
        """One page of changes after the cursor, read in one consistent transaction (a reading
        one: on SQLite it does not take the write lock)."""
        with self._sessions() as s:
            postgres = self._sessions.kw["bind"].dialect.name == "postgresql"
            # On PostgreSQL one snapshot for the whole page ("BEGIN ISOLATION LEVEL ...", one command).
            conn = s.connection(
                execution_options={"isolation_level": "REPEATABLE READ"} if postgres else None
            )
            page = read_page(conn, tenant_id=ctx.tenant_id, cursor=req.cursor, limit=req.limit)
            applied = conn.exec_driver_sql(
                f"SELECT last_mutation_id FROM connections WHERE id = {store.ph(conn)}", (ctx.connection_id,)
            ).scalar_one()
        self.connections.record_round_trip(ctx)
        count_pulled(self._sessions, tenant_id=ctx.tenant_id, connection_id=ctx.connection_id, page=page)
        return page.model_copy(update={"applied_mutation_id": int(applied or 0)})

    async def pull(self, ctx: ConnectionContext, req: PullRequest) -> PullResponse:
        """Long-poll: answer at once when there are changes, else wait up to ``req.wait`` seconds.

        A waiting pull is the Business Software in contact: it counts as a round trip (S16)."""
        await asyncio.to_thread(self.connections.record_round_trip, ctx)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + req.wait
        with self._wakeups.while_waiting() if self._wakeups else contextlib.nullcontext():
            while True:
                waiter = self.notifier.register(ctx.tenant_id)
                try:
                    current, clean_push = await asyncio.to_thread(self._seqs, ctx)
                    if clean_push == current == req.cursor + 1:
                        # The only change since the cursor is this client's own clean push: it
                        # has those rows already; wait on from there (the answer moves its cursor).
                        req = req.model_copy(update={"cursor": current})
                    remaining = deadline - loop.time()
                    if current > req.cursor or remaining <= 0:
                        return await asyncio.to_thread(self.pull_now, ctx, req)
                    # Woken by a write (this instance's, another's via LISTEN, or on SQLite another
                    # process's via data_version); the re-check of the database is the safety net.
                    await waiter.wait(min(remaining, self._recheck_seconds()))
                finally:
                    self.notifier.discard(ctx.tenant_id, waiter)

    def _recheck_seconds(self) -> float:
        """A SQLite file is watched for other processes' commits (data_version), so there as on
        PostgreSQL with LISTEN the re-check is only the slow safety net."""
        if self._wakeups is not None and self._wakeups.watched:
            return SAFETY_NET_RECHECK
        return self.notifier.recheck_seconds

    def _seqs(self, ctx: ConnectionContext) -> tuple[int, int]:
        """The tenant's sequence and the connection's last clean push, in one read."""
        with single_read(self._sessions) as conn:
            p = store.ph(conn)
            row = conn.exec_driver_sql(
                "SELECT t.seq, c.clean_push_seq FROM tenants t JOIN connections c ON c.tenant_id = t.id "
                f"WHERE c.id = {p}",
                (ctx.connection_id,),
            ).first()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def verify(self, ctx: ConnectionContext, req: VerifyRequest) -> VerifyResponse:
        tables = req.tables or list(TABLE_ORDER)
        for name in tables:
            table_spec(name)
        with self._sessions.begin() as s:
            conn = s.connection()
            if store.is_postgres(conn):
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            seq = store.tenant_seq(conn, ctx.tenant_id)
            return VerifyResponse(seq=seq, tables=summarize(conn, tenant_id=ctx.tenant_id, tables=tables))

    def last_round_trip(self, tenant_id: int) -> dt.datetime | None:
        """When the tenant's Business Software last synchronised successfully (S16 notice)."""
        return self.connections.last_round_trip(tenant_id)

    def apply_online_change(
        self,
        tenant_id: int,
        *,
        table: str,
        uuid: str | None,
        fields: dict[str, Any] | None,
        delete: bool = False,
        must_exist: bool = False,
        session: Session | None = None,
        by: str = "",
    ) -> OnlineChange:
        """The online UI's way to create, edit or delete a synced row, in a transaction of its own
        or inside the caller's (``session``), by ``by`` (a person's name); see online_changes."""
        return apply_online_change(
            self._sessions,
            notifier=self.notifier,
            tenant_id=tenant_id,
            table=table,
            uuid=uuid,
            fields=fields,
            delete=delete,
            must_exist=must_exist,
            session=session,
            by=by,
        )

    def apply_online_transaction(
        self, tenant_id: int, changes: Sequence[RowChange], *, session: Session | None = None, by: str = ""
    ) -> list[OnlineChange]:
        """Several rows (an order with its lines) as one change under one sequence number; ``by``
        names who makes it (shown with conflicts)."""
        return apply_online_transaction(
            self._sessions,
            notifier=self.notifier,
            tenant_id=tenant_id,
            changes=changes,
            session=session,
            by=by,
        )
