"""Which company databases this process synchronises, and when (agents, leases, schedule).

Every few seconds the manager looks at the connected companies. It runs a company's agent only
- when this computer is the company's chosen sync computer (Company settings › Online Desktop;
  by default the network computer that hosts the system database, or this one if none is
  registered), and
- when it holds the company's lease in the database, so two processes (the application and
  ``main.py sync run``, or two computers) never sync the same company at once, and
- for a company whose initial sync has not run: when its scheduled time has come. A time that
  passed while no process was running is marked *missed*; the user starts it with "run now".
A company without a schedule starts at once (``main.py sync connect`` + ``sync run``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from services.local.changes import ChangeHub
from services.local.locks import InitialSyncLock
from services.secrets.sealing import SealBroken, TokenSeal
from services.sync.client.agent import AgentOptions, SyncAgent, SyncStopped
from services.sync.client.db import read_tx, write_tx
from services.sync.client.http import HttpLink, SyncClient
from services.sync.client.runs import set_connection_status
from services.sync.client.snapshot import now_text
from services.sync.client.store import LocalStore
from services.sync.client.trace import trace_logger

log = logging.getLogger(__name__)
LEASE = dt.timedelta(seconds=30)
MISSED_GRACE = dt.timedelta(seconds=60)
TICK_SECONDS = 5.0
RESTART_DELAY = dt.timedelta(seconds=60)


@dataclass(frozen=True, kw_only=True, slots=True)
class Candidate:
    company_id: int
    online_url: str
    token: str
    tenant: str
    initial_status: str
    schedule_status: str | None
    run_at: dt.datetime | None


def _parse(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


class SyncManager:
    def __init__(
        self,
        *,
        engine: Engine,
        computer_name: str,
        data_dir: Path,
        http: HttpLink,
        lock: InitialSyncLock | None,
        seal: TokenSeal,
        options: AgentOptions | None = None,
        only_company: int | None = None,
        changes: ChangeHub | None = None,
    ) -> None:
        self._seal, self._changes = seal, changes
        self._engine, self._computer, self._data_dir = engine, computer_name, data_dir
        self._http, self._lock, self._options = http, lock, options
        self.only_company = only_company  # limit this manager to one company (``main.py sync run``)
        self.holder = f"{computer_name}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.started_at = dt.datetime.now(dt.UTC)
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._stops: dict[int, asyncio.Event] = {}
        self._retry_after: dict[int, dt.datetime] = {}
        self.agents: dict[int, SyncAgent] = {}
        self._stop: asyncio.Event | None = None
        self._finished: asyncio.Event | None = None

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Tick until ``stop`` is set (or ``shutdown``), then stop every agent and give the leases back."""
        stop = self._stop = stop or asyncio.Event()
        self._finished = asyncio.Event()
        try:
            while not stop.is_set():
                try:
                    await self.tick()
                except Exception:  # never let one bad tick end the manager
                    log.exception("sync manager tick failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), TICK_SECONDS)
        finally:
            await self.stop_all()
            self._finished.set()

    async def shutdown(self) -> None:
        """Stop ticking and wait until every agent has stopped (before the HTTP client closes)."""
        if self._stop is not None and self._finished is not None:
            self._stop.set()
            await self._finished.wait()

    async def tick(self) -> None:
        candidates = await asyncio.to_thread(self._candidates)
        wanted = {c.company_id: c for c in candidates}
        for company_id in list(self._tasks):
            task = self._tasks[company_id]
            if task.done():
                self._forget(company_id, task)
            elif company_id not in wanted or not await asyncio.to_thread(self._lease, company_id):
                task.cancel()  # disconnected, another computer chosen, or the lease was lost
        now = dt.datetime.now(dt.UTC)
        for candidate in candidates:
            if candidate.company_id in self._tasks or self._retry_after.get(candidate.company_id, now) > now:
                continue
            if await asyncio.to_thread(self._ready, candidate) and await asyncio.to_thread(
                self._lease, candidate.company_id
            ):
                self._start(candidate)

    def _candidates(self) -> list[Candidate]:
        """Connected companies for which this computer is the sync computer."""
        with read_tx(self._engine) as conn:
            rows = conn.execute(
                "SELECT c.company_id, c.online_url, c.sealed_token, c.tenant_uuid, "
                "COALESCE(s.initial_status, 'pending'), "
                "sch.status, sch.run_at, ods.sync_computer FROM sync_connections c "
                "LEFT JOIN sync_states s ON s.company_id = c.company_id "
                "LEFT JOIN sync_schedules sch ON sch.company_id = c.company_id "
                "LEFT JOIN online_desktop_settings ods ON ods.company_id = c.company_id "
                "WHERE c.status = 'connected'"
            ).fetchall()
            (host,) = conn.execute(
                "SELECT (SELECT name FROM network_computers WHERE hosts_system_database = 1 ORDER BY id "
                "LIMIT 1)"
            ).fetchone()
        found = []
        for company_id, url, sealed, tenant, initial, sched, run_at, chosen in rows:
            computer = chosen or host or self._computer
            if computer.casefold() != self._computer.casefold():
                continue
            if self.only_company is not None and company_id != self.only_company:
                continue
            token = self._open_token(company_id, sealed)
            if token is None:
                continue
            found.append(
                Candidate(
                    company_id=company_id,
                    online_url=url,
                    token=token,
                    tenant=tenant,
                    initial_status=initial,
                    schedule_status=sched,
                    run_at=_parse(run_at),
                )
            )
        return found

    def _open_token(self, company_id: int, sealed: str) -> str | None:
        """The connection's token, or None after marking it for reconnection (another secret key)."""
        try:
            return self._seal.open(sealed)
        except SealBroken:
            log.warning("sync token of company %s does not open with this secret key: reconnect", company_id)
            set_connection_status(self._engine, company_id=company_id, status="needs_reconnect")
            return None

    def _ready(self, c: Candidate) -> bool:
        """May the agent start? Initial syncs wait for their scheduled time; missed ones for the user."""
        if c.initial_status != "pending" or c.schedule_status is None:
            return True
        if c.schedule_status != "scheduled" or c.run_at is None:
            return False
        now = dt.datetime.now(dt.UTC)
        if c.run_at > now:
            return False
        with write_tx(self._engine) as conn:
            missed = c.run_at < self.started_at - MISSED_GRACE
            conn.execute(
                "UPDATE sync_schedules SET status = ? WHERE company_id = ?",
                ("missed" if missed else "started", c.company_id),
            )
        return not missed

    def _lease(self, company_id: int) -> bool:
        """Take or renew the company's lease; False when another process holds it."""
        LocalStore(self._engine, company_id).state()  # make sure the row exists
        until = (dt.datetime.now(dt.UTC) + LEASE).strftime("%Y-%m-%d %H:%M:%S.%f")
        with write_tx(self._engine) as conn:
            taken = conn.execute(
                "UPDATE sync_states SET lease_holder = ?, lease_until = ? WHERE company_id = ? "
                "AND (lease_holder = ? OR lease_holder = '' OR lease_until IS NULL OR lease_until < ?)",
                (self.holder, until, company_id, self.holder, now_text()),
            ).rowcount
        return taken == 1

    def _release(self, company_id: int) -> None:
        with write_tx(self._engine) as conn:
            conn.execute(
                "UPDATE sync_states SET lease_holder = '', lease_until = NULL WHERE company_id = ? AND "
                "lease_holder = ?",
                (company_id, self.holder),
            )

    def _start(self, c: Candidate) -> None:
        trace = trace_logger(self._data_dir, c.company_id)
        agent = SyncAgent(
            engine=self._engine,
            company_id=c.company_id,
            client=SyncClient(self._http.client, c.online_url, c.token, c.tenant),
            trace=trace,
            lock=self._lock,
            holder=self.holder,
            options=self._options,
            changes=self._changes,
        )
        stop = asyncio.Event()
        self.agents[c.company_id], self._stops[c.company_id] = agent, stop
        self._tasks[c.company_id] = asyncio.ensure_future(agent.run(stop))
        trace.info("sync agent started on %s", self.holder)

    def _forget(self, company_id: int, task: asyncio.Task[None]) -> None:
        self._tasks.pop(company_id)
        self._stops.pop(company_id, None)
        self.agents.pop(company_id, None)
        error = None if task.cancelled() else task.exception()
        if isinstance(error, SyncStopped):
            log.warning("sync of company %s stopped: %s", company_id, error)
        elif error is not None:
            log.error("sync of company %s failed: %s", company_id, error)
            self._retry_after[company_id] = dt.datetime.now(dt.UTC) + RESTART_DELAY
        self._release(company_id)

    async def stop_all(self) -> None:
        for stop in self._stops.values():
            stop.set()
        tasks = list(self._tasks.items())
        for _company, task in tasks:
            try:
                await asyncio.wait_for(asyncio.shield(task), 5)
            except (TimeoutError, Exception):
                task.cancel()
        await asyncio.gather(*(t for _c, t in tasks), return_exceptions=True)
        for company_id, _task in tasks:
            await asyncio.to_thread(self._release, company_id)
        self._tasks.clear()
        self._stops.clear()
        self.agents.clear()
