"""Online Desktop databases for tests: SQLite always, PostgreSQL when ``TEST_POSTGRES_URL`` is set.

The Online Desktop runs on SQLite by default and on PostgreSQL at scale, so everything that
touches ``models/online`` should be tested on both. Use the fixtures from ``tests/conftest.py``:

- ``online_db_url``: an EMPTY database URL, parametrised over ``sqlite`` and ``postgresql``
  (the PostgreSQL case is skipped with a reason unless ``TEST_POSTGRES_URL`` is set; CI sets it).
  For PostgreSQL a fresh database with a unique name is created on the server of
  ``TEST_POSTGRES_URL`` for each test and dropped afterwards, so tests never see each other's rows.
  Pass it on as ``Settings(online_database_url=online_db_url, ...)`` or to ``start_server(env=
  {"ONLINE_DATABASE_URL": online_db_url})``.
- ``online_engine``: an engine on that database with the online migrations applied.
- ``online_sessions``: a session factory on ``online_engine``.

Example::

    def test_invitations_expire(online_sessions: sessionmaker[Session]) -> None:
        with online_sessions.begin() as s:
            ...

A test that needs a backend-specific behaviour can read ``make_url(online_db_url).get_backend_name()``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

POSTGRES_VARIABLE = "TEST_POSTGRES_URL"


def postgres_server_url() -> str | None:
    """The SQLAlchemy URL of the PostgreSQL server to create test databases on, if any."""
    return os.environ.get(POSTGRES_VARIABLE) or None


def sqlite_url(directory: Path) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / 'online.sqlite3'}"


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """Create a uniquely named database on the server of ``server_url``; drop it afterwards.

    Yields the SQLAlchemy URL of the new database (same driver, user and host).
    """
    name = f"test_{os.getpid()}_{uuid.uuid4().hex[:12]}"
    base = make_url(server_url)
    admin_conninfo = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_conninfo, autocommit=True) as conn:
            # FORCE ends connections a failing test may have left open (PostgreSQL 13+).
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
