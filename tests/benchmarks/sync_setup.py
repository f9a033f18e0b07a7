"""Shared set-up of the sync benchmarks: a company with demo data, an online database (SQLite
or PostgreSQL), a real Online Desktop process on loopback, and a connection between them."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import Engine, make_url, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company, SyncConnection
from services.db import make_engine, make_session_factory, migrate
from services.sync.protocol.messages import CompanyInfo
from services.sync.server.connections import ConnectionCreated, ConnectionService
from tests.live_server import ROOT, LiveServer, ServerFactory
from tests.sealing import TEST_SEAL

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COMPANY = "Benchmark GmbH"
BENCHMARK_SECRET = "benchmark-secret-of-this-deployment-0123456789"  # --role online on PostgreSQL needs one


def fill_demo_company(data_dir: Path, size: str) -> None:
    """``main.py demo-data`` in its own process (its memory is not the sync's)."""
    subprocess.run(
        [sys.executable, "main.py", "--role", "local", "--data-dir", str(data_dir), "demo-data",
         "--company", COMPANY, "--size", size],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip


@contextmanager
def online_database(kind: str, directory: Path) -> Iterator[str]:
    """An empty, migrated online database URL (dropped afterwards for PostgreSQL)."""
    if kind == "sqlite":
        directory.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{directory / 'online.sqlite3'}"
        _migrate(url)
        yield url
        return
    base = make_url(os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES)
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _migrate(url: str) -> None:
    engine = make_engine(url)
    migrate("online", engine)
    engine.dispose()


@dataclass
class Setup:
    server: LiveServer
    online: sessionmaker[Session]
    online_engine: Engine
    local_engine: Engine
    local: sessionmaker[Session]
    company_id: int
    connection: ConnectionCreated


@contextmanager
def connected_setup(base: Path, online_url: str, client_dir: Path) -> Iterator[Setup]:
    """Start the Online Desktop process, connect the benchmark company to a new tenant."""
    factory = ServerFactory(base_dir=base / "servers", admin_password="Bench-Mark-2024!")
    factory.base_dir.mkdir(parents=True, exist_ok=True)
    online_engine = make_engine(online_url)
    local_engine = make_engine(f"sqlite:///{client_dir / 'business.sqlite3'}")
    try:
        env = {"ONLINE_DATABASE_URL": online_url, "LOG_LEVEL": "WARNING", "SECRET_KEY": BENCHMARK_SECRET}
        server = factory("--role", "online", env=env)
        online = make_session_factory(online_engine)
        local = make_session_factory(local_engine)
        info = CompanyInfo(name=COMPANY)
        created = ConnectionService(online).create_connection(online_id_id=None, company=info)
        with local.begin() as s:
            company_id = s.scalars(select(Company.id).where(Company.name == COMPANY)).one()
            s.add(
                SyncConnection(
                    company_id=company_id,
                    online_url=server.url,
                    tenant_uuid=created.tenant_uuid,
                    sealed_token=TEST_SEAL.seal(created.token),
                )
            )
        yield Setup(
            server=server,
            online=online,
            online_engine=online_engine,
            local_engine=local_engine,
            local=local,
            company_id=company_id,
            connection=created,
        )
    finally:
        factory.stop_all()
        online_engine.dispose()
        local_engine.dispose()


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak resident memory (VmHWM) of a process, this one by default."""
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0
