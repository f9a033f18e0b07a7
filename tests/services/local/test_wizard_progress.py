"""The connection wizard's progress, kept per user and company, and the idempotent Run."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import ConnectWizardProgress
from models.online import Connection, Membership, OnlineId, Tenant
from services.config import Settings
from services.container import Services, build_services
from services.db import make_engine, make_session_factory
from services.errors import ServiceError, ValidationFailed
from services.local.wizard_progress import OnlineLogin
from services.secrets.passwords import hash_password
from services.sync.client.http import HttpLink
from services.sync.protocol.messages import CompanyInfo
from services.sync.server.connections import ConnectionService
from tests.conftest import ADMIN_PASSWORD
from tests.live_server import LiveServer, ServerFactory
from tests.services.local.licensing_factories import create_company, log_in_admin, ready_to_connect

PASSWORD = "Sonnen-Blumen-Feld-9"


def test_a_step_and_what_was_typed_come_back_but_never_a_password(services: Services) -> None:
    company = create_company(services)
    user_id = log_in_admin(services, company.id).user.id
    progress = services.local.wizard_progress
    assert progress.progress(company.id, user_id).step == "prerequisites"  # nothing kept yet

    entered = {"email": "anna@mueller.example", "password": "Geheim-123", "when": "later"}
    progress.save(company.id, user_id=user_id, step="online_id", entered=entered)
    login = OnlineLogin(email="anna@mueller.example", full_name="Anna", token="the-login-token")
    progress.keep_login(company.id, user_id=user_id, login=login)

    back = progress.progress(company.id, user_id)
    assert back.step == "online_id" and back.login == login
    assert back.entered == {"email": "anna@mueller.example", "when": "later"}
    assert services.db.local is not None
    with services.db.local() as s:
        row = s.get(ConnectWizardProgress, (company.id, user_id))
        assert row is not None
        assert "the-login-token" not in row.sealed_login_token and "Geheim" not in row.entered
    with pytest.raises(ValidationFailed):
        progress.save(company.id, user_id=user_id, step="nowhere", entered={})


def test_a_fix_link_is_remembered_until_the_wizard_opens_again(services: Services) -> None:
    company = create_company(services)
    user_id = log_in_admin(services, company.id).user.id
    progress = services.local.wizard_progress
    progress.save(company.id, user_id=user_id, step="prerequisites", entered={"checked": "1"}, fixing=True)
    assert progress.is_fixing(company.id, user_id)
    returned = progress.returned(company.id, user_id)
    assert returned.fixing and returned.entered == {"checked": "1"}
    assert not progress.is_fixing(company.id, user_id)


def test_cancel_starts_over_but_keeps_the_key_of_an_unanswered_run(services: Services) -> None:
    company = create_company(services)
    user_id = log_in_admin(services, company.id).user.id
    progress = services.local.wizard_progress
    progress.save(company.id, user_id=user_id, step="run", entered={"when": "now"})
    key = progress.attempt_key(company.id, user_id)
    assert progress.attempt_key(company.id, user_id) == key  # one key per attempt
    progress.cancel(company.id, user_id)
    assert progress.progress(company.id, user_id).step == "prerequisites"
    assert progress.attempt_key(company.id, user_id) == key
    progress.finish(company.id, user_id)
    assert progress.attempt_key(company.id, user_id) != key  # a new pass, a new attempt


def test_the_online_desktop_answers_a_repeated_key_with_the_same_company_account(
    online_sessions: sessionmaker[Session],
) -> None:
    with online_sessions.begin() as s:
        anna, ben = (
            OnlineId(email="anna@x.example", password_hash="-"),
            OnlineId(email="ben@x.example", password_hash="-"),
        )
        s.add_all([anna, ben])
        s.flush()
        anna_id, ben_id = anna.id, ben.id
    connections = ConnectionService(online_sessions)
    info = CompanyInfo(name="Müller GmbH")
    key = "attempt-0123456789abcdef"
    first = connections.create_connection(online_id_id=anna_id, company=info, idempotency_key=key)
    again = connections.create_connection(online_id_id=anna_id, company=info, idempotency_key=key)
    assert again.tenant_uuid == first.tenant_uuid and again.token != first.token
    other = connections.create_connection(online_id_id=ben_id, company=info, idempotency_key=key)
    fresh = connections.create_connection(online_id_id=anna_id, company=info)
    assert len({first.tenant_uuid, other.tenant_uuid, fresh.tenant_uuid}) == 3  # a key is one person's
    with online_sessions() as s:
        assert s.scalar(select(func.count()).select_from(Tenant)) == 3
        active = s.scalars(select(Connection.token_hash).where(Connection.status == "active")).all()
    assert len(active) == 3  # the undelivered first token was revoked by its retry


@pytest.fixture
def online_sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    from services.db import migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'online.sqlite3'}")
    migrate("online", engine)
    yield make_session_factory(engine)
    engine.dispose()


# --- Run against a real Online Desktop process, with its first answer lost ---------------------


class LosesConnectAnswers(httpx.AsyncBaseTransport):
    """Passes every request on; the answers of the first ``lose`` connect requests are lost."""

    def __init__(self, lose: int) -> None:
        self.inner, self.lose, self.sent = httpx.AsyncHTTPTransport(), lose, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith("/sync/connections"):
            self.sent += 1
            if self.lose:
                self.lose -= 1
                await response.aread()
                await response.aclose()
                raise httpx.ReadError("the answer was lost on the way", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture(scope="module")
def online_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    factory = ServerFactory(base_dir=tmp_path_factory.mktemp("servers"), admin_password=ADMIN_PASSWORD)
    yield factory("--role", "online")
    factory.stop_all()


@pytest.fixture
async def local(tmp_path: Path, online_server: LiveServer) -> AsyncIterator[Services]:
    built = build_services(
        Settings(
            data_dir=tmp_path / "client", role="local", computer_name="TEST-PC", online_url=online_server.url
        )
    )
    yield built
    await built.stop()


async def test_a_run_whose_answer_was_lost_creates_no_second_company_account_when_retried(
    local: Services, online_server: LiveServer
) -> None:
    online = make_session_factory(make_engine(f"sqlite:///{online_server.data_dir / 'online.sqlite3'}"))
    with online.begin() as s:
        s.add(OnlineId(email="retry@mueller.example", password_hash=hash_password(PASSWORD), status="active"))
    with online() as s:
        before = s.scalar(select(func.count()).select_from(Tenant)) or 0
    company, session = ready_to_connect(local)
    wizard = local.local.connect_wizard
    login = await wizard.log_in("retry@mueller.example", password=PASSWORD)
    lossy = LosesConnectAnswers(lose=1)
    wizard._http = HttpLink(transport=lossy)  # the network between the two loses one answer
    run = {"user_id": session.user.id, "session_token": session.token, "login": login, "run_at": None}

    with pytest.raises(ServiceError):
        await wizard.run(company.id, **run)  # type: ignore[arg-type]
    assert not wizard.is_connected(company.id)
    result = await wizard.run(company.id, **run)  # type: ignore[arg-type]  # Run pressed again

    assert lossy.sent == 2 and wizard.is_connected(company.id)
    with online() as s:
        accounts = s.scalars(select(Tenant.uuid)).all()
        memberships = s.scalar(
            select(func.count())
            .select_from(Membership)
            .join(OnlineId, OnlineId.id == Membership.online_id_id)
            .where(OnlineId.email == "retry@mueller.example")
        )
    assert len(accounts) == before + 1 and result.tenant_uuid in accounts
    assert memberships == 1
    assert local.local.wizard_progress.progress(company.id, session.user.id).step == "prerequisites"  # done
    await wizard._http.close()
