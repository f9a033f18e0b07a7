"""The connection wizard through the `user` fixture, against a real Online Desktop process.

The Business Software runs in-process; the Online Desktop it connects to is a separate server
(``ONLINE_URL``), so every step talks to it over HTTP as it would in an installation.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from models.local import Company, SyncConnection, SyncSchedule
from models.online import OnlineId
from services.db import make_engine, make_session_factory
from services.secrets.passwords import hash_password
from tests.live_server import LiveServer, ServerFactory
from tests.services.local.licensing_factories import prepare_connectable_company
from tests.ui.test_licence_journey import seen
from tests.ui.test_login_and_companies import log_in

WIZARD = "/settings/online-desktop/connect"
ADDRESS = "anna@mueller.example"
PASSWORD = "Wolken-Kratzer-Blau-8"


@pytest.fixture
def online_server(start_server: ServerFactory, monkeypatch: pytest.MonkeyPatch) -> LiveServer:
    """The Online Desktop the in-process Business Software connects to (set before `user` starts)."""
    server = start_server("--role", "online")
    monkeypatch.setenv("ONLINE_URL", server.url)
    with make_session_factory(make_engine(f"sqlite:///{server.data_dir / 'online.sqlite3'}")).begin() as s:
        s.add(OnlineId(email=ADDRESS, password_hash=hash_password(PASSWORD), status="active"))
    return server


@pytest.fixture
def ready(app_env: Path) -> Path:
    """Prepared before `user` starts the app: the start activates the bound add-on."""
    prepare_connectable_company(app_env)
    return app_env


@pytest.fixture
def integration_open(app_env: Path) -> Path:
    prepare_connectable_company(app_env, open_integration=True)
    return app_env


def stepper(user: User) -> Any:
    return next(iter(user.find(kind=ui.stepper).elements))


async def reach(user: User, step: str) -> None:
    """Wait until the wizard shows ``step`` (a Next click may first ask the services)."""
    for _ in range(300):
        if stepper(user).value == step:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the wizard stayed at {stepper(user).value!r}, not {step!r}")


def set_value(user: User, marker: str, value: object) -> None:
    for element in user.find(marker=marker).elements:
        element.value = value  # type: ignore[attr-defined]


async def open_wizard(user: User, data_dir: Path) -> int:
    local = make_session_factory(make_engine(f"sqlite:///{data_dir / 'business.sqlite3'}"))
    with local() as s:
        company_id = s.scalars(select(Company.id).where(Company.name == "Müller GmbH")).one()
    await log_in(user)
    await user.should_see(marker=f"company-{company_id}")
    with user.scope(marker=f"company-{company_id}"):
        user.find("Open").click()
    await user.should_see(marker="tile-connect-online-desktop")
    user.find(marker="tile-connect-online-desktop").click()
    await user.should_see("Connection wizard")
    return company_id


async def test_connect_checks_first_and_stays_while_a_prerequisite_is_red(
    online_server: LiveServer, integration_open: Path, user: User
) -> None:
    await open_wizard(user, integration_open)
    await user.should_see("Click Connect: the system checks whether you can connect.")
    await user.should_not_see(marker="prereq-failed")  # nothing is checked before Connect
    user.find(marker="wizard-next-prerequisites").click()
    await user.should_see(marker="prereq-failed")
    await user.should_see("One prerequisite is not met.")
    await asyncio.sleep(0.3)
    assert stepper(user).value == "prerequisites"


async def test_a_scheduled_start_in_the_past_is_refused_and_a_future_one_is_stored(
    online_server: LiveServer, ready: Path, user: User
) -> None:
    company_id = await open_wizard(user, ready)
    for step, following in (("prerequisites", "connect"), ("connect", "service"), ("service", "online_id")):
        (await seen(user, f"wizard-next-{step}")).click()
        await reach(user, following)
    assert [b.enabled for b in user.find(marker="wizard-next-online_id").elements] == [False]  # type: ignore[attr-defined]
    set_value(user, "wizard-email", ADDRESS)
    user.find(marker="wizard-password").type(PASSWORD)
    user.find(marker="wizard-log-in").click()
    await user.should_see(f"Logged in as {ADDRESS}")
    user.find(marker="wizard-next-online_id").click()
    await reach(user, "registration")
    await user.should_see(marker="wizard-reg-registration_number", content="HRB 98765")
    user.find(marker="wizard-next-registration").click()
    await reach(user, "when")
    set_value(user, "wizard-when", "later")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    set_value(user, "wizard-date", yesterday.isoformat())
    user.find(marker="wizard-next-when").click()
    await user.should_see("The time is in the past.")
    await asyncio.sleep(0.2)
    assert stepper(user).value == "when"

    in_two_days = dt.date.today() + dt.timedelta(days=2)
    set_value(user, "wizard-date", in_two_days.isoformat())
    set_value(user, "wizard-time", "21:30")
    user.find(marker="wizard-next-when").click()
    await reach(user, "run")
    await user.should_see(ADDRESS)
    user.find(marker="wizard-run").click()
    await user.should_see("The company database is connected to Online Desktop.")
    await user.should_see("The initial synchronisation starts on")
    await user.should_see(marker="status-run-now")
    await user.should_see(marker="status-open-online")

    local = make_session_factory(make_engine(f"sqlite:///{ready / 'business.sqlite3'}"))
    with local() as s:
        schedule = s.get(SyncSchedule, company_id)
        connection = s.get(SyncConnection, company_id)
    expected = dt.datetime.combine(in_two_days, dt.time(21, 30)).astimezone()
    assert schedule is not None and schedule.status == "scheduled" and schedule.run_at == expected
    assert connection is not None and connection.connected_by == ADDRESS
    # Cancel the scheduled start: the connection stays, nothing syncs until Run now.
    (await seen(user, "status-cancel")).click()
    await user.should_see(marker="wizard-status-cancelled")
    await user.should_not_see(marker="status-cancel")

    with local.begin() as s:  # the scheduled time passed while the program was not running
        row = s.get(SyncSchedule, company_id)
        assert row is not None
        row.status, row.run_at = "missed", dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)

    # The desktop: the tile is the connection's state now, and the missed time is reported there.
    await user.open("/")
    await user.should_see(marker="tile-online-desktop-status")
    await user.should_not_see(marker="tile-connect-online-desktop")
    await user.should_see("Initial synchronisation of")  # … missed – run it now
    await user.should_see(marker="desktop-missed")
    await user.open("/focus/online-desktop")  # the focus area reports it too, with Run now
    await user.should_see(marker="focus-missed")
    await user.should_see("but the program was not running then")
    await user.should_see(marker="focus-run-now")
    await user.open(WIZARD)  # the wizard has nothing left to do: the connection's status instead
    await user.should_see(marker="wizard-already-connected")
    await user.should_not_see(marker="wizard-next-prerequisites")

    # Settings page: condition 11 reads "connected", not a red failure; the missed time with Run now.
    await user.open("/settings/online-desktop")
    await user.should_see(marker="od-status", content="Connected")
    await user.should_see(marker="prereq-connected")
    await user.should_see("This company database is connected to Online Desktop (by anna@mueller.example).")
    await user.should_see(marker="wizard-status-missed")
    (await seen(user, "status-run-now")).click()
    await user.should_see("The initial synchronisation starts in a few seconds.")
    with local() as s:
        again = s.get(SyncSchedule, company_id)
        assert again is not None and again.status == "scheduled"
    with local.begin() as s:  # the test does not wait for the sync: scheduled again, far ahead
        row = s.get(SyncSchedule, company_id)
        assert row is not None
        row.run_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)

    # Settings page › Disconnect: the connecting Online ID logs in again; the company is then free
    # to connect again (prerequisite 11 green) and nobody stands for a connection any more.
    await user.open("/settings/online-desktop")
    await user.should_see(marker="od-connected-by")
    (await seen(user, "od-action-disconnect")).click()
    await user.should_see(marker="od-disconnect-password")
    user.find(marker="od-disconnect-password").type("wrong-password")
    user.find(marker="od-disconnect-confirm").click()
    await user.should_see("The e-mail address or password is wrong, or the Online ID is not set up yet.")
    user.find(marker="od-disconnect-password").clear().type(PASSWORD)
    user.find(marker="od-disconnect-confirm").click()
    await user.should_see("The connection has been removed.")
    await user.should_see(marker="od-action-connect")
    await user.should_not_see(marker="od-connected-by")
    await user.should_not_see("Connected by")
    with local() as s:
        gone = s.get(SyncConnection, company_id)
        assert gone is not None and gone.status == "disconnected" and s.get(SyncSchedule, company_id) is None


async def walk_to_online_id(user: User) -> None:
    for step, following in (("prerequisites", "connect"), ("connect", "service"), ("service", "online_id")):
        (await seen(user, f"wizard-next-{step}")).click()
        await reach(user, following)


async def test_a_reload_returns_to_the_same_step_with_the_login_and_the_chosen_time(
    online_server: LiveServer, ready: Path, user: User
) -> None:
    await open_wizard(user, ready)
    await walk_to_online_id(user)
    set_value(user, "wizard-email", ADDRESS)
    user.find(marker="wizard-password").type(PASSWORD)
    user.find(marker="wizard-log-in").click()
    await user.should_see(f"Logged in as {ADDRESS}")
    user.find(marker="wizard-next-online_id").click()
    await reach(user, "registration")
    user.find(marker="wizard-next-registration").click()
    await reach(user, "when")
    set_value(user, "wizard-when", "later")
    in_three_days = dt.date.today() + dt.timedelta(days=3)
    set_value(user, "wizard-date", in_three_days.isoformat())
    set_value(user, "wizard-time", "20:15")
    user.find(marker="wizard-next-when").click()
    await reach(user, "run")

    await user.open(WIZARD)  # a reload
    await reach(user, "run")
    await user.should_see(ADDRESS)
    assert [e.value for e in user.find(marker="wizard-date").elements] == [in_three_days.isoformat()]  # type: ignore[attr-defined]
    (await seen(user, "wizard-back-run")).click()
    await reach(user, "when")
    user.find(marker="wizard-back-when").click()
    await reach(user, "registration")
    user.find(marker="wizard-back-registration").click()
    await reach(user, "online_id")
    await user.should_see(f"Logged in as {ADDRESS}")  # the login was kept, not the password
    assert [e.value for e in user.find(marker="wizard-password").elements] == [""]  # type: ignore[attr-defined]

    user.find(marker="wizard-cancel-online_id").click()  # Cancel: the next visit starts over
    await user.should_see(marker="od-status")
    await user.open(WIZARD)
    await asyncio.sleep(0.3)
    assert stepper(user).value == "prerequisites"


async def test_a_fix_link_offers_the_way_back_to_the_same_step_of_the_wizard(
    online_server: LiveServer, integration_open: Path, user: User
) -> None:
    await open_wizard(user, integration_open)
    user.find(marker="wizard-next-prerequisites").click()
    await user.should_see(marker="prereq-fix-8")
    user.find(marker="prereq-fix-8").click()
    await user.should_see("Back to the connection wizard")  # on the page the Fix link opened
    await user.should_see("You left the connection wizard to fix a prerequisite.")
    user.find(marker="wizard-return").click()
    await user.should_see("Connection wizard")
    await user.should_see(marker="prereq-failed")  # checked again on return, still at step 1
    assert stepper(user).value == "prerequisites"
    await user.open("/")
    await asyncio.sleep(0.3)
    await user.should_not_see("Back to the connection wizard")  # back in the wizard: offer ended
