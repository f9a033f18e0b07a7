"""Write transactions on SQLite wait for each other instead of failing with "database is locked"."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from models.local import Company
from services.container import Services


def test_a_read_then_write_transaction_survives_a_concurrent_writer(services: Services) -> None:
    sessions = services.db.local
    assert sessions is not None
    errors: list[Exception] = []
    read_done = threading.Event()

    def other_writer() -> None:
        read_done.wait()
        try:
            with sessions.begin() as s:
                s.add(Company(name="B"))
        except Exception as exc:  # pragma: no cover - the failure this test guards against
            errors.append(exc)

    thread = threading.Thread(target=other_writer)
    thread.start()
    with sessions.begin() as s:
        before = s.scalar(select(func.count(Company.id)))
        read_done.set()
        time.sleep(0.3)  # the other writer tries to commit meanwhile
        s.add(Company(name="A"))
    thread.join(10)
    with sessions() as s:
        names = set(s.scalars(select(Company.name)))
    assert errors == []
    assert {"A", "B"} <= names and before is not None
