"""No dead end at prerequisite 9: its Fix link opens View › Users logged in, where a Super User logs
the other user out; the person's own earlier session never blocks; open pages keep a session live."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select, update

from models.local import User as LocalUser
from models.local import UserSession
from models.types import utcnow
from services.config import Settings
from services.container import build_services
from services.local.presence import HEARTBEAT_SECONDS
from services.secrets.passwords import hash_password
from tests.conftest import ADMIN_PASSWORD
from tests.services.local.licensing_factories import prepare_connectable_company
from tests.ui.test_connect_wizard import open_wizard
from tests.ui.test_login_and_companies import log_in


@pytest.fixture
def colleague_logged_in(app_env: Path) -> Path:
    """Before the app starts: a connectable company where Bob works, and the administrator's own
    session from a browser that was closed during the initial sync."""
    prepare_connectable_company(app_env)
    services = build_services(Settings(data_dir=app_env, computer_name="TEST-PC"))
    try:
        assert services.db.local is not None
        with services.db.local.begin() as s:
            s.add(
                LocalUser(
                    username="bob", full_name="Bob Bauer", password_hash=hash_password("Bob-Password-1")
                )
            )
        company_id = next(c.id for c in services.local.companies.list_companies() if c.name == "Müller GmbH")
        for username, password in (("bob", "Bob-Password-1"), ("admin", ADMIN_PASSWORD)):
            session = services.local.auth.login(username, password)
            services.local.auth.open_company(session.token, company_id)
    finally:
        services.db.dispose()
    return app_env


async def test_the_fix_link_of_row_9_leads_to_logging_the_colleague_out(
    colleague_logged_in: Path, user: User
) -> None:
    await open_wizard(user, colleague_logged_in)
    user.find(marker="wizard-next-prerequisites").click()  # Connect checks the prerequisites first
    await user.should_see(marker="prereq-fix-9")
    await user.should_see("Also logged in: Bob Bauer")  # the administrator's own closed session is not named
    user.find(marker="prereq-fix-9").click()
    await user.should_see("Users logged in")
    await user.should_see(marker="presence-user", content="Bob Bauer")
    await user.should_not_see(marker="presence-user", content="Administrator")
    user.find(marker="presence-logout").click()
    await user.should_see("Bob Bauer was logged out.")
    await user.should_see("Nobody else is logged in.")
    user.find(marker="menu.view").click()
    await user.should_see(marker="presence.menu")


async def test_an_open_page_reports_its_session_so_it_stays_live(app_env: Path, user: User) -> None:
    await log_in(user)
    await user.should_see("Company databases")
    assert user.client is not None
    timers = [e for e in user.client.elements.values() if isinstance(e, ui.timer)]
    reports = [t for t in timers if t.interval == HEARTBEAT_SECONDS]
    assert len(reports) == 1  # the page reports once a minute while NiceGUI keeps it connected
    services = build_services(Settings(data_dir=app_env, computer_name="TEST-PC"))
    assert services.db.local is not None
    try:
        four_minutes_ago = utcnow() - dt.timedelta(minutes=4)
        with services.db.local.begin() as s:
            s.execute(update(UserSession).values(last_seen_at=four_minutes_ago))
        with user.client:
            await reports[0].callback()  # type: ignore[misc]
        with services.db.local() as s:
            seen = s.scalar(select(UserSession.last_seen_at).where(UserSession.ended_at.is_(None)))
        assert seen is not None and seen > four_minutes_ago + dt.timedelta(minutes=3)
    finally:
        services.db.dispose()
