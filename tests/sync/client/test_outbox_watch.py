"""One read of every company's outbox head per commit wakes only the push loops that have work."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from models.local import Contact
from services.sync.client.outbox_watch import _watches, outbox_watch
from services.sync.server.service import SyncServer
from tests.sync.client.test_agent import local, online
from tests.sync.local_helpers import connect_company, create_company, fill

__all__ = ["local", "online"]  # fixtures used by name


async def test_a_commit_wakes_the_company_whose_outbox_got_an_entry_and_not_the_others(
    local: tuple[sessionmaker[Session], Engine], online: SyncServer
) -> None:
    sessions, engine = local
    companies = [create_company(sessions, f"Firma {i}") for i in range(2)]
    for company in companies:
        fill(sessions, company, contacts=2)
        connect_company(sessions, online, company)
    busy, quiet = companies
    watch = outbox_watch(engine)
    with watch.listen(busy) as woken, watch.listen(quiet) as other:
        await asyncio.sleep(0.05)  # the watch listens for commits
        with sessions.begin() as s:
            s.execute(update(Contact).where(Contact.company_id == busy).values(city="Hamm"))
        await asyncio.wait_for(woken.wait(), 5)
        await asyncio.sleep(0.1)  # the same read decided for the other company
        assert not other.is_set()
    assert not _watches  # the last listener ends the watch
