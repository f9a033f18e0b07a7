"""SQLite: a quiet database closes the pool's idle connections (their page caches go with them)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from services.db import Databases, close_idle_connections, make_engine


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    yield engine
    engine.dispose()


def use_three_connections_at_once(engine: Engine) -> None:
    barrier = threading.Barrier(3)

    def read() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM t")).scalar_one()
            barrier.wait(5)

    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)


def test_a_quiet_database_closes_its_idle_connections_and_opens_new_ones_as_before(engine: Engine) -> None:
    use_three_connections_at_once(engine)
    assert engine.pool.checkedin() == 3  # type: ignore[attr-defined]

    assert close_idle_connections(engine, quiet_seconds=0) is True
    assert engine.pool.checkedin() == 0  # type: ignore[attr-defined]

    with engine.begin() as conn:  # a new connection, set up like every other
        conn.exec_driver_sql("INSERT INTO t (v) VALUES ('x')")
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT v FROM t")).scalars().all() == ["x"]


def test_connections_stay_while_the_database_is_in_use(engine: Engine) -> None:
    use_three_connections_at_once(engine)
    assert close_idle_connections(engine) is False  # used a moment ago
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        assert close_idle_connections(engine, quiet_seconds=0) is False  # one is checked out
    assert engine.pool.checkedin() == 3  # type: ignore[attr-defined]


def test_every_sqlite_database_of_the_process_is_released(tmp_path: Path, engine: Engine) -> None:
    online = make_engine(f"sqlite:///{tmp_path / 'online.sqlite3'}")
    try:
        for e in (engine, online):
            with e.connect() as conn:
                conn.execute(text("SELECT 1"))
        databases = Databases(local_engine=engine, online_engine=online, local=None, online=None)
        databases.close_idle_connections()  # used a moment ago: nothing closed
        assert engine.pool.checkedin() == 1 and online.pool.checkedin() == 1  # type: ignore[attr-defined]
    finally:
        online.dispose()
