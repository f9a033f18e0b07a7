"""A scheduled initial synchronisation survives a crash of the program (PRODUCT.md S13).

The real server process (``main.py``, both sides) runs; the wizard's service connects the company
over its HTTP API with a start a little ahead. The process is then killed (SIGKILL: no shutdown
handler runs) and started again on the same port and data directory before the time comes; at
the time, the restarted process runs the initial synchronisation and every contact arrives.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company, SyncSchedule, SyncState
from models.online import OnlineContact, OnlineId
from services.config import Settings
from services.container import build_services
from services.db import make_engine, make_session_factory
from services.secrets.passwords import hash_password
from tests.conftest import ADMIN_PASSWORD
from tests.live_server import ServerFactory
from tests.services.local.licensing_factories import prepare_connectable_company

ADDRESS = "anna@mueller.example"
PASSWORD = "Wolken-Kratzer-Blau-8"
AHEAD = dt.timedelta(seconds=25)  # enough for a kill and a restart (a few seconds)


async def test_a_scheduled_start_runs_after_the_process_was_killed_and_restarted(
    start_server: ServerFactory, tmp_path: Path
) -> None:
    data_dir = tmp_path / "prepared"
    contacts = prepare_connectable_company(data_dir, contacts=60)
    server = start_server(data_dir=data_dir)  # the start is the restart that activates the add-on
    online = make_session_factory(make_engine(f"sqlite:///{data_dir / 'online.sqlite3'}"))
    with online.begin() as s:
        s.add(OnlineId(email=ADDRESS, password_hash=hash_password(PASSWORD), status="active"))

    client = build_services(
        Settings(data_dir=data_dir, role="local", computer_name="TEST-PC", online_url=server.url)
    )
    try:
        local = client.db.local
        assert local is not None
        with local() as s:
            company_id = s.scalars(select(Company.id).where(Company.name == "Müller GmbH")).one()
        session = client.local.auth.login("admin", ADMIN_PASSWORD)
        client.local.auth.open_company(session.token, company_id)
        wizard = client.local.connect_wizard
        login = await wizard.log_in(ADDRESS, password=PASSWORD)
        run_at = (dt.datetime.now(dt.UTC) + AHEAD).replace(microsecond=0)
        await wizard.run(
            company_id, user_id=session.user.id, session_token=session.token, login=login, run_at=run_at
        )
        client.local.auth.logout(session.token)
    finally:
        await client.stop()

    server.kill()
    restarted = start_server(data_dir=data_dir, port=server.port)
    assert dt.datetime.now(dt.UTC) < run_at, "the restart must come before the scheduled time"
    with local_sessions(data_dir)() as s:
        schedule = s.get(SyncSchedule, company_id)
        assert schedule is not None and (schedule.status, schedule.run_at) == ("scheduled", run_at)

    deadline = time.monotonic() + AHEAD.total_seconds() + 90
    initial = "pending"
    while time.monotonic() < deadline:
        with local_sessions(data_dir)() as s:
            state = s.get(SyncState, company_id)
            initial = state.initial_status if state else "pending"
        if initial == "done":
            break
        await asyncio.sleep(0.5)
    assert initial == "done", restarted.log()
    assert dt.datetime.now(dt.UTC) >= run_at  # not before its time
    with online() as s:
        synced = s.scalar(
            select(func.count()).select_from(OnlineContact).where(OnlineContact.deleted.is_(False))
        )
    assert synced == contacts > 0


def local_sessions(data_dir: Path) -> sessionmaker[Session]:
    return make_session_factory(make_engine(f"sqlite:///{data_dir / 'business.sqlite3'}"))
