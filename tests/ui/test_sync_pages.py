"""The sync history page and the initial-sync window, through the NiceGUI user fixture."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company, SyncCheckpoint, SyncConflict, SyncConnection, SyncRun, SyncSchedule
from services.config import Settings
from services.db import open_databases
from services.local.locks import InitialSyncLock
from services.sync.client.trace import trace_path
from tests.sealing import TEST_SEAL
from tests.ui.test_login_and_companies import log_in


@pytest.fixture
def local_db(app_env: Path) -> Iterator[sessionmaker[Session]]:
    db = open_databases(local_url=Settings(data_dir=app_env).local_db_url, online_url=None, migrate_now=False)
    assert db.local is not None
    yield db.local
    db.dispose()


async def open_new_company(user: User, sessions: sessionmaker[Session], name: str) -> int:
    await log_in(user)
    await user.should_see("Company databases")
    user.find("Create company database").click()
    user.find("Company name").type(name)
    user.find(marker="create-company").click()
    await user.should_not_see(marker="create-company", retries=100)
    await user.should_see(name)
    with sessions() as s:
        return s.scalars(select(Company.id).where(Company.name == name)).one()


def table_rows(user: User, marker: str) -> list[dict[str, Any]]:
    table = next(iter(user.find(marker=marker).elements))
    assert isinstance(table, ui.table)
    return list(table.rows)


def connect(sessions: sessionmaker[Session], company_id: int) -> None:
    with sessions.begin() as s:
        s.add(
            SyncConnection(
                company_id=company_id,
                online_url="http://online",
                tenant_uuid="t-1",
                sealed_token=TEST_SEAL.seal("secret"),
            )
        )


async def test_the_history_shows_runs_conflicts_and_offers_to_run_a_missed_schedule(
    user: User, local_db: sessionmaker[Session]
) -> None:
    company = await open_new_company(user, local_db, "Historie GmbH")
    now = dt.datetime.now(dt.UTC)
    connect(local_db, company)
    with local_db.begin() as s:
        s.add(
            SyncRun(
                company_id=company, kind="initial", status="ok", started_at=now, finished_at=now, rows_up=1234
            )
        )
        conflict = SyncConflict(company_id=company, table_name="contacts", uuid="0190-abc", field="name")
        conflict.business_value, conflict.online_value = "Lokal GmbH", "Online AG"
        conflict.resolution, conflict.created_at = "business_wins", now
        s.add(conflict)
        s.add(SyncSchedule(company_id=company, run_at=now - dt.timedelta(hours=2), status="missed"))

    await user.open("/sync/history")
    await user.should_see("Sync history")
    await user.should_see(marker="sync-trace")  # the page is complete
    runs = table_rows(user, "sync-runs")
    assert [(r["kind"], r["status"], r["rows_up"]) for r in runs] == [
        ("Initial synchronisation", "succeeded", "1,234")
    ]
    conflicts = table_rows(user, "sync-conflicts")
    assert [(c["field"], c["business_value"], c["online_value"], c["resolution"]) for c in conflicts] == [
        ("Name", "Lokal GmbH", "Online AG", "Business Software value kept")
    ]
    await user.should_see("passed while Business Software was not running")
    user.find(marker="sync-run-now").click()
    await user.should_see("The initial synchronisation starts in a few seconds.")
    with local_db() as s:
        schedule = s.get(SyncSchedule, company)
        assert schedule is not None and schedule.status == "scheduled" and schedule.run_at > now


async def test_every_page_is_covered_by_the_progress_window_while_the_initial_sync_runs(
    user: User, local_db: sessionmaker[Session]
) -> None:
    company = await open_new_company(user, local_db, "Fortschritt GmbH")
    now = dt.datetime.now(dt.UTC)
    connect(local_db, company)
    with local_db.begin() as s:
        started = now - dt.timedelta(seconds=10)
        s.add(SyncRun(company_id=company, kind="initial", status="running", started_at=started, rows_up=300))
        s.add(
            SyncCheckpoint(company_id=company, table_name="employees", rows_done=50, rows_total=50, done=True)
        )
        s.add(
            SyncCheckpoint(
                company_id=company, table_name="contacts", position=1, rows_done=250, rows_total=1000
            )
        )
    InitialSyncLock(local_db).acquire(company, "TEST-PC")

    await user.open("/sync/history")
    await user.should_see("Initial synchronisation in progress")
    await user.should_see("250 of 1,000 rows")
    await user.should_see("300 of 1,050 rows")
    await user.should_see("rows/s")
    await user.should_see("Time left")
    window = next(iter(user.find(marker="initial-sync-window").elements))
    assert isinstance(window, ui.dialog) and window.value

    InitialSyncLock(local_db).release(company)
    await user.should_not_see("Initial synchronisation in progress", retries=200)
    assert not window.value


async def test_the_trace_log_is_downloaded_as_written(
    user: User, local_db: sessionmaker[Session], app_env: Path
) -> None:
    company = await open_new_company(user, local_db, "Spur GmbH")
    connect(local_db, company)
    await user.open("/sync/history")
    await user.should_see(marker="sync-trace")
    user.find(marker="sync-trace").click()
    await user.should_see("No trace log yet.")
    path = trace_path(app_env, company)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("2026-11-28 03:00:00 INFO initial sync finished\n", encoding="utf-8")
    user.find(marker="sync-trace").click()
    response = await user.download.next(timeout=5)
    assert response.status_code == 200 and "initial sync finished" in response.text
