"""Which companies a process syncs: sync computer, schedule (survives restarts), lease."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from models.local import NetworkComputer, OnlineDesktopSettings, SyncConnection, SyncSchedule, SyncState
from services.container import Services
from services.sync.client.manager import SyncManager
from services.sync.client.status import SyncStatusService
from tests.sealing import TEST_SEAL
from tests.sync.local_helpers import create_company


@pytest.fixture
def local(services: Services) -> tuple[sessionmaker[Session], Engine]:
    assert services.db.local is not None and services.db.local_engine is not None
    return services.db.local, services.db.local_engine


def manager(engine: Engine, computer: str = "TEST-PC") -> SyncManager:
    return SyncManager(
        engine=engine, computer_name=computer, data_dir=None, http=lambda: None, lock=None, seal=TEST_SEAL
    )  # type: ignore[arg-type]


def connected_company(sessions: sessionmaker[Session], name: str = "Firma") -> int:
    company = create_company(sessions, name)
    with sessions.begin() as s:
        s.add(
            SyncConnection(
                company_id=company,
                online_url="http://online",
                tenant_uuid="t",
                sealed_token=TEST_SEAL.seal("x"),
            )
        )
    return company


def test_only_the_chosen_sync_computer_syncs_a_company(local: tuple[sessionmaker[Session], Engine]) -> None:
    sessions, engine = local
    default = connected_company(sessions, "Standard")
    chosen = connected_company(sessions, "Anderer Rechner")
    with sessions.begin() as s:
        s.add(NetworkComputer(name="SERVER-PC", hosts_system_database=True))
        s.add(OnlineDesktopSettings(company_id=chosen, sync_computer="test-pc"))
    assert [c.company_id for c in manager(engine)._candidates()] == [chosen]
    assert [c.company_id for c in manager(engine, "SERVER-PC")._candidates()] == [default]


def test_a_scheduled_initial_sync_waits_runs_when_due_and_a_missed_one_waits_for_run_now(
    local: tuple[sessionmaker[Session], Engine], services: Services
) -> None:
    sessions, engine = local
    now = dt.datetime.now(dt.UTC)
    future, due, missed = (connected_company(sessions, n) for n in ("Zukunft", "Fällig", "Verpasst"))
    status = services.local.sync_status
    assert isinstance(status, SyncStatusService)
    status.schedule_initial(future, now + dt.timedelta(hours=1))
    status.schedule_initial(due, now - dt.timedelta(seconds=1))
    status.schedule_initial(missed, now - dt.timedelta(hours=3))  # passed while no process ran

    m = manager(engine)
    ready = {c.company_id: m._ready(c) for c in m._candidates()}
    assert ready == {future: False, due: True, missed: False}
    assert status.overview(missed).schedule.status == "missed"  # type: ignore[union-attr]
    assert status.overview(due).schedule.status == "started"  # type: ignore[union-attr]

    status.run_now(missed)
    assert {c.company_id: m._ready(c) for c in m._candidates() if c.company_id == missed} == {missed: True}


def test_two_processes_never_hold_the_same_company_at_once(
    local: tuple[sessionmaker[Session], Engine],
) -> None:
    sessions, engine = local
    company = connected_company(sessions)
    first, second = manager(engine), manager(engine)
    assert first._lease(company) and first._lease(company)  # renewing is fine
    assert not second._lease(company)
    with sessions.begin() as s:
        s.execute(update(SyncState).values(lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert second._lease(company)  # the first one died: its lease expired


def test_a_schedule_is_kept_in_the_database(
    local: tuple[sessionmaker[Session], Engine], services: Services
) -> None:
    sessions, _engine = local
    company = connected_company(sessions)
    services.local.sync_status.schedule_initial(company, dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    with sessions() as s:
        stored = s.get(SyncSchedule, company)
    assert stored is not None and stored.status == "scheduled"
