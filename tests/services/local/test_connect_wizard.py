"""The connection wizard's service against a real Online Desktop process (its HTTP API only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import SyncConnection, SyncSchedule
from models.online import Membership, OnlineContact, OnlineId, OutgoingMail, Tenant
from services.config import Settings
from services.container import Services, build_services
from services.db import make_engine, make_session_factory
from services.errors import NotAuthenticated, PermissionDenied, ServiceError, ValidationFailed
from services.local.connect_wizard import ConnectWizardService, OnlineLogin
from services.secrets.passwords import hash_password
from services.secrets.sealing import TokenSeal
from services.sync.protocol.messages import ProtocolError
from services.sync.server.service import SyncServer
from tests.conftest import ADMIN_PASSWORD
from tests.live_server import LiveServer, ServerFactory
from tests.services.local.licensing_factories import free_port, ready_to_connect

PASSWORD = "Sonnen-Blumen-Feld-9"


@pytest.fixture(scope="module")
def online_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    factory = ServerFactory(base_dir=tmp_path_factory.mktemp("servers"), admin_password=ADMIN_PASSWORD)
    yield factory("--role", "online")
    factory.stop_all()


@pytest.fixture(scope="module")
def online_db(online_server: LiveServer) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{online_server.data_dir / 'online.sqlite3'}")
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
async def local(tmp_path: Path, online_server: LiveServer) -> AsyncIterator[Services]:
    built = build_services(
        Settings(
            data_dir=tmp_path / "client", role="local", computer_name="TEST-PC", online_url=online_server.url
        )
    )
    yield built
    await built.stop()


def wizard(services: Services) -> ConnectWizardService:
    return services.local.connect_wizard


def active_online_id(online_db: sessionmaker[Session], email: str) -> None:
    with online_db.begin() as s:
        s.add(OnlineId(email=email, password_hash=hash_password(PASSWORD), status="active", full_name="Anna"))


def tenants(online_db: sessionmaker[Session]) -> int:
    with online_db() as s:
        return s.scalar(select(func.count()).select_from(Tenant)) or 0


async def test_sign_up_mails_a_verification_link_and_send_again_keeps_to_one_a_minute(
    local: Services, online_db: sessionmaker[Session]
) -> None:
    await wizard(local).sign_up("neu@mueller.example", "de")
    await wizard(local).resend("neu@mueller.example", "de")
    with online_db() as s:
        mails = s.scalars(select(OutgoingMail).where(OutgoingMail.to_address == "neu@mueller.example")).all()
        pending = s.scalar(select(OnlineId.status).where(OnlineId.email == "neu@mueller.example"))
    assert len(mails) == 1 and "/id/verify?token=" in mails[0].text_body  # resend: one per minute
    assert pending == "pending"
    with pytest.raises(ValidationFailed) as refused:
        await wizard(local).sign_up("no address", "de")
    assert refused.value.fields == {"email": "validation.email"}


async def test_login_needs_the_online_id_password_not_the_business_software_one(
    local: Services, online_db: sessionmaker[Session]
) -> None:
    active_online_id(online_db, "login@mueller.example")
    with pytest.raises(NotAuthenticated) as failed:
        await wizard(local).log_in("login@mueller.example", password=ADMIN_PASSWORD)
    assert failed.value.key == "wizard.id.login_failed"
    with pytest.raises(ValidationFailed) as empty:
        await wizard(local).log_in("login@mueller.example", password="")
    assert empty.value.fields == {"password": "validation.required"}
    login = await wizard(local).log_in(" login@mueller.example ", password=PASSWORD)
    assert (login.email, login.full_name) == ("login@mueller.example", "Anna") and login.token


async def test_registration_information_names_what_is_missing(local: Services) -> None:
    company, _session = ready_to_connect(local)
    assert wizard(local).registration(company.id).complete
    local.local.companies.update_registration(
        company.id, {**wizard(local).registration(company.id).values, "phone": "", "registration_number": ""}
    )
    summary = wizard(local).registration(company.id)
    assert summary.missing == ("phone", "registration_number") and not summary.complete
    assert summary.values["name"] == "Müller GmbH" and summary.labels["phone"] == "company.phone"


async def test_run_creates_the_account_makes_the_online_id_super_user_and_starts_the_sync_now(
    local: Services, online_db: sessionmaker[Session]
) -> None:
    company, session = ready_to_connect(local)
    active_online_id(online_db, "chefin@mueller.example")
    login = await wizard(local).log_in("chefin@mueller.example", password=PASSWORD)
    result = await wizard(local).run(
        company.id, user_id=session.user.id, session_token=session.token, login=login, run_at=None
    )
    assert (result.company, result.online_id, result.starts_now) == (
        "Müller GmbH",
        "chefin@mueller.example",
        True,
    )
    assert local.db.local is not None
    with local.db.local() as s:
        connection = s.get(SyncConnection, company.id)
        schedule = s.get(SyncSchedule, company.id)
    assert connection is not None and schedule is not None
    assert (connection.status, connection.connected_by, connection.tenant_uuid) == (
        "connected",
        "chefin@mueller.example",
        result.tenant_uuid,
    )
    assert schedule.status == "scheduled" and schedule.run_at <= dt.datetime.now(dt.UTC)
    with online_db() as s:
        tenant = s.scalars(select(Tenant).where(Tenant.uuid == result.tenant_uuid)).one()
        roles = s.execute(
            select(OnlineId.email, Membership.role)
            .join(Membership, Membership.online_id_id == OnlineId.id)
            .where(Membership.tenant_id == tenant.id)
        ).all()
    assert (tenant.name, tenant.city, tenant.registration_number) == ("Müller GmbH", "München", "HRB 98765")
    assert roles == [("chefin@mueller.example", "super_user")]
    token = TokenSeal(local.secret_key).open(connection.sealed_token)
    assert token not in connection.sealed_token  # stored sealed, not in clear
    SyncServer(online_db).connections.authenticate(token)  # the stored token works

    before = tenants(online_db)
    with pytest.raises(ServiceError) as again:  # condition 11: already connected
        await wizard(local).run(
            company.id, user_id=session.user.id, session_token=session.token, login=login, run_at=None
        )
    assert (again.value.key, again.value.params) == ("wizard.run.prerequisites", {"numbers": "11"})
    assert tenants(online_db) == before


def test_a_scheduled_first_sync_is_proposed_for_tomorrow_night_and_is_accepted(services: Services) -> None:
    proposed = wizard(services).proposed_start()
    today = dt.datetime.now().astimezone().date()
    assert (proposed.date(), proposed.time()) == (today + dt.timedelta(days=1), dt.time(22, 0))
    assert proposed.utcoffset() == dt.datetime.now().astimezone().utcoffset()  # this computer's time
    assert wizard(services).check_start(proposed) == proposed


async def test_a_scheduled_start_is_stored_and_a_past_one_refused_without_connecting(
    local: Services, online_db: sessionmaker[Session]
) -> None:
    company, session = ready_to_connect(local)
    active_online_id(online_db, "plan@mueller.example")
    login = await wizard(local).log_in("plan@mueller.example", password=PASSWORD)
    before = tenants(online_db)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    with pytest.raises(ValidationFailed) as refused:
        await wizard(local).run(
            company.id, user_id=session.user.id, session_token=session.token, login=login, run_at=past
        )
    assert refused.value.fields == {"run_at": "wizard.when.past"}
    assert tenants(online_db) == before and not wizard(local).is_connected(company.id)

    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(microsecond=0)
    result = await wizard(local).run(
        company.id, user_id=session.user.id, session_token=session.token, login=login, run_at=later
    )
    assert not result.starts_now and result.run_at == later
    schedule = local.local.sync_status.overview(company.id).schedule
    assert schedule is not None and (schedule.run_at, schedule.status) == (later, "scheduled")


async def test_unmet_prerequisites_or_an_expired_login_leave_nothing_behind(
    local: Services, online_db: sessionmaker[Session]
) -> None:
    company, session = ready_to_connect(local)
    values = wizard(local).registration(company.id).values
    local.local.companies.update_registration(company.id, {**values, "phone": ""})
    before = tenants(online_db)
    stale = OnlineLogin(email="x@mueller.example", full_name="", token="not-a-valid-token")
    with pytest.raises(ServiceError) as unmet:
        await wizard(local).run(
            company.id, user_id=session.user.id, session_token=session.token, login=stale, run_at=None
        )
    assert unmet.value.params == {"numbers": "5"}
    local.local.companies.update_registration(company.id, values)
    with pytest.raises(NotAuthenticated) as expired:
        await wizard(local).run(
            company.id, user_id=session.user.id, session_token=session.token, login=stale, run_at=None
        )
    assert expired.value.key == "wizard.run.login_expired"
    assert tenants(online_db) == before and not wizard(local).is_connected(company.id)


async def test_an_unreachable_online_desktop_is_a_clear_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    services = build_services(
        Settings(data_dir=tmp_path / "c", role="local", computer_name="TEST-PC", online_url=url)
    )
    try:
        with pytest.raises(ServiceError) as failed:
            await wizard(services).log_in("a@b.example", password="whatever")
        # said in words, never the network library's English exception text
        assert failed.value.key == "wizard2.unreachable.refused" and failed.value.params == {"url": url}
    finally:
        services.db.dispose()


async def connected(
    local: Services, online_db: sessionmaker[Session], email: str
) -> tuple[int, OnlineLogin, str]:
    company, session = ready_to_connect(local)
    active_online_id(online_db, email)
    login = await wizard(local).log_in(email, password=PASSWORD)
    result = await wizard(local).run(
        company.id, user_id=session.user.id, session_token=session.token, login=login, run_at=None
    )
    return company.id, login, result.tenant_uuid, session


def stored_token(local: Services, company_id: int) -> str:
    """The connection's token, opened with the installation's secret key."""
    return TokenSeal(local.secret_key).open(stored(local, company_id).sealed_token)


def stored(local: Services, company_id: int) -> SyncConnection:
    assert local.db.local is not None
    with local.db.local() as s:
        row = s.get(SyncConnection, company_id)
    assert row is not None
    return row


async def test_disconnect_is_only_for_the_connecting_online_id_on_the_sync_computer_and_keeps_the_account(
    local: Services, online_db: sessionmaker[Session]
) -> None:
    company_id, login, tenant_uuid, session = await connected(local, online_db, "trennt@mueller.example")
    server = SyncServer(online_db)
    old_token = stored_token(local, company_id)
    tenant_id = server.connections.authenticate(old_token).tenant_id
    server.apply_online_change(tenant_id, table="contacts", uuid=None, fields={"name": "Online angelegt"})

    active_online_id(online_db, "andere@mueller.example")
    other = await wizard(local).log_in("andere@mueller.example", password=PASSWORD)
    with pytest.raises(PermissionDenied) as not_theirs:
        await wizard(local).disconnect(company_id, other)
    assert not_theirs.value.key == "wizard.disconnect.not_connected_by"
    local.local.network.register_computer("SERVER-2")
    local.local.online_settings.save_sync_settings(company_id, sync_computer="SERVER-2")
    with pytest.raises(PermissionDenied) as elsewhere:
        await wizard(local).disconnect(company_id, login)
    assert elsewhere.value.key == "wizard.disconnect.not_sync_computer"
    local.local.online_settings.save_sync_settings(company_id, sync_computer="TEST-PC")

    deleted = await wizard(local).disconnect(company_id, login)
    assert deleted >= 1
    with online_db() as s:
        left = s.scalar(
            select(func.count()).select_from(OnlineContact).where(OnlineContact.tenant_id == tenant_id)
        )
        members = s.scalar(
            select(func.count()).select_from(Membership).where(Membership.tenant_id == tenant_id)
        )
    assert (left, members) == (0, 1)  # the data is gone, the account and its Super User stay
    with pytest.raises(ProtocolError):
        server.connections.authenticate(old_token)
    assert stored(local, company_id).status == "disconnected" and not wizard(local).is_connected(company_id)

    # Connecting again uses the same company account and starts a full initial sync.
    again = await wizard(local).run(
        company_id, user_id=session.user.id, session_token=session.token, login=login, run_at=None
    )
    assert again.tenant_uuid == tenant_uuid and stored(local, company_id).status == "connected"


async def test_reconnect_renews_the_credential_of_the_same_account(
    local: Services, online_db: sessionmaker[Session]
) -> None:
    company_id, login, tenant_uuid, _session = await connected(local, online_db, "erneuert@mueller.example")
    old_token = stored_token(local, company_id)
    await wizard(local).reconnect(company_id, login)
    renewed = stored(local, company_id)
    new_token = stored_token(local, company_id)
    assert (renewed.tenant_uuid, renewed.status) == (tenant_uuid, "connected") and new_token != old_token
    server = SyncServer(online_db)
    assert server.connections.authenticate(new_token).tenant_uuid == tenant_uuid
    with pytest.raises(ProtocolError):
        server.connections.authenticate(old_token)


async def test_another_super_user_takes_over_the_connection_and_others_may_not(
    local: Services, online_db: sessionmaker[Session]
) -> None:
    company_id, _login, tenant_uuid, _session = await connected(local, online_db, "alt@mueller.example")
    for email, role in (("neu@chef.example", "super_user"), ("mit@arbeit.example", "standard")):
        active_online_id(online_db, email)
        with online_db.begin() as s:
            tenant_id = s.scalars(select(Tenant.id).where(Tenant.uuid == tenant_uuid)).one()
            online_id = s.scalars(select(OnlineId.id).where(OnlineId.email == email)).one()
            s.add(Membership(tenant_id=tenant_id, online_id_id=online_id, role=role))
    standard = await wizard(local).log_in("mit@arbeit.example", password=PASSWORD)
    with pytest.raises(PermissionDenied) as refused:
        await wizard(local).reconnect(company_id, standard)
    assert refused.value.key == "sync.not_super_user"
    assert stored(local, company_id).connected_by == "alt@mueller.example"

    successor = await wizard(local).log_in("neu@chef.example", password=PASSWORD)
    await wizard(local).reconnect(company_id, successor)
    row = stored(local, company_id)
    assert (row.connected_by, row.tenant_uuid, row.status) == ("neu@chef.example", tenant_uuid, "connected")
