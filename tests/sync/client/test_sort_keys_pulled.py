"""Contacts that arrive from the Online Desktop get their sort key in Business Software too, and
contacts sent up get theirs online: both lists sort "Ärger" before "Bärer" before "Buchholz"."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from models.collation import sort_key
from models.local import Contact
from models.online import OnlineContact
from services.sync.client.agent import SyncAgent
from services.sync.server.service import SyncServer
from tests.sync.client.test_agent import local, make_agent, online, wait_for
from tests.sync.local_helpers import connect_company, create_company

__all__ = ["local", "make_agent", "online"]  # fixtures, used by name


async def test_pulled_and_pushed_contacts_carry_their_sort_keys_on_both_sides(
    local: tuple[sessionmaker[Session], Engine], online: SyncServer, make_agent: Callable[..., SyncAgent]
) -> None:
    sessions, _engine = local
    company = create_company(sessions)
    with sessions.begin() as s:
        s.add_all([Contact(company_id=company, name="Buchholz"), Contact(company_id=company, name="Bärer")])
    created = connect_company(sessions, online, company)
    agent = make_agent(company, created.token, created.tenant_uuid)
    await agent.initial_sync()
    stop = asyncio.Event()
    running = asyncio.create_task(agent.continuous(stop))
    try:
        arrived = online.apply_online_change(
            created.tenant_id, table="contacts", uuid=None, fields={"name": "Ärger"}
        )
        await wait_for(lambda: _local_names(sessions, company).get("Ärger") is not None)
        renamed = online.apply_online_change(
            created.tenant_id, table="contacts", uuid=arrived.uuid, fields={"name": "Öhm"}
        )
        assert renamed.uuid == arrived.uuid
        await wait_for(lambda: "Öhm" in _local_names(sessions, company))
    finally:
        stop.set()
        await running
    here = _local_names(sessions, company)
    assert set(here) == {"Buchholz", "Bärer", "Öhm"}
    assert all(key == sort_key(name) for name, key in here.items())
    with online._sessions() as s:
        there = dict(s.execute(select(OnlineContact.name, OnlineContact.name_sort)).all())
    assert there == here


def _local_names(sessions: sessionmaker[Session], company: int) -> dict[str, str]:
    with sessions() as s:
        rows = s.execute(select(Contact.name, Contact.name_sort).where(Contact.company_id == company)).all()
    return {name: key for name, key in rows}
