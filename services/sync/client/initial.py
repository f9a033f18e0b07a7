"""Uploading a snapshot (the initial sync, or a re-sync of some tables), resumable page by page.

Order: begin (the server notes where its sequence stood), then table by table (parents first)
pages of ``page_rows`` rows by key, each acknowledged page checkpointed locally, then finish (the
server drops rows the snapshot lacked and says where continuous sync goes on). While a page is on
the wire the next one is read and encoded in a worker thread, so both cores stay busy.
A killed process finds its snapshot id and checkpoints and continues after the last
acknowledged page; the server treats a page sent twice as one.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

import orjson

from services.sync.client.http import Refused, Sent, SyncClient, encode
from services.sync.client.snapshot import Checkpoint, LocalSnapshot
from services.sync.client.store import LocalStore
from services.sync.protocol.messages import (
    SnapshotBeginResponse,
    SnapshotFinishResponse,
    SnapshotPageResponse,
)
from services.sync.protocol.tables import TABLE_ORDER, TABLES

IN_FLIGHT = 2  # snapshot pages on the wire at a time
Call = Callable[[Callable[[], Awaitable[Sent]]], Awaitable[Sent]]  # retrying wrapper of the agent


@dataclass(frozen=True, slots=True)
class Prepared:
    table: str
    last_id: int
    rows: int
    body: bytes


class SnapshotUpload:
    def __init__(
        self,
        *,
        store: LocalStore,
        snapshot: LocalSnapshot,
        client: SyncClient,
        call: Call,
        trace: logging.Logger,
        page_rows: int = 5000,
    ) -> None:
        self._store, self._snap, self._client, self._call = store, snapshot, client, call
        self._trace, self._page_rows = trace, page_rows
        self.bytes_sent = 0

    async def run(self, kind: str, *, tables: list[str] | None = None, run_id: int | None = None) -> int:
        """Upload the snapshot; returns the cursor continuous sync starts from."""
        tables = tables or list(TABLE_ORDER)
        state = await asyncio.to_thread(self._store.state)
        snapshot_id = state.snapshot_id
        if snapshot_id is None:
            snapshot_id = await self._begin(kind, tables)
        else:
            self._trace.info("resuming snapshot %s", snapshot_id)
        try:
            for checkpoint in await asyncio.to_thread(self._snap.checkpoints):
                if not checkpoint.done:
                    await self._upload_table(snapshot_id, checkpoint, run_id)
            finish = await self._call(
                lambda: self._client.post(
                    "/snapshot/finish",
                    body=encode(self._client.payload(snapshot_id=snapshot_id)),
                    model=SnapshotFinishResponse,
                )
            )
        except Refused as exc:
            if exc.error == "unknown_snapshot":  # the server forgot it (e.g. restored): start over
                self._trace.warning("server does not know snapshot %s; starting again", snapshot_id)
                await asyncio.to_thread(self._snap.forget)
                return await self.run(kind, tables=tables, run_id=run_id)
            raise
        answer: SnapshotFinishResponse = finish.answer
        await asyncio.to_thread(self._snap.finish, cursor=answer.cursor, kind=kind)
        self._trace.info(
            "snapshot %s finished: cursor %s, clean %s, %s online rows removed",
            snapshot_id, answer.cursor, answer.clean, answer.tombstoned,
        )  # fmt: skip
        return answer.cursor

    async def _begin(self, kind: str, tables: list[str]) -> str:
        known = (await asyncio.to_thread(self._store.state)).cursor
        body = encode(
            self._client.payload(snapshot_id=str(uuid.uuid4()), kind=kind, tables=tables, known_seq=known)
        )  # the same body on every retry: a repeated begin opens nothing new
        sent = await self._call(
            lambda: self._client.post("/snapshot/begin", body=body, model=SnapshotBeginResponse)
        )
        begin: SnapshotBeginResponse = sent.answer
        await asyncio.to_thread(
            self._snap.start, snapshot_id=begin.snapshot_id, base_seq=begin.base_seq, kind=kind, tables=tables
        )
        self._trace.info(
            "snapshot %s (%s) begins at sequence %s (client had %s): %s",
            begin.snapshot_id, kind, begin.base_seq, known, tables,
        )  # fmt: skip
        return begin.snapshot_id

    def _prepare(self, snapshot_id: str, table: str, page: int, after_id: int) -> Prepared:
        """Read and encode one page (in a worker thread). SQLite writes the column arrays; only
        the small envelope goes through orjson."""
        rows, last_id, data = self._snap.read_page_json(table, after_id=after_id, limit=self._page_rows)
        envelope = orjson.dumps(
            self._client.payload(
                snapshot_id=snapshot_id, table=table, page=page, columns=["uuid", *TABLES[table].column_names]
            )
        )
        body = envelope[:-1] + b',"data":' + data + b"}"
        return Prepared(table=table, last_id=last_id, rows=rows, body=self._client.pack(body))

    async def _send(self, prepared: Prepared) -> None:
        if prepared.rows:
            post = partial(
                self._client.post, "/snapshot/page", body=prepared.body, model=SnapshotPageResponse
            )
            await self._call(post)
            self.bytes_sent += len(prepared.body)

    async def _upload_table(self, snapshot_id: str, checkpoint: Checkpoint, run_id: int | None) -> None:
        """Pages of one table, ``IN_FLIGHT`` of them on the wire at a time (the server reads one
        while it writes the other) and the next one read meanwhile; checkpoints in page order."""
        table, page, after = checkpoint.table, checkpoint.pages, checkpoint.last_id
        upcoming = asyncio.ensure_future(asyncio.to_thread(self._prepare, snapshot_id, table, page, after))
        sending: deque[tuple[Prepared, asyncio.Future[None]]] = deque()
        try:
            while True:
                prepared = await upcoming
                last_page = prepared.rows < self._page_rows
                if not last_page:  # read the next page while this one travels
                    upcoming = asyncio.ensure_future(
                        asyncio.to_thread(self._prepare, snapshot_id, table, page + 1, prepared.last_id)
                    )
                sending.append((prepared, asyncio.ensure_future(self._send(prepared))))
                page += 1
                while sending and (last_page or len(sending) >= IN_FLIGHT):
                    done, task = sending.popleft()
                    await task  # acknowledged: only now may its checkpoint be written
                    await asyncio.to_thread(
                        self._snap.save_checkpoint,
                        table,
                        last_id=done.last_id,
                        rows=done.rows,
                        nbytes=len(done.body) if done.rows else 0,
                        done=last_page and not sending,
                        run_id=run_id,
                    )
                if last_page:
                    return
        finally:
            for _done, task in sending:
                task.cancel()
            if not upcoming.done():
                upcoming.cancel()
            await asyncio.gather(upcoming, *(task for _done, task in sending), return_exceptions=True)
