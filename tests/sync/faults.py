"""The fault-injection world: a real sync server process, client databases, a ledger of what the
rows must be, and the final checks (counts, checksums, every row exactly where expected).

Used by tests/sync/end_to_end/test_faults.py (a fixed-seed selection) and tests/sync/soak.py (many runs).
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from models.local import SyncConnection
from services.db import make_engine, make_session_factory, migrate, open_databases
from services.sync.client.tracking import install_change_tracking
from services.sync.protocol.messages import CompanyInfo
from services.sync.protocol.tables import TABLE_ORDER, TABLES
from services.sync.server.connections import ConnectionCreated
from services.sync.server.service import SyncServer
from tests.live_server import free_port
from tests.sealing import TEST_SEAL
from tests.sync import procs
from tests.sync.local_helpers import create_company, local_summary, online_summary


class ScenarioFailed(AssertionError):
    pass


@dataclass
class ServerProcess:
    """The lean sync server on a fixed port, so it can be killed and started again."""

    online_db: str
    log_path: Path
    port: int = field(default_factory=free_port)
    process: BaseProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = procs.start_server(self.port, self.online_db, str(self.log_path))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/online/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.02)
        raise RuntimeError(f"sync server did not start:\n{self.log_path.read_text()[-2000:]}")

    def kill(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            self.process.join(10)


@dataclass
class Client:
    """One Business Software database with one connected company."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    company_id: int
    connection: ConnectionCreated
    url: str

    def dispose(self) -> None:
        self.engine.dispose()


class World:
    """The online side (server process + direct database access) and a local database template."""

    def __init__(self, base: Path, online_db: str) -> None:
        self.base = base
        base.mkdir(parents=True, exist_ok=True)
        self.dbs = open_databases(local_url=None, online_url=online_db)
        assert self.dbs.online is not None
        self.online = SyncServer(self.dbs.online)
        self.server = ServerProcess(online_db=online_db, log_path=base / "server.log")
        self.server.start()
        self.template = base / "template.sqlite3"
        engine = make_engine(f"sqlite:///{self.template}")
        migrate("local", engine)
        install_change_tracking(engine)
        engine.dispose()
        self._clients = 0

    def new_client(self) -> Client:
        self._clients += 1
        path = self.base / f"client-{self._clients}.sqlite3"
        shutil.copy(self.template, path)
        engine = make_engine(f"sqlite:///{path}")
        sessions = make_session_factory(engine)
        company = create_company(sessions, f"Firma {self._clients}")
        connection = self.connect(sessions, company)
        return Client(
            path=path,
            engine=engine,
            sessions=sessions,
            company_id=company,
            connection=connection,
            url=self.server.url,
        )

    def connect(self, sessions: sessionmaker[Session], company: int) -> ConnectionCreated:
        created = self.online.connections.create_connection(
            online_id_id=None, company=CompanyInfo(name="Firma")
        )
        with sessions.begin() as s:
            s.add(
                SyncConnection(
                    company_id=company,
                    online_url=self.server.url,
                    tenant_uuid=created.tenant_uuid,
                    sealed_token=TEST_SEAL.seal(created.token),
                )
            )
        return created

    def close(self) -> None:
        self.server.kill()
        self.dbs.dispose()


class Ledger:
    """What must exist at the end: every row created and not deleted, minus cascaded children."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], dict[str, str | None]] = {}

    def load(self, client: Client) -> None:
        with client.sessions() as s:
            for name, spec in TABLES.items():
                cols = [r.column for r in spec.refs if r.on_delete == "CASCADE"]
                select_cols = ", ".join(["uuid", *cols])
                for row in s.execute(
                    text(f"SELECT {select_cols} FROM {name} WHERE company_id = :c"), {"c": client.company_id}
                ):
                    self.add(name, row[0], dict(zip(cols, row[1:], strict=True)))

    def add(self, table: str, uuid: str, refs: dict[str, str | None]) -> None:
        self.rows[(table, uuid)] = refs

    def delete(self, table: str, uuid: str) -> None:
        self.rows.pop((table, uuid), None)

    def live(self, table: str) -> list[str]:
        alive = self.expected()
        return sorted(u for (t, u) in alive if t == table)

    def expected(self) -> set[tuple[str, str]]:
        alive = set(self.rows)
        changed = True
        while changed:
            changed = False
            for key in list(alive):
                spec = TABLES[key[0]]
                for ref in spec.refs:
                    parent = self.rows[key].get(ref.column)
                    if (
                        ref.on_delete == "CASCADE"
                        and parent is not None
                        and (ref.target, parent) not in alive
                    ):
                        alive.discard(key)
                        changed = True
                        break
        return alive


def live_uuids_local(client: Client) -> set[tuple[str, str]]:
    with client.sessions() as s:
        return {
            (name, u)
            for name in TABLE_ORDER
            for (u,) in s.execute(
                text(f"SELECT uuid FROM {name} WHERE company_id = :c"), {"c": client.company_id}
            )
        }


def live_uuids_online(world: World, tenant_id: int) -> set[tuple[str, str]]:
    assert world.dbs.online is not None
    with world.dbs.online() as s:
        return {
            (name, u)
            for name, spec in TABLES.items()
            for (u,) in s.execute(
                text(f"SELECT uuid FROM {spec.online_table} WHERE tenant_id = :t AND deleted = :d"),
                {"t": tenant_id, "d": False},
            )
        }


def quiet(world: World, client: Client) -> bool:
    """Nothing in flight: outbox empty and the client has applied the tenant's last change."""
    with client.sessions() as s:
        pending = s.execute(
            text("SELECT count(*) FROM sync_outbox WHERE company_id = :c"), {"c": client.company_id}
        ).scalar_one()
        cursor = s.execute(
            text('SELECT "cursor" FROM sync_states WHERE company_id = :c'), {"c": client.company_id}
        ).scalar()
    assert world.dbs.online is not None
    with world.dbs.online() as s:
        seq = s.execute(
            text("SELECT seq FROM tenants WHERE id = :t"), {"t": client.connection.tenant_id}
        ).scalar_one()
    return pending == 0 and cursor == seq


async def settle(world: World, client: Client, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    stable = 0
    while time.monotonic() < deadline:
        stable = stable + 1 if await asyncio.to_thread(quiet, world, client) else 0
        if stable >= 3:
            return
        await asyncio.sleep(0.1)
    raise ScenarioFailed("sync did not settle in time")


def check(world: World, client: Client, ledger: Ledger) -> dict[str, Any]:
    """Counts and checksums equal on both sides; each side holds exactly the expected rows."""
    local, online = (
        local_summary(client.engine, client.company_id),
        online_summary(world.online, client.connection.tenant_id),
    )
    if local != online:
        raise ScenarioFailed(f"summaries differ: local {local} online {online}")
    expected = ledger.expected()
    for side, actual in (
        ("local", live_uuids_local(client)),
        ("online", live_uuids_online(world, client.connection.tenant_id)),
    ):
        lost, extra = expected - actual, actual - expected
        if lost or extra:
            raise ScenarioFailed(
                f"{side}: lost {sorted(lost)[:5]} ({len(lost)}), "
                f"unexpected {sorted(extra)[:5]} ({len(extra)})"
            )
    return {"rows": sum(count for count, _sum in local.values())}


async def wait_until(check: Callable[[], bool], seconds: float = 30.0) -> None:
    """Poll a cheap condition (in a thread) every few milliseconds."""
    for _ in range(int(seconds / 0.005)):
        if await asyncio.to_thread(check):
            return
        await asyncio.sleep(0.005)
    raise ScenarioFailed("condition not reached in time")


def iter_seeds(base: int, count: int) -> Iterator[int]:
    for i in range(count):
        yield base * 1000 + i
