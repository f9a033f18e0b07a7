"""This process's writers of a SQLite file queue on one gate in front of BEGIN IMMEDIATE."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from services.db import make_engine, make_session_factory
from services.sync.client.db import write_tx
from services.write_gate import write_gate


def test_one_gate_per_file_and_none_for_other_databases(tmp_path: Path) -> None:
    a = make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    again = make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    b = make_engine(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    assert write_gate(a) is write_gate(again) is not write_gate(b)
    memory = write_gate(make_engine("sqlite://"))
    assert memory.enter() is False and memory.enter() is False  # never waits


def test_a_second_writer_waits_for_the_first_and_starts_when_it_commits(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    sessions = make_session_factory(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v INTEGER)"))
    gate = write_gate(engine)
    order: list[str] = []
    first_in = threading.Event()

    def first() -> None:
        with sessions.begin() as s:
            first_in.set()
            assert gate.busy
            s.execute(text("INSERT INTO t VALUES (1)"))
            time.sleep(0.2)
            order.append("first commits")

    def second() -> None:
        first_in.wait(5)
        with write_tx(engine) as conn:  # the sync agent's raw writer queues on the same gate
            order.append("second writes")
            conn.execute("INSERT INTO t VALUES (2)")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert order == ["first commits", "second writes"]
    assert not gate.busy  # both left the gate
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 2


def test_the_gate_is_left_after_a_rollback_and_a_nested_write_passes(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    sessions = make_session_factory(engine)
    gate = write_gate(engine)
    with pytest.raises(RuntimeError), sessions.begin():
        assert gate.enter() is False  # held by this thread: a nested writer does not queue
        raise RuntimeError("rolled back")
    assert not gate.busy
    with sessions() as s:  # reading sessions never queue
        s.execute(text("SELECT 1"))
        assert not gate.busy
