"""Sync test fixtures: one online database per module and backend (tenants keep tests apart).

The shared ``online_db_url`` fixture makes a database per test; the sync suites create a tenant
per test instead and share one migrated database per module, which keeps them fast. Backends:
SQLite always, PostgreSQL when ``TEST_POSTGRES_URL`` is set (tests/online_db.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.db import Databases, open_databases
from services.sync.server.service import SyncServer
from tests.online_db import fresh_postgres_database, postgres_server_url, sqlite_url

SYNC_BACKENDS = ["sqlite", "postgresql"] if postgres_server_url() else ["sqlite"]


@pytest.fixture(scope="module", params=SYNC_BACKENDS)
def sync_online_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty online database shared by the tests of one module."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path_factory.mktemp("online"))
        return
    server = postgres_server_url()
    assert server is not None
    with fresh_postgres_database(server) as url:
        yield url


@pytest.fixture(scope="module")
def online_dbs(sync_online_url: str) -> Iterator[Databases]:
    dbs = open_databases(local_url=None, online_url=sync_online_url)
    yield dbs
    dbs.dispose()


@pytest.fixture(scope="module")
def server(online_dbs: Databases) -> SyncServer:
    assert online_dbs.online is not None
    return SyncServer(online_dbs.online)
