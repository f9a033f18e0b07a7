"""PostgreSQL pool: a connection that sat idle is checked before use, one just returned is not."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from services import db
from services.db import PoolSettings, make_engine
from tests.online_db import fresh_postgres_database, postgres_server_url

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    server = postgres_server_url()
    if server is None:
        pytest.skip("needs TEST_POSTGRES_URL")
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.2)
    with fresh_postgres_database(server) as url:
        engine = make_engine(url, pool=PoolSettings(size=1, overflow=0, application_name="pool test"))
        try:
            yield engine
        finally:
            engine.dispose()


def _pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = engine.dialect.do_ping

    def counted(dbapi_conn: Any) -> bool:
        calls.append(1)
        return original(dbapi_conn)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return calls


def _backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_used_a_moment_ago_is_not_pinged_an_idle_one_is(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _pings(engine, monkeypatch)
    first = _backend(engine)  # a new connection: no ping
    assert [_backend(engine) for _ in range(5)] == [first] * 5
    assert pings == []
    time.sleep(0.3)
    assert _backend(engine) == first
    assert pings == [1]


def test_an_idle_connection_the_database_closed_is_replaced_without_an_error(engine: Engine) -> None:
    first = _backend(engine)
    admin = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        with admin.begin() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    finally:
        admin.dispose()
    time.sleep(0.3)
    second = _backend(engine)  # pinged, found dead, replaced: the caller sees no error
    assert second != first
