"""Acceptance: a conflict made by editing the same field on both sides is shown on View › Sync history
with the record's name, the field's label, both values and who changed the online value, in English
and German; "Apply the online value after all" makes both databases hold it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select, update

from models.local import Contact, OnlineDesktopSettings
from models.online import OnlineContact
from services.api.online.sync import sync_router
from services.container import Services
from services.local.locks import InitialSyncLock
from services.sync.client.agent import AgentOptions, SyncAgent
from services.sync.client.http import SyncClient
from tests.sync.local_helpers import connect_company
from tests.ui.test_sync_pages import open_new_company, table_rows

FAST = AgentOptions(page_rows=40, debounce=0.01, outbox_poll=0.02, long_poll=0.5, verify_every=3600)


@pytest.fixture
async def http(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(sync_router(lambda: services.require_online().sync_server, lambda: None))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        yield client


async def _conflict_rows(
    user: User, check: Callable[[dict[str, Any]], bool] = lambda _row: True
) -> list[dict[str, Any]]:
    """The conflicts on screen, once they are loaded (and ``check`` holds for the first)."""
    for _ in range(100):
        try:
            rows = table_rows(user, "sync-conflicts")
        except StopIteration:
            rows = []
        if rows and check(rows[0]):
            return rows
        await asyncio.sleep(0.05)
    raise AssertionError("no conflicts shown")


async def _round_trip(agent: SyncAgent) -> None:
    """One push of what waits locally, then one pull (as the running agent does)."""
    batch = await asyncio.to_thread(agent.store.next_batch, 100)
    if batch:
        await agent.push(batch)
    cursor = (await asyncio.to_thread(agent.store.state)).cursor
    page = (await agent.pull_once(cursor)).answer
    await asyncio.to_thread(agent.store.apply_page, page, after=cursor)


async def test_a_conflict_reads_with_names_and_labels_and_the_online_value_can_be_applied(
    user: User, services: Services, http: httpx.AsyncClient
) -> None:
    local = services.db.local
    online = services.require_online().sync_server
    assert local is not None and services.db.local_engine is not None
    company = await open_new_company(user, local, "Konflikt GmbH")
    with local.begin() as s:
        s.add(OnlineDesktopSettings(company_id=company, sync_computer="ELSEWHERE"))  # this test runs the sync
    contact = services.local.registers.create_row(
        company, register="contacts", values={"name": "Bäckerei Schmidt", "phone": "1"}
    )
    created = connect_company(local, online, company)
    agent = SyncAgent(
        engine=services.db.local_engine,
        company_id=company,
        client=SyncClient(http, "http://online", created.token, created.tenant_uuid),
        trace=logging.getLogger("test.sync"),
        lock=InitialSyncLock(local),
        holder="TEST-PC",
        options=FAST,
    )
    await agent.initial_sync()
    online.apply_online_change(
        created.tenant_id, table="contacts", uuid=contact.uuid, fields={"phone": "0221 99"}, by="Anna Berg"
    )
    with local.begin() as s:  # the same field, changed here before the online change arrived
        s.execute(update(Contact).where(Contact.uuid == contact.uuid).values(phone="0221 55"))
    await _round_trip(agent)
    assert services.local.conflicts.count(company) == 1

    await user.open("/sync/history")
    await user.should_see(marker="sync-trace")
    (row,) = await _conflict_rows(user)
    assert (row["record"], row["field"], row["business_value"], row["online_value"]) == (
        "Contacts: Bäckerei Schmidt", "Phone", "0221 55", "0221 99",
    )  # fmt: skip
    assert row["online_by"].startswith("Anna Berg, ") and row["resolution"] == "Business Software value kept"

    await user.should_see(marker="sync-trace")  # the page is complete
    user.find(kind=ui.table, marker="sync-conflicts").trigger("rowClick", [None, {"id": row["id"]}])
    await user.should_see(marker="conflict-apply")
    user.find(marker="conflict-apply").click()
    await user.should_see("The online value was applied and is being synchronised.")
    await _round_trip(agent)
    with local() as s:
        assert s.scalars(select(Contact.phone).where(Contact.uuid == contact.uuid)).one() == "0221 99"
    assert services.db.online is not None
    with services.db.online() as s:
        assert (
            s.scalars(select(OnlineContact.phone).where(OnlineContact.uuid == contact.uuid)).one()
            == "0221 99"
        )
    await _conflict_rows(user, lambda r: r["resolution"].startswith("Online value applied afterwards on"))

    switch = user.find(marker="language").elements.pop()
    assert user.client is not None
    with user.client:
        switch.set_value("de")
    await user.open("/sync/history")
    await user.should_see("Synchronisierungshistorie")
    (row,) = await _conflict_rows(user)
    assert (row["record"], row["field"], row["business_value"], row["online_value"]) == (
        "Kontakte: Bäckerei Schmidt", "Telefon", "0221 55", "0221 99",
    )  # fmt: skip
    assert row["resolution"].startswith("Online-Wert nachträglich übernommen am")
