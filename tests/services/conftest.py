"""Online-side service fixtures: a frozen clock and a process that runs only the Online Desktop."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher
from psycopg import sql
from sqlalchemy.engine import make_url

import services.passwords
from services.clock import FrozenClock
from services.config import Settings
from services.container import Services, build_services
from services.mail import MailView


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with tiny costs: the same code path, without half a second per hash on a busy machine."""
    monkeypatch.setattr(
        services.passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    )


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def identity_db_url(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[str]:
    """An empty online database: SQLite, and a fresh PostgreSQL database when TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{data_dir / 'online.sqlite3'}"
        return
    server = os.environ.get("TEST_POSTGRES_URL")
    if not server:
        pytest.skip("TEST_POSTGRES_URL is not set: online database tests ran on SQLite only")
    name = f"test_identity_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    base = make_url(server)
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def online(data_dir: Path, identity_db_url: str, clock: FrozenClock) -> Iterator[Services]:
    """Online Desktop services on a fresh database whose clock the test controls."""
    settings = Settings(data_dir=data_dir, role="online", online_database_url=identity_db_url)
    built = build_services(settings, clock=clock)
    yield built
    built.db.dispose()


def mails_to(services: Services, address: str) -> list[MailView]:
    """The mails in the outbox for one address, oldest first."""
    _identity, mail = services.require_online()
    return [mail.get_mail(m.id) for m in reversed(mail.list_mail()) if m.to == address]


def link_token(message: MailView, page: str) -> str:
    """The token of the link to ``page`` (e.g. "/id/verify") in the text part of a mail."""
    found = re.search(rf"https?://\S+{re.escape(page)}\?token=([A-Za-z0-9_.\-]+)", message.text)
    assert found, f"no {page} link in mail: {message.text}"
    return found.group(1)
