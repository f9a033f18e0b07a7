"""Every list shows its count and page buttons from the first page on, with the pager in the user's
language: Quasar's report of its pagination when the table mounts (which may arrive after the
first page did) does not wipe the total the server told."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from nicegui import ui
from nicegui.testing import User
from sqlalchemy.orm import Session, sessionmaker

from models.local import SyncRun
from services.container import Services
from tests.services.local.registers_factories import add
from tests.ui.registers_helpers import company_id, open_new_company, table, wait_for_rows
from tests.ui.test_online_id_pages import log_in as online_log_in
from tests.ui.test_online_workspace_pages import PASSWORD, account, online_side
from tests.ui.test_sync_pages import connect, local_db
from tests.ui.test_sync_pages import open_new_company as open_company_with_db

__all__ = ["local_db"]  # the fixture, used here by name

# What Quasar's table emits once on mounting, before the browser has had the first page.
MOUNT_REPORT = {"sortBy": "number", "descending": False, "page": 1, "rowsPerPage": 25, "rowsNumber": 0}


def quasar_mounts(user: User, report: dict[str, Any]) -> None:
    user.find(kind=ui.table, marker="register-table").trigger("update:pagination", report)


def choose_german(user: User) -> None:
    switch = user.find(marker="language").elements.pop()
    assert user.client is not None
    with user.client:
        switch.set_value("de")


async def test_the_total_of_a_register_survives_the_report_quasar_sends_when_it_mounts(
    user: User, services: Services
) -> None:
    await open_new_company(user)
    company = company_id(services)
    for i in range(30):
        add(services, company, "products", number=f"P{i:02d}", name=f"Artikel {i}", price="1.00")
    await user.open("/registers/products")
    await wait_for_rows(user, lambda rows: len(rows) == 25)
    assert table(user).pagination["rowsNumber"] == 30

    quasar_mounts(user, MOUNT_REPORT)

    assert table(user).pagination == {
        "page": 1, "rowsPerPage": 25, "sortBy": "number", "descending": False, "rowsNumber": 30
    }  # fmt: skip


async def test_the_pager_speaks_german_with_german_digit_grouping(user: User, services: Services) -> None:
    await open_new_company(user)
    choose_german(user)
    await user.open("/registers/contacts")
    await user.should_see(marker="register-table")
    props = table(user).props
    assert props["rows-per-page-label"] == "Einträge pro Seite"
    assert props["no-data-label"] == "Keine Einträge"
    label = props[":pagination-label"]
    assert '"de-DE"' in label and json.dumps("{first}–{last} von {total}") in label


async def test_an_online_list_keeps_its_total_and_speaks_english(user: User, app_env: Path) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    mine = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.1)
    services.db.dispose()
    await online_log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-company", content="Müller GmbH")
    await user.open(f"/online/c/{mine.tenant_uuid}/contacts")
    await user.should_see("Entries: 30")
    quasar_mounts(user, {**MOUNT_REPORT, "sortBy": "name"})
    assert table(user).pagination["rowsNumber"] == 30
    label = table(user).props[":pagination-label"]
    assert '"en-US"' in label and json.dumps("{first}–{last} of {total}") in label
    assert table(user).props["rows-per-page-label"] == "Rows per page"


async def test_the_sync_history_pages_with_the_translated_pager(
    user: User, local_db: sessionmaker[Session]
) -> None:
    company = await open_company_with_db(user, local_db, "Historie GmbH")
    connect(local_db, company)
    now = dt.datetime.now(dt.UTC)
    with local_db.begin() as s:
        s.add_all(
            SyncRun(company_id=company, kind="push", status="ok", started_at=now, finished_at=now)
            for _ in range(25)
        )
    choose_german(user)
    await user.open("/sync/history")
    await user.should_see(marker="sync-runs")
    runs = next(iter(user.find(marker="sync-runs").elements))
    assert isinstance(runs, ui.table) and runs.props["rows-per-page-label"] == "Einträge pro Seite"
    assert json.dumps("{first}–{last} von {total}") in runs.props[":pagination-label"]
