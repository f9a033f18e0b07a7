"""The Business Software sync agent against the online API (in-process HTTP transport)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from models.local import Contact, SyncConflict, SyncConnection, SyncRun
from services.api.online.sync import sync_router
from services.container import Services
from services.local.locks import InitialSyncLock
from services.sync.client.agent import AgentOptions, SyncAgent, SyncStopped
from services.sync.client.http import SyncClient, encode
from services.sync.protocol.messages import PushResponse
from services.sync.server.service import SyncServer
from tests.sync.local_helpers import connect_company, create_company, fill, local_summary, online_summary

FAST = AgentOptions(page_rows=40, debounce=0.01, outbox_poll=0.02, long_poll=2.0, verify_every=3600)


class CountingTransport(httpx.AsyncBaseTransport):
    """Counts requests per path; can fail after a number of snapshot pages (simulated crash)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, fail_after_pages: int | None = None) -> None:
        self.inner, self.fail_after_pages = inner, fail_after_pages
        self.counts: dict[str, int] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.rsplit("/sync", 1)[-1]
        self.counts[path] = self.counts.get(path, 0) + 1
        if (
            path == "/snapshot/page"
            and self.fail_after_pages is not None
            and self.counts[path] > self.fail_after_pages
        ):
            raise asyncio.CancelledError("process killed")
        return await self.inner.handle_async_request(request)


@pytest.fixture
def local(services: Services) -> tuple[sessionmaker[Session], Engine]:
    assert services.db.local is not None and services.db.local_engine is not None
    return services.db.local, services.db.local_engine


@pytest.fixture
def online(services: Services) -> SyncServer:
    return services.online.sync_server


@pytest.fixture
async def make_agent(
    services: Services, local: tuple[sessionmaker[Session], Engine], online: SyncServer
) -> AsyncIterator[Callable[..., Any]]:
    app = FastAPI()
    app.include_router(sync_router(lambda: online, lambda: None))
    clients: list[httpx.AsyncClient] = []

    def build(company_id: int, token: str, tenant: str, fail_after_pages: int | None = None) -> SyncAgent:
        transport = CountingTransport(httpx.ASGITransport(app=app), fail_after_pages)
        http = httpx.AsyncClient(transport=transport)
        clients.append(http)
        agent = SyncAgent(
            engine=local[1],
            company_id=company_id,
            client=SyncClient(http, "http://online", token, tenant),
            trace=logging.getLogger("test.sync"),
            lock=InitialSyncLock(local[0]),
            holder="TEST-PC",
            options=FAST,
        )
        agent.transport = transport  # type: ignore[attr-defined]
        return agent

    yield build
    for http in clients:
        await http.aclose()


async def wait_for(check: Callable[[], bool], seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if await asyncio.to_thread(check):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached in time")


async def test_the_initial_sync_copies_every_register_and_both_sides_verify_equal(
    local: tuple[sessionmaker[Session], Engine], online: SyncServer, make_agent: Callable[..., SyncAgent]
) -> None:
    sessions, engine = local
    company = create_company(sessions)
    fill(sessions, company, contacts=60)
    created = connect_company(sessions, online, company)
    agent = make_agent(company, created.token, created.tenant_uuid)

    await agent.initial_sync()

    assert local_summary(engine, company) == online_summary(online, created.tenant_id)
    assert local_summary(engine, company)["contacts"][0] == 60
    assert await agent.verify() == dict.fromkeys(local_summary(engine, company), True)
    with sessions() as s:
        run = s.scalars(select(SyncRun).where(SyncRun.kind == "initial")).one()
    assert (run.status, run.rows_up) == ("ok", 60 * 5 + 8)
    assert not InitialSyncLock(sessions).is_held(company)


async def test_an_interrupted_initial_sync_resumes_after_the_last_acknowledged_page(
    local: tuple[sessionmaker[Session], Engine], online: SyncServer, make_agent: Callable[..., SyncAgent]
) -> None:
    sessions, engine = local
    company = create_company(sessions)
    fill(sessions, company, contacts=100)
    created = connect_company(sessions, online, company)
    crashing = make_agent(company, created.token, created.tenant_uuid, fail_after_pages=4)
    with pytest.raises(asyncio.CancelledError):
        await crashing.initial_sync()

    resumed = make_agent(company, created.token, created.tenant_uuid)
    await resumed.initial_sync()

    total_pages = crashing.transport.counts["/snapshot/page"] - 1 + resumed.transport.counts["/snapshot/page"]  # type: ignore[attr-defined]
    rows = sum(count for count, _sum in local_summary(engine, company).values())
    assert total_pages == sum(-(-n // 40) for n, _c in local_summary(engine, company).values())
    assert rows == 100 * 5 + 8
    assert local_summary(engine, company) == online_summary(online, created.tenant_id)


async def test_changes_flow_both_ways_without_echo(
    local: tuple[sessionmaker[Session], Engine], online: SyncServer, make_agent: Callable[..., SyncAgent]
) -> None:
    sessions, engine = local
    company = create_company(sessions)
    fill(sessions, company, contacts=5)
    created = connect_company(sessions, online, company)
    agent = make_agent(company, created.token, created.tenant_uuid)
    await agent.initial_sync()
    stop = asyncio.Event()
    running = asyncio.create_task(agent.continuous(stop))
    try:
        with sessions.begin() as s:
            s.add(Contact(company_id=company, name="Neu lokal"))
        await wait_for(lambda: online_summary(online, created.tenant_id)["contacts"][0] == 6)
        added = online.apply_online_change(
            created.tenant_id, table="contacts", uuid=None, fields={"name": "Neu online"}
        )
        await wait_for(lambda: _local_contact(sessions, added.uuid) is not None)
        await asyncio.sleep(0.2)
        with sessions() as s:
            assert s.execute(text("SELECT count(*) FROM sync_outbox")).scalar_one() == 0  # nothing echoed
        assert local_summary(engine, company) == online_summary(online, created.tenant_id)
    finally:
        stop.set()
        await running


async def test_the_same_field_edited_on_both_sides_keeps_the_local_value_and_logs_the_conflict(
    local: tuple[sessionmaker[Session], Engine], online: SyncServer, make_agent: Callable[..., SyncAgent]
) -> None:
    sessions, engine = local
    company = create_company(sessions)
    fill(sessions, company, contacts=3)
    created = connect_company(sessions, online, company)
    agent = make_agent(company, created.token, created.tenant_uuid)
    await agent.initial_sync()
    with sessions() as s:
        target = s.scalars(select(Contact).where(Contact.company_id == company).limit(1)).one()
    online.apply_online_change(
        created.tenant_id,
        table="contacts",
        uuid=target.uuid,
        fields={"name": "Online-Name", "city": "Hamburg"},
    )
    with sessions.begin() as s:
        s.execute(update(Contact).where(Contact.uuid == target.uuid).values(name="Lokaler Name"))

    await agent.push(await asyncio.to_thread(agent.store.next_batch, 100))
    page = (await agent.pull_once(agent.store.state().cursor)).answer
    await asyncio.to_thread(agent.store.apply_page, page, after=agent.store.state().cursor)

    row = _local_contact(sessions, target.uuid)
    assert row is not None and (row.name, row.city) == ("Lokaler Name", "Hamburg")
    with sessions() as s:
        conflict = s.scalars(select(SyncConflict)).one()
    assert (conflict.field, conflict.business_value, conflict.online_value) == (
        "name",
        "Lokaler Name",
        "Online-Name",
    )
    assert local_summary(engine, company) == online_summary(online, created.tenant_id)


async def test_a_refused_token_stops_the_sync_and_asks_to_reconnect(
    local: tuple[sessionmaker[Session], Engine], online: SyncServer, make_agent: Callable[..., SyncAgent]
) -> None:
    sessions, _engine = local
    company = create_company(sessions)
    created = connect_company(sessions, online, company)
    online.connections.revoke_connection(created.connection_id)
    agent = make_agent(company, created.token, created.tenant_uuid)
    with pytest.raises(SyncStopped):
        await agent.run(asyncio.Event())
    with sessions() as s:
        assert s.get(SyncConnection, company).status == "needs_reconnect"  # type: ignore[union-attr]


def _local_contact(sessions: sessionmaker[Session], uuid: str) -> Contact | None:
    with sessions() as s:
        return s.scalars(select(Contact).where(Contact.uuid == uuid)).one_or_none()


async def test_an_online_change_after_a_push_whose_answer_was_lost_is_not_overruled_by_the_stale_outbox(
    local: tuple[sessionmaker[Session], Engine], online: SyncServer, make_agent: Callable[..., SyncAgent]
) -> None:
    """Kill between the server's commit of a push and the client's acknowledgement; the online side
    then changes the same field again; the restarted client pulls before it pushes again."""
    sessions, engine = local
    company = create_company(sessions)
    fill(sessions, company, contacts=3)
    created = connect_company(sessions, online, company)
    agent = make_agent(company, created.token, created.tenant_uuid)
    await agent.initial_sync()
    with sessions() as s:
        target = s.scalars(select(Contact).where(Contact.company_id == company).limit(1)).one()
    with sessions.begin() as s:
        s.execute(update(Contact).where(Contact.uuid == target.uuid).values(phone="+49 1 lokal"))

    batch = await asyncio.to_thread(agent.store.next_batch, 100)
    body = agent.client.payload(mutations=[m.model_dump() for m in batch])
    await agent.client.post(
        "/push", body=encode(body), model=PushResponse
    )  # committed online; the answer is "lost"
    online.apply_online_change(
        created.tenant_id, table="contacts", uuid=target.uuid, fields={"phone": "+49 2 online danach"}
    )

    cursor = agent.store.state().cursor
    page = (await agent.pull_once(cursor)).answer
    assert page.applied_mutation_id >= batch[-1].id
    await asyncio.to_thread(agent.store.apply_page, page, after=cursor)
    assert await asyncio.to_thread(agent.store.next_batch, 100) == []  # the page acknowledged the push

    row = _local_contact(sessions, target.uuid)
    assert row is not None and row.phone == "+49 2 online danach"
    assert local_summary(engine, company) == online_summary(online, created.tenant_id)


@pytest.mark.parametrize("writer", ["session", "other_connection"])
async def test_a_local_commit_wakes_the_agent_at_once_without_polling_the_outbox(
    local: tuple[sessionmaker[Session], Engine],
    online: SyncServer,
    make_agent: Callable[..., SyncAgent],
    writer: str,
) -> None:
    """A commit through the program's sessions signals in-process; one from another connection (as
    from another process) is seen through SQLite's data_version. The outbox is not polled here."""
    sessions, engine = local
    company = create_company(sessions)
    created = connect_company(sessions, online, company)
    agent = make_agent(company, created.token, created.tenant_uuid)
    agent.options = AgentOptions(page_rows=40, outbox_poll=600.0, long_poll=2.0, verify_every=3600)
    await agent.initial_sync()
    stop = asyncio.Event()
    running = asyncio.create_task(agent.continuous(stop))
    try:
        await asyncio.sleep(0.3)  # the loops are waiting
        if writer == "session":
            with sessions.begin() as s:
                s.add(Contact(company_id=company, name="Sofort"))
        else:
            with sqlite3.connect(str(engine.url.database)) as raw:
                raw.execute(
                    "INSERT INTO contacts (company_id, uuid, number, name, kind, street, postal_code, city, "
                    "country, phone, email, website, notes, updated_at) VALUES (?, ?, 'X1', 'Sofort', "
                    "'company', '', '', '', '', '', '', '', '', '2024-01-01 00:00:00.000000')",
                    (company, str(uuid.uuid4())),
                )
        await wait_for(lambda: online_summary(online, created.tenant_id)["contacts"][0] == 1, seconds=5.0)
    finally:
        stop.set()
        await running
