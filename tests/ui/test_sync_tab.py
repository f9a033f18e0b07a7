"""Company settings › Online Desktop › Sync: computer, state, chart of rows per day and run history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from models.local import Company, SyncConflict, SyncConnection, SyncDay, SyncRun, SyncState
from tests.sealing import TEST_SEAL
from tests.ui.test_connect_wizard import ready
from tests.ui.test_focus_area import local_sessions
from tests.ui.test_login_and_companies import log_in

__all__ = ["ready"]  # fixture used by name


async def open_sync_tab(user: User, data_dir: Path, company_id: int) -> None:
    await log_in(user)
    await user.should_see(marker=f"company-{company_id}")
    with user.scope(marker=f"company-{company_id}"):
        user.find("Open").click()
    await user.should_see(marker="tile-focus-online-desktop")
    await user.open("/settings/online-desktop?tab=sync")
    await user.should_see(marker="sync-tab-runs")


def only(user: User, marker: str) -> Any:
    [element] = user.find(marker=marker).elements
    return element


async def test_the_sync_tab_shows_state_chart_and_history_in_words(ready: Path, user: User) -> None:
    sessions = local_sessions(ready)
    with sessions() as s:
        company = s.scalars(select(Company.id).where(Company.name == "Müller GmbH")).one()
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    with sessions.begin() as s:
        s.add(
            SyncConnection(
                company_id=company,
                online_url="http://online",
                tenant_uuid="t-1",
                sealed_token=TEST_SEAL.seal("x"),
                connected_by="anna@mueller.example",
            )
        )
        s.add(SyncState(company_id=company, initial_status="done", last_pull_at=now - dt.timedelta(hours=2)))
        start = now - dt.timedelta(days=1)
        s.add_all(
            [
                SyncRun(
                    company_id=company,
                    kind="initial",
                    status="ok",
                    started_at=start,
                    finished_at=start + dt.timedelta(minutes=3, seconds=20),
                    rows_up=1508,
                    bytes_up=2_400_000,
                ),
                SyncRun(
                    company_id=company,
                    kind="verify",
                    status="mismatch",
                    started_at=start + dt.timedelta(hours=1),
                    finished_at=start + dt.timedelta(hours=1, seconds=2),
                    error="contacts, products",
                ),
                SyncRun(
                    company_id=company,
                    kind="continuous",
                    status="failed",
                    started_at=start + dt.timedelta(hours=2),
                    finished_at=start + dt.timedelta(hours=3),
                    error="sync.needs_reconnect",
                ),
                SyncRun(company_id=company, kind="continuous", status="running", started_at=now, rows_down=4),
            ]
        )
        s.add(SyncDay(company_id=company, day=(today - dt.timedelta(days=1)).isoformat(), rows_up=1508))
        s.add(SyncDay(company_id=company, day=today.isoformat(), rows_up=3, rows_down=4))
        conflict = SyncConflict(company_id=company, table_name="contacts", uuid="u-1", field="name")
        conflict.business_value, conflict.online_value, conflict.resolution = "A", "B", "business_wins"
        s.add(conflict)

    await open_sync_tab(user, ready, company)

    assert only(user, "sync-tab-conflicts").text == "1"
    assert only(user, "sync-tab-next-run").text == "All the time – changes are synchronised as they happen"
    assert only(user, "sync-tab-last-sync").text == "2 hours ago"
    await user.should_not_see(marker="sync-interval")
    chart = only(user, "sync-chart")
    assert isinstance(chart, ui.echart)
    up, down = chart.options["series"]
    assert len(up["data"]) == 30 and up["data"][-2:] == [1508, 3] and down["data"][-1] == 4
    table = only(user, "sync-tab-runs")
    rows = {(r["kind"], r["status"]): r for r in table.rows}
    initial = rows[("Initial synchronisation", "succeeded")]
    assert (initial["duration"], initial["rows_up"], initial["bytes"]) == ("3 min", "1,508", "2.3 MB")
    assert rows[("Verification", "difference found")]["error"] == "Differences found in: Contacts, Products"
    failed = rows[("Continuous synchronisation", "failed")]["error"]
    assert failed.startswith("The Online Desktop ref") and "sync." not in failed
    running = rows[("Continuous synchronisation", "running")]
    assert (running["duration"], running["error"], running["rows_down"]) == ("still running", "", "4")
