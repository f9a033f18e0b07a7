"""The Online Desktop of a company account through the `user` fixture: header with the S16 notice,
module tiles by role, the contacts list, and no way into another company's pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nicegui import ui
from nicegui.testing import User
from sqlalchemy import Engine, event, update

from models.online import Connection, Membership, OnlineId
from services.config import Settings
from services.container import Services, build_services
from services.secrets.passwords import hash_password
from services.sync.protocol.messages import CompanyInfo
from services.sync.server.connections import ConnectionCreated
from tests.ui.registers_helpers import table, table_rows
from tests.ui.test_online_id_pages import log_in

PASSWORD = "Blue-Tomato-Sunrise-7"


def online_side(data_dir: Path) -> Services:
    return build_services(Settings(data_dir=data_dir, role="online"))


def account(
    services: Services, email: str, name: str, *, hours_since_sync: float | None
) -> ConnectionCreated:
    """An Online ID (password PASSWORD) that is Super User of a new company account with contacts."""
    assert services.db.online is not None
    with services.db.online.begin() as s:
        row = OnlineId(
            email=email, password_hash=hash_password(PASSWORD), status="active", full_name="Anna Berg"
        )
        s.add(row)
        s.flush()
        owner = row.id
    created = services.online.sync_server.connections.create_connection(
        online_id_id=owner, company=CompanyInfo(name=name)
    )
    for i in range(30):
        services.online.sync_server.apply_online_change(
            created.tenant_id,
            table="contacts",
            uuid=None,
            fields={"name": f"{name} Kunde {i:02d}", "city": "Ulm"},
        )
    if hours_since_sync is not None:
        with services.db.online.begin() as s:
            s.execute(
                update(Connection)
                .where(Connection.tenant_id == created.tenant_id)
                .values(last_round_trip_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours_since_sync))
            )
    return created


async def test_the_company_opens_with_the_time_since_the_last_sync_under_the_user_name(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    mine = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=3)
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-company", content="Müller GmbH")
    await user.should_see(marker="online-stale", content="Last synchronised 3 hours ago")
    await user.should_see("Super User")
    user.find(marker="online-tile-contacts").click()
    await user.should_see("Entries: 30")
    names = [row["name"] for row in table_rows(user)]
    assert names == [f"Müller GmbH Kunde {i:02d}" for i in range(25)]  # first page, sorted by name
    user.find(marker="search").type("Kunde 17")
    await user.should_see("Entries: 1")
    assert [row["name"] for row in table_rows(user)] == ["Müller GmbH Kunde 17"]
    switch = user.find(marker="language").elements.pop()
    assert user.client is not None
    with user.client:
        switch.set_value("de")
    await user.open(f"/online/c/{mine.tenant_uuid}")
    await user.should_see(marker="online-stale", content="Zuletzt synchronisiert vor 3 Stunden")


async def test_the_company_page_opens_with_the_login_check_and_one_call_for_all_its_tiles(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    mine = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.2)
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-company", content="Müller GmbH")
    begun: list[object] = []

    def count(conn: object) -> None:
        begun.append(conn)

    event.listen(Engine, "begin", count)  # every engine of the in-process app
    try:
        await user.open(f"/online/c/{mine.tenant_uuid}")
        await user.should_see(marker="online-tile-users")
    finally:
        event.remove(Engine, "begin", count)
    # who is logged in; header, companies and access for every tile; the dashboard's one call, which
    # loads after the tiles and may not have begun yet (later, the page's timers read on their own)
    assert len(begun) in (2, 3)


async def test_a_recent_sync_shows_no_notice_and_other_companies_stay_closed(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.2)
    foreign = account(services, "ben@example.com", "Schmidt KG", hours_since_sync=None)
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-company", content="Müller GmbH")
    await user.should_see(marker="online-tile-users")
    await user.should_not_see(marker="online-stale")
    await user.open(f"/online/c/{foreign.tenant_uuid}/contacts")
    await user.should_see("This company account does not exist or you have no access to it.")
    await user.should_not_see(marker="register-table")


async def test_a_read_only_member_sees_contacts_but_not_the_user_administration(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    mine = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.1)
    assert services.db.online is not None
    with services.db.online.begin() as s:
        reader = OnlineId(email="leo@example.com", password_hash=hash_password(PASSWORD), status="active")
        s.add(reader)
        s.flush()
        s.add(Membership(tenant_id=mine.tenant_id, online_id_id=reader.id, role="read_only"))
    services.db.dispose()
    await log_in(user, "leo@example.com", PASSWORD)
    await user.should_see(marker="online-tile-contacts")
    await user.should_see("Read-only")
    await user.should_not_see(marker="online-tile-users")


async def test_the_other_registers_are_listed_read_only_with_formatted_values(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    mine = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.1)
    server = services.online.sync_server
    server.apply_online_change(
        mine.tenant_id,
        table="products",
        uuid=None,
        fields={"number": "P-1", "name": "Schraube", "price": "1234.5"},
    )
    server.apply_online_change(
        mine.tenant_id, table="employees", uuid=None, fields={"last_name": "Berg", "position": "Vertrieb"}
    )
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-tile-products")
    user.find(marker="online-tile-products").click()
    await user.should_see("Entries: 1")
    assert [(r["number"], r["name"], r["price"]) for r in table_rows(user)] == [
        ("P-1", "Schraube", "€1,234.50")
    ]
    await user.should_not_see(marker="online-new")  # products are maintained in Business Software
    await user.open(f"/online/c/{mine.tenant_uuid}/employees")
    await user.should_see("Entries: 1")
    assert [c["label"] for c in table(user).columns][:3] == ["Last name", "First name", "Job title"]
    assert [(r["last_name"], r["position"]) for r in table_rows(user)] == [("Berg", "Vertrieb")]


async def test_a_contact_opens_with_its_persons_and_an_edit_is_saved(user: User, app_env: Path) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.1)
    first = "Müller GmbH Kunde 00"  # the first row when sorted by name
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-tile-contacts")
    user.find(marker="online-tile-contacts").click()
    await user.should_see("Entries: 30")
    user.find(kind=ui.table, marker="register-table").trigger("rowClick", [None, {"id": 0}])
    await user.should_see(marker="field-name")
    assert [e.value for e in user.find(marker="field-name").elements] == [first]  # type: ignore[attr-defined]
    await user.should_see("Contact persons (0)")
    user.find(marker="field-city").clear().type("Ravensburg")
    user.find(marker="save").click()
    await user.should_see("Saved. Business Software receives the change with the next synchronisation.")
    cities = {row["name"]: row["city"] for row in table_rows(user)}
    assert cities[first] == "Ravensburg"


async def test_an_activity_is_created_online_and_a_wrong_end_is_refused_under_its_field(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    mine = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.1)
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-tile-activities")
    await user.open(f"/online/c/{mine.tenant_uuid}/activities")
    await user.should_see("Entries: 0")
    user.find(marker="online-new").click()
    await user.should_see(marker="field-subject")
    user.find(marker="field-subject").type("Messe vorbereiten")
    start = next(iter(user.find(marker="field-start_at").elements)).value  # type: ignore[attr-defined]
    for element in user.find(marker="field-end_at").elements:
        element.value = "2020-01-01T08:00"  # type: ignore[attr-defined]
    user.find(marker="save").click()
    await user.should_see("Please check the highlighted fields.")
    assert [e.error for e in user.find(marker="field-end_at").elements] == ["The end is before the start"]  # type: ignore[attr-defined]
    for element in user.find(marker="field-end_at").elements:
        element.value = None  # type: ignore[attr-defined]
    user.find(marker="save").click()
    await user.should_see("Saved. Business Software receives the change with the next synchronisation.")
    await user.should_see("Entries: 1")
    assert [row["subject"] for row in table_rows(user)] == ["Messe vorbereiten"]
    assert start


async def test_the_calendar_shows_a_week_of_activities_and_moves_by_weeks(user: User, app_env: Path) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    mine = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.1)
    zone = dt.datetime.now().astimezone().tzinfo
    for day, hour, subject in ((2, 9, "Montag früh"), (6, 15, "Freitag spät"), (9, 10, "Nächste Woche")):
        start = dt.datetime(2030, 12, day, hour, tzinfo=zone)  # 2 December 2030 is a Monday
        services.online.sync_server.apply_online_change(
            mine.tenant_id, table="activities", uuid=None, fields={"subject": subject, "start_at": start}
        )
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-tile-activities")
    await user.open(f"/online/c/{mine.tenant_uuid}/calendar?week=2030-12-04")
    await user.should_see(marker="calendar-day-2030-12-02")
    with user.scope(marker="calendar-day-2030-12-02"):
        await user.should_see("09:00 Montag früh")
    with user.scope(marker="calendar-day-2030-12-06"):
        await user.should_see("15:00 Freitag spät")
    await user.should_not_see("Nächste Woche")
    user.find(marker="calendar-next").click()
    await user.should_see(marker="calendar-day-2030-12-09")
    with user.scope(marker="calendar-day-2030-12-09"):
        await user.should_see("10:00 Nächste Woche")
    await user.should_not_see("Montag früh")
