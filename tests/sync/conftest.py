"""Sync test fixtures: one online database per module (tenants keep tests apart), on SQLite and,
when ``TEST_POSTGRES_URL`` is set, on PostgreSQL too."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from services.db import Databases, open_databases
from services.sync.server import SyncServer

ONLINE_BACKENDS = ["sqlite", "postgres"] if os.environ.get("TEST_POSTGRES_URL") else ["sqlite"]


@pytest.fixture(scope="module")
def online_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('online') / 'online.sqlite3'}"
        return
    with postgres_database() as url:
        yield url


class _PostgresDatabase:
    """A throw-away PostgreSQL database on the server named by TEST_POSTGRES_URL."""

    def __init__(self) -> None:
        base = make_url(os.environ["TEST_POSTGRES_URL"])
        self.name = f"sync_test_{uuid.uuid4().hex[:12]}"
        self.admin = create_engine(base, isolation_level="AUTOCOMMIT")
        self.url = base.set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> str:
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        return self.url

    def __exit__(self, *exc: object) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def postgres_database() -> _PostgresDatabase:
    return _PostgresDatabase()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses the online database runs once per backend."""
    if "online_db_url" in metafunc.fixturenames:
        metafunc.parametrize("online_db_url", ONLINE_BACKENDS, indirect=True, scope="module")


@pytest.fixture(scope="module")
def online_dbs(online_db_url: str) -> Iterator[Databases]:
    dbs = open_databases(local_url=None, online_url=online_db_url)
    yield dbs
    dbs.dispose()


@pytest.fixture(scope="module")
def server(online_dbs: Databases) -> SyncServer:
    assert online_dbs.online is not None
    return SyncServer(online_dbs.online)


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    return tmp_path
