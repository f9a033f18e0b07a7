"""Rows synchronised per day and the words for how a run ended (the Sync tab)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Contact, SyncDay
from services.clock import FrozenClock
from services.sync.client.activity import Outcome, SyncActivity, run_outcome
from services.sync.client.agent import SyncAgent
from services.sync.server.service import SyncServer
from tests.sync.client.test_agent import local, make_agent, online, wait_for
from tests.sync.local_helpers import connect_company, create_company, fill

__all__ = ["local", "make_agent", "online"]  # fixtures used by name


async def test_rows_sent_and_received_are_counted_per_day(
    local: tuple[sessionmaker[Session], Engine], online: SyncServer, make_agent: Callable[..., SyncAgent]
) -> None:
    sessions, _engine = local
    company = create_company(sessions)
    fill(sessions, company, contacts=10)
    created = connect_company(sessions, online, company)
    agent = make_agent(company, created.token, created.tenant_uuid)
    await agent.initial_sync()

    def today() -> SyncDay | None:
        with sessions() as s:
            return s.scalars(select(SyncDay).where(SyncDay.company_id == company)).first()

    first = today()
    assert first is not None and first.day == dt.datetime.now(dt.UTC).date().isoformat()
    assert first.rows_up == 10 * 5 + 8 and first.rows_down == 0  # the whole snapshot went up
    stop = asyncio.Event()
    running = asyncio.create_task(agent.continuous(stop))
    try:
        with sessions.begin() as s:
            s.add(Contact(company_id=company, name="Neu lokal"))
        online.apply_online_change(
            created.tenant_id, table="contacts", uuid=None, fields={"name": "Neu online"}
        )
        # Both new contacts moved: the local one up (or, when the pull that carries it back comes
        # first, counted once as received), the online one down.
        await wait_for(
            lambda: (d := today()) is not None and d.rows_up + d.rows_down >= 60 and d.rows_down >= 1
        )
    finally:
        stop.set()
        await running
    series = SyncActivity(sessions).rows_per_day(company)
    assert len(series) == 30 and series[-1].rows_up + series[-1].rows_down >= 60
    assert all(d.rows_up == d.rows_down == 0 for d in series[:-1])


def test_the_chart_has_every_day_even_without_sync(local: tuple[sessionmaker[Session], Engine]) -> None:
    sessions, _engine = local
    company = create_company(sessions)
    clock = FrozenClock(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    with sessions.begin() as s:
        s.add(SyncDay(company_id=company, day="2026-11-28", rows_up=5, rows_down=7))
        s.add(SyncDay(company_id=company, day="2026-10-01", rows_up=99, rows_down=99))  # too old
    series = SyncActivity(sessions, clock).rows_per_day(company, days=7)
    assert series[0].day == dt.date(2026, 11, 25) and series[-1].day == dt.date(2026, 12, 1)
    assert [(d.rows_up, d.rows_down) for d in series] == [(0, 0)] * 3 + [(5, 7)] + [(0, 0)] * 3


def test_a_run_ends_in_words_never_in_raw_text() -> None:
    assert run_outcome(kind="verify", status="mismatch", error="contacts, products") == Outcome(
        key="sync.outcome.mismatch", tables=("contacts", "products")
    )
    assert run_outcome(kind="resync", status="ok", error="contacts").key == "sync.outcome.resynced"
    assert run_outcome(kind="continuous", status="interrupted", error="stopped").key == "sync.outcome.stopped"
    assert run_outcome(kind="initial", status="interrupted", error="").key == "sync.outcome.stopped"
    assert run_outcome(kind="continuous", status="failed", error="sync.needs_reconnect").key == (
        "sync.needs_reconnect"
    )
    raw = run_outcome(kind="initial", status="failed", error="ConnectError: [Errno 111] refused")
    assert raw == Outcome(key="sync.outcome.failed")
    assert run_outcome(kind="continuous", status="ok", error="").key == ""
    assert run_outcome(kind="continuous", status="running", error="").key == ""
