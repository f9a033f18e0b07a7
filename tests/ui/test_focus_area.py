"""The focus area "Online Desktop" through the `user` fixture, against a real Online Desktop process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from nicegui.testing import User
from sqlalchemy import select

import ui.local.focus_area
from models.local import Company, SyncConflict, SyncConnection, SyncState
from services.db import make_engine, make_session_factory
from tests.live_server import LiveServer
from tests.sealing import TEST_SEAL
from tests.ui.test_connect_wizard import ADDRESS, PASSWORD, online_server, ready
from tests.ui.test_login_and_companies import log_in

__all__ = ["online_server", "ready"]  # fixtures used by name

FOCUS = "/focus/online-desktop"


def local_sessions(data_dir: Path):  # type: ignore[no-untyped-def]
    return make_session_factory(make_engine(f"sqlite:///{data_dir / 'business.sqlite3'}"))


async def open_focus_area(user: User, data_dir: Path) -> int:
    with local_sessions(data_dir)() as s:
        company_id = s.scalars(select(Company.id).where(Company.name == "Müller GmbH")).one()
    await log_in(user)
    await user.should_see(marker=f"company-{company_id}")
    with user.scope(marker=f"company-{company_id}"):
        user.find("Open").click()
    await user.should_see(marker="tile-focus-online-desktop")
    user.find(marker="tile-focus-online-desktop").click()
    await user.should_see("Focus area")
    return company_id


async def test_log_in_with_the_online_id_and_open_the_online_desktop_through_a_single_use_link(
    online_server: LiveServer, ready: Path, user: User
) -> None:
    await open_focus_area(user, ready)
    await user.should_see(marker="focus-not-connected")
    await user.should_see(marker="focus-email")  # the login panel follows the status panel
    user.find(marker="focus-email").type(ADDRESS)
    user.find(marker="focus-password").type("not-the-password")
    user.find(marker="focus-log-in").click()
    await user.should_see("The e-mail address or password is wrong")
    await user.should_not_see(marker="focus-open")
    user.find(marker="focus-password").type(PASSWORD)
    user.find(marker="focus-log-in").click()
    await user.should_see(f"Logged in with the Online ID {ADDRESS}.")
    await user.should_see(marker="focus-open")

    opened = await user.http_client.get(ui.local.focus_area.OPEN_URL, follow_redirects=False)
    assert opened.status_code == 303
    location = opened.headers["location"]
    assert location.startswith(online_server.url + "/id/focus?token=") and PASSWORD not in location
    assert parse_qs(urlsplit(location).query)["next"] == ["/online"]  # not connected: the account list
    async with httpx.AsyncClient() as browser:
        first = await browser.get(location)
        assert first.status_code == 200 and "Opening the Online Desktop" in first.text
        again = await browser.get(location)
        assert "This link to the Online Desktop has already been used." in again.text
        assert "already been used" not in first.text
    second = await user.http_client.get(ui.local.focus_area.OPEN_URL, follow_redirects=False)
    assert second.headers["location"] != location  # every click gets a fresh link

    user.find(marker="focus-log-out").click()
    await user.should_see(marker="focus-log-in")
    refused = await user.http_client.get(ui.local.focus_area.OPEN_URL)
    assert "Log in with your Online ID in the focus area first." in refused.text


async def test_the_status_shows_connection_last_sync_and_recent_conflicts_and_updates_itself(
    online_server: LiveServer, ready: Path, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui.local.focus_area, "REFRESH_SECONDS", 0.3)
    sessions = local_sessions(ready)
    with sessions() as s:
        company_id = s.scalars(select(Company.id).where(Company.name == "Müller GmbH")).one()
    now = dt.datetime.now(dt.UTC)
    with sessions.begin() as s:
        s.add(
            SyncConnection(
                company_id=company_id,
                online_url=online_server.url,
                tenant_uuid="0190-tenant",
                sealed_token=TEST_SEAL.seal("secret"),
                connected_by=ADDRESS,
            )
        )
        s.add(
            SyncState(company_id=company_id, initial_status="done", last_push_at=now - dt.timedelta(hours=3))
        )
        for days in (1, 6, 8):  # the one of 8 days ago is no longer counted
            s.add(conflict(company_id, now - dt.timedelta(days=days)))
    await open_focus_area(user, ready)
    await user.should_see("3 hours ago")
    await user.should_see(ADDRESS)
    assert label(user, "focus-conflicts") == "2"
    await user.should_not_see(marker="focus-not-connected")

    with sessions.begin() as s:
        state = s.get(SyncState, company_id)
        assert state is not None
        state.last_pull_at = dt.datetime.now(dt.UTC)
        s.add(conflict(company_id, dt.datetime.now(dt.UTC)))
        link = s.get(SyncConnection, company_id)
        assert link is not None
        link.status = "needs_reconnect"
    await user.should_see("just now")  # no reload: the timer asked the status view
    await user.should_see("Reconnect needed")
    assert label(user, "focus-conflicts") == "3"


def conflict(company_id: int, at: dt.datetime) -> SyncConflict:
    row = SyncConflict(company_id=company_id, table_name="contacts", uuid="0190-c", field="name")
    row.business_value, row.online_value, row.resolution, row.created_at = "A", "B", "business_wins", at
    return row


def label(user: User, marker: str) -> str:
    [element] = user.find(marker=marker).elements
    return str(element.text)  # type: ignore[attr-defined]
