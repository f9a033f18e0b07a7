"""Online-side service fixtures: a frozen clock and a process that runs only the Online Desktop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event

import services.secrets.passwords
from services.clock import FrozenClock
from services.config import Settings
from services.container import Services, build_services
from services.online.mail import MailView


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with tiny costs: the same code path, without half a second per hash on a busy machine."""
    monkeypatch.setattr(
        services.secrets.passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    )


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def online(data_dir: Path, online_db_url: str, clock: FrozenClock) -> Iterator[Services]:
    """Online Desktop services on a fresh database (SQLite, and PostgreSQL when TEST_POSTGRES_URL
    is set) whose clock the test controls."""
    settings = Settings(data_dir=data_dir, role="online", online_database_url=online_db_url)
    built = build_services(settings, clock=clock)
    yield built
    built.db.dispose()


def mails_to(services: Services, address: str) -> list[MailView]:
    """The mails in the outbox for one address, oldest first."""
    _identity, mail = services.online.identity, services.online.mail
    return [mail.get_mail(m.id) for m in reversed(mail.list_mail()) if m.to == address]


def link_token(message: MailView, page: str) -> str:
    """The token of the link to ``page`` (e.g. "/id/verify") in the text part of a mail."""
    found = re.search(rf"https?://\S+{re.escape(page)}\?token=([A-Za-z0-9_.\-]+)", message.text)
    assert found, f"no {page} link in mail: {message.text}"
    return found.group(1)


@contextmanager
def transactions(services: Services) -> Iterator[list[str]]:
    """Records every transaction begun on the online database inside the block (one entry each,
    reads included), so a test can say how many one user action takes."""
    engine = services.db.online_engine
    assert engine is not None
    begun: list[str] = []

    def count(_conn: Any) -> None:
        begun.append("begin")

    event.listen(engine, "begin", count)
    try:
        yield begun
    finally:
        event.remove(engine, "begin", count)
