"""The time of the last successful exchange is recorded also when a pull brought nothing new."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.local import SyncState
from services.sync.client.agent import SyncAgent
from services.sync.server.service import SyncServer
from tests.sync.client.test_agent import local, make_agent, online, wait_for
from tests.sync.local_helpers import connect_company, create_company, fill

__all__ = ["local", "make_agent", "online"]  # fixtures used by name


async def test_an_empty_pull_still_records_the_time_of_the_last_exchange(
    local: tuple[sessionmaker[Session], Engine], online: SyncServer, make_agent: Callable[..., SyncAgent]
) -> None:
    sessions, _engine = local
    company = create_company(sessions)
    fill(sessions, company, contacts=3)
    created = connect_company(sessions, online, company)
    agent = make_agent(company, created.token, created.tenant_uuid)
    await agent.initial_sync()
    with sessions.begin() as s:
        state = s.get(SyncState, company)
        assert state is not None
        state.last_pull_at = None

    def exchanged() -> bool:
        with sessions() as s:
            row = s.get(SyncState, company)
            return row is not None and row.last_pull_at is not None

    stop = asyncio.Event()
    running = asyncio.create_task(agent.continuous(stop))
    try:
        await wait_for(exchanged, seconds=8.0)  # the long poll (2 s here) ends with nothing new
    finally:
        stop.set()
        await running
