"""The sync agent of one company database: initial sync, then continuous two-way sync.

It runs as asyncio tasks in the process of the chosen sync computer (see manager.py); every
database step runs in a worker thread and every HTTP call goes through the one shared
``httpx.AsyncClient``, so the UI never waits for it. Three loops run side by side:
- push: woken by commits that may touch its outbox (services.commits, outbox_watch), sends the oldest
  outbox entries at once, drops them when acknowledged;
- pull: long-polls for changes after the stored cursor and applies each page with its cursor;
- verify: right after the initial sync (once the first pulls caught up), then now and then,
  compares counts and checksums with the server and re-syncs a table that differs;
- and beside them the licence is reported when it changed (contract.py).
Network trouble and 5xx are retried with backoff; 401 stops the agent and marks the connection
``needs_reconnect``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from services.local.changes import SYNC, ChangeHub
from services.local.locks import InitialSyncLock
from services.sync.client import runs
from services.sync.client.contract import ContractReporter
from services.sync.client.http import AuthFailed, Backoff, Refused, Retryable, Sent, SyncClient, encode
from services.sync.client.initial import SnapshotUpload
from services.sync.client.outbox_watch import outbox_watch
from services.sync.client.snapshot import LocalSnapshot
from services.sync.client.store import LocalStore, StaleCursor
from services.sync.protocol.messages import Mutation, PullResponse, PushResponse, VerifyResponse

TOUCH_EVERY = 30.0  # seconds between "last received" updates while pulls bring nothing new
CONTENT_ERRORS = {"bad_message", "bad_value", "bad_row", "bad_json", "too_large", "bad_mutation_ids"}


@dataclass(frozen=True, kw_only=True, slots=True)
class AgentOptions:
    page_rows: int = 10_000
    push_batch: int = 1000
    pull_limit: int = 5000
    debounce: float = 0.0  # seconds to wait for more local changes before pushing (none: push at once)
    outbox_poll: float = 1.0  # safety net: look at the outbox this often even without a commit signal
    long_poll: float = 20.0
    verify_every: float = 600.0


class SyncStopped(Exception):
    """The agent cannot go on without the user (for example: reconnect needed)."""


class SyncAgent:
    def __init__(
        self,
        *,
        engine: Engine,
        company_id: int,
        client: SyncClient,
        trace: logging.Logger,
        lock: InitialSyncLock | None = None,
        holder: str = "",
        options: AgentOptions | None = None,
        changes: ChangeHub | None = None,
    ) -> None:
        self.engine, self.company_id, self.client, self.trace = engine, company_id, client, trace
        self.changes = changes  # open screens hear of every pulled change
        self.lock, self.holder = lock, holder
        self.options = options or AgentOptions()
        self.store = LocalStore(engine, company_id)
        self.snapshot = LocalSnapshot(engine, company_id)
        self.bytes_sent = 0
        self.contract = ContractReporter(engine=engine, client=client, call=self.call, trace=trace)

    async def run(self, stop: asyncio.Event) -> None:
        """Initial sync when needed, then continuous sync until ``stop`` is set."""
        await asyncio.to_thread(runs.interrupt_stale_runs, self.engine, self.company_id)
        state = await asyncio.to_thread(self.store.state)
        fresh = state.initial_status != "done"
        if fresh:
            await self.initial_sync()
        await self.continuous(stop, verify_now=fresh)

    async def call(self, send: Callable[[], Awaitable[Sent]]) -> Sent:
        """Send until it works: backoff on network errors and 5xx; 401 stops the agent."""
        backoff = Backoff()
        while True:
            try:
                sent = await send()
            except Retryable as exc:
                self.trace.warning("retrying after: %s", exc)
                await backoff.wait(self.client.health)
                continue
            except AuthFailed as exc:
                self.trace.error("the Online Desktop refused the connection token: %s", exc)
                await asyncio.to_thread(
                    runs.set_connection_status,
                    self.engine,
                    company_id=self.company_id,
                    status="needs_reconnect",
                )
                raise SyncStopped("sync.needs_reconnect") from exc
            self.bytes_sent += sent.bytes_up
            return sent

    # --- initial sync -----------------------------------------------------------------------------

    async def initial_sync(self) -> None:
        """Upload everything (resuming a broken run) while the initial-sync lock is held, then verify."""
        if self.lock is not None:
            await asyncio.to_thread(self.lock.acquire, self.company_id, self.holder)
        run_id = await asyncio.to_thread(
            runs.start_run, self.engine, company_id=self.company_id, kind="initial"
        )
        status, error = "failed", ""
        try:
            upload = SnapshotUpload(
                store=self.store,
                snapshot=self.snapshot,
                client=self.client,
                call=self.call,
                trace=self.trace,
                page_rows=self.options.page_rows,
            )
            await upload.run("initial", run_id=run_id)
            status = "ok"
        except asyncio.CancelledError:
            status, error = "interrupted", runs.error_record(runs.STOPPED)
            raise
        except Exception as exc:
            self.trace.error("initial sync failed: %s", exc)
            error = runs.error_record(exc)
            raise
        finally:
            await asyncio.shield(
                asyncio.to_thread(runs.finish_run, self.engine, run_id=run_id, status=status, error=error)
            )
            if self.lock is not None:
                await asyncio.shield(asyncio.to_thread(self.lock.release, self.company_id))
        self.trace.info("initial sync finished")

    # --- continuous sync --------------------------------------------------------------------------

    async def continuous(self, stop: asyncio.Event, *, verify_now: bool = False) -> None:
        """Push, pull and verify until ``stop``; ``verify_now`` verifies as soon as the first pulls
        have caught up (right after an initial sync), then every ``verify_every`` seconds."""
        run_id = await asyncio.to_thread(
            runs.start_run, self.engine, company_id=self.company_id, kind="continuous"
        )
        loops = [
            asyncio.ensure_future(self._push_loop(run_id)),
            asyncio.ensure_future(self._pull_loop(run_id)),
            asyncio.ensure_future(self._verify_loop(verify_now)),
            asyncio.ensure_future(self.contract.run()),
            asyncio.ensure_future(stop.wait()),
        ]
        status, error = "ok", ""
        try:
            done, _pending = await asyncio.wait(loops, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                failure = None if task.cancelled() else task.exception()
                if failure is not None:
                    self.trace.error("continuous sync failed: %s", failure)
                    status, error = "failed", runs.error_record(failure)
                    raise failure
        except asyncio.CancelledError:
            status, error = "interrupted", runs.error_record(runs.STOPPED)
            raise
        finally:
            for task in loops:
                task.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            await asyncio.shield(
                asyncio.to_thread(runs.finish_run, self.engine, run_id=run_id, status=status, error=error)
            )

    async def _push_loop(self, run_id: int) -> None:
        """Push whenever the outbox holds entries; woken by commits to the database that may have
        touched this company's outbox (this process's sessions at once, other processes through
        ``data_version``; one read for every company, see outbox_watch), and every
        ``outbox_poll`` seconds as a safety net. Changes made while a push travels go together in
        the next one."""
        with outbox_watch(self.engine).listen(self.company_id) as committed:
            while True:
                committed.clear()  # before looking: a commit from now on sets it again
                if self.options.debounce and await asyncio.to_thread(self.store.outbox_head):
                    await asyncio.sleep(self.options.debounce)
                # One read: the batch itself says whether the outbox holds anything.
                cursor, batch = await asyncio.to_thread(self.store.outgoing, self.options.push_batch)
                if not batch:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(committed.wait(), self.options.outbox_poll)
                    continue
                await self.push(batch, run_id, cursor=cursor)

    async def push(
        self, batch: list[Mutation], run_id: int | None = None, *, cursor: int | None = None
    ) -> None:
        """Push one batch; a batch the server refuses as invalid is split until the bad change is
        found, which is then recorded as a rejection (the rest of the queue goes on). ``cursor``:
        the pull cursor read with the batch (the server then need not send a clean push back)."""
        known = {} if cursor is None else {"cursor": cursor}
        body = await asyncio.to_thread(
            lambda: encode(self.client.payload(mutations=[m.model_dump() for m in batch], **known))
        )
        try:
            sent = await self.call(lambda: self.client.post("/push", body=body, model=PushResponse))
        except Refused as exc:
            if exc.error not in CONTENT_ERRORS:
                raise
            if len(batch) == 1:
                m = batch[0]
                self.trace.warning("change %s of %s %s rejected: %s", m.id, m.table, m.uuid, exc)
                await asyncio.to_thread(self.store.reject, m.id, table=m.table, uuid=m.uuid, reason=str(exc))
                return
            half = len(batch) // 2
            await self.push(batch[:half], run_id)
            await self.push(batch[half:], run_id)
            return
        answer: PushResponse = sent.answer
        for conflict in answer.conflicts:
            self.trace.info(
                "conflict %s %s.%s: %s", conflict.table, conflict.uuid, conflict.field, conflict.resolution
            )
        for rejection in answer.rejections:
            self.trace.warning("rejected %s %s: %s", rejection.table, rejection.uuid, rejection.reason)
        await asyncio.to_thread(self.store.acknowledge, answer, run_id=run_id, nbytes=sent.bytes_up)

    async def _pull_loop(self, run_id: int) -> None:
        cursor = (await asyncio.to_thread(self.store.state)).cursor
        backoff = Backoff()
        touched = time.monotonic() - TOUCH_EVERY  # the first empty pull already counts
        while True:
            sent = await self.pull_once(cursor, wait=self.options.long_poll)
            page: PullResponse = sent.answer
            try:
                if page.changes or page.cursor != cursor:
                    await asyncio.to_thread(
                        self.store.apply_page, page, after=cursor, run_id=run_id, nbytes=sent.bytes_down
                    )
                    self._publish(page)
                    touched = time.monotonic()
                elif time.monotonic() - touched >= TOUCH_EVERY:
                    await asyncio.to_thread(self.store.touch_pull)
                    touched = time.monotonic()
                cursor = page.cursor
                backoff.reset()
            except StaleCursor:
                cursor = (await asyncio.to_thread(self.store.state)).cursor
            except Exception as exc:  # a page that cannot be applied now: log, wait, pull it again
                self.trace.error("could not apply changes after %s: %s", cursor, exc)
                await asyncio.to_thread(
                    runs.record_error, self.engine, company_id=self.company_id, error=runs.error_record(exc)
                )
                await backoff.wait()

    def _publish(self, page: PullResponse) -> None:
        if self.changes is not None:
            for change in page.changes:
                uuids = [*(change.data[0] if change.data else ()), *change.deleted]
                self.changes.publish(self.company_id, table=change.table, uuids=uuids, by=SYNC)

    async def pull_once(self, cursor: int, *, wait: float = 0.0) -> Sent:
        body = encode(self.client.payload(cursor=cursor, limit=self.options.pull_limit, wait=wait))
        return await self.call(
            lambda: self.client.post("/pull", body=body, model=PullResponse, seconds=wait + 30)
        )

    async def _verify_loop(self, verify_now: bool = False) -> None:
        if verify_now:
            await self._verify_once_settled()
        while True:
            await asyncio.sleep(self.options.verify_every)
            await self.verify_and_repair()

    async def _verify_once_settled(self, attempts: int = 120, pause: float = 0.5) -> None:
        """Verify as soon as no change is in flight (a comparison is meaningful), within a minute."""
        for _ in range(attempts):
            if await self.verify_and_repair() is not None:
                return
            await asyncio.sleep(pause)
        self.trace.warning("verify after the initial sync skipped: changes kept arriving")

    # --- integrity --------------------------------------------------------------------------------

    async def verify(self) -> dict[str, bool] | None:
        """Compare every table with the server; None when changes in flight make it meaningless."""
        before = await asyncio.to_thread(self.snapshot.outbox_seq)
        # Both sides summarise at the same time: each summary is one consistent read, and the
        # checks below accept the pair only when both describe the same sequence.
        sent, local = await asyncio.gather(
            self.call(
                lambda: self.client.post("/verify", body=encode(self.client.payload()), model=VerifyResponse)
            ),
            asyncio.to_thread(self.snapshot.summary),
        )
        server: VerifyResponse = sent.answer
        if local.pending or local.cursor != server.seq or local.outbox_seq != before:
            return None
        return {
            name: (summary.count, summary.checksum) == local.tables.get(name)
            for name, summary in server.tables.items()
        }

    async def verify_and_repair(self) -> dict[str, bool] | None:
        """Verify; re-sync each table that differs (logged in the history and the trace)."""
        result = await self.verify()
        if result is None:
            return None
        bad = [name for name, same in result.items() if not same]
        run_id = await asyncio.to_thread(
            runs.start_run, self.engine, company_id=self.company_id, kind="verify"
        )
        found = runs.error_record(runs.MISMATCH, tables=",".join(bad)) if bad else ""
        await asyncio.to_thread(
            runs.finish_run, self.engine, run_id=run_id, status="mismatch" if bad else "ok", error=found
        )
        if bad:
            self.trace.warning("verify found differences in %s: re-syncing", bad)
            resync = await asyncio.to_thread(
                runs.start_run, self.engine, company_id=self.company_id, kind="resync"
            )
            upload = SnapshotUpload(
                store=self.store, snapshot=self.snapshot, client=self.client, call=self.call, trace=self.trace
            )
            await upload.run("resync", tables=bad, run_id=resync)
            repaired = runs.error_record(runs.RESYNCED, tables=",".join(bad))
            await asyncio.to_thread(runs.finish_run, self.engine, run_id=resync, status="ok", error=repaired)
        else:
            self.trace.info("verify: all tables match")
        return result
