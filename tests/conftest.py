"""Shared fixtures: every test gets its own data directory and databases.

- ``settings`` / ``services``: in-process services on a fresh temporary data directory.
- ``app_env``: environment for the NiceGUI ``user`` fixture.
- ``online_db_url`` / ``online_engine`` / ``online_sessions``: an Online Desktop database on
  SQLite and, when ``TEST_POSTGRES_URL`` is set, on a fresh PostgreSQL database (see
  ``tests/online_db.py``).
- ``live_server`` / ``start_server``: real ``main.py`` processes on free ports (see
  ``tests/live_server.py``); their logs are attached to the report of a failing test.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.config import Settings
from services.container import Services, build_services
from services.db import make_engine, make_session_factory, migrate, open_databases
from tests.live_server import LiveServer, ServerFactory
from tests.online_db import fresh_postgres_database, postgres_server_url, sqlite_url

ADMIN_PASSWORD = "Correct-Horse-42"
LOCAL_FILE, ONLINE_FILE = "business.sqlite3", "online.sqlite3"  # the default files of a data directory


@pytest.fixture(scope="session")
def template_databases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both SQLite databases migrated to the newest schema once per run; each test gets copies, so
    the migrations (a fifth of a second per data directory) run once, not once per test."""
    folder = tmp_path_factory.mktemp("template-databases")
    databases = open_databases(
        local_url=f"sqlite:///{folder / LOCAL_FILE}", online_url=f"sqlite:///{folder / ONLINE_FILE}"
    )
    databases.dispose()  # checkpoints the WAL into the main files
    return folder


def fill_data_dir(data_dir: Path, templates: Path) -> Path:
    """A fresh data directory holding empty, fully migrated databases."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for name in (LOCAL_FILE, ONLINE_FILE):
        shutil.copyfile(templates / name, data_dir / name)
    return data_dir


@pytest.fixture
def data_dir(tmp_path: Path, template_databases: Path) -> Path:
    return fill_data_dir(tmp_path / "data", template_databases)


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, computer_name="TEST-PC")


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    """Async, so that the HTTP connections a test opened close in the test's own event loop."""
    built = build_services(settings)
    yield built
    await built.stop()


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Path:
    """Environment for the NiceGUI `user` fixture, which runs main.py in-process."""
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("COMPUTER_NAME", "TEST-PC")
    monkeypatch.setenv("INITIAL_ADMIN_PASSWORD", ADMIN_PASSWORD)
    # The sample company starts empty here; a test that needs its demo data fills it itself.
    monkeypatch.setenv("SAMPLE_DEMO_DATA", "false")
    return data_dir


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def online_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty Online Desktop database: SQLite, and PostgreSQL when TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "online-db")
        return
    server = postgres_server_url()
    if server is None:
        pytest.skip("TEST_POSTGRES_URL is not set: online database tests ran on SQLite only")
    with fresh_postgres_database(server) as url:
        yield url


@pytest.fixture
def online_engine(online_db_url: str) -> Iterator[Engine]:
    """An engine on ``online_db_url`` with the online migrations applied."""
    engine = make_engine(online_db_url)
    migrate("online", engine)
    yield engine
    engine.dispose()


@pytest.fixture
def online_sessions(online_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(online_engine)


@pytest.fixture
def start_server(tmp_path: Path, template_databases: Path) -> Iterator[ServerFactory]:
    """Factory: ``start_server(*args, env=..., data_dir=..., port=...)`` starts main.py and waits."""
    factory = ServerFactory(
        base_dir=tmp_path / "servers", admin_password=ADMIN_PASSWORD, templates=template_databases
    )
    factory.base_dir.mkdir(parents=True, exist_ok=True)
    yield factory
    factory.stop_all()


@pytest.fixture
def live_server(start_server: ServerFactory) -> LiveServer:
    """One server with both sides (role all) on a fresh data directory."""
    return start_server()


@pytest.fixture(scope="session")
def shared_live_server(
    tmp_path_factory: pytest.TempPathFactory, template_databases: Path
) -> Iterator[LiveServer]:
    """One server for all tests of the run that only read, never change data (a start costs seconds)."""
    factory = ServerFactory(
        base_dir=tmp_path_factory.mktemp("servers"),
        admin_password=ADMIN_PASSWORD,
        templates=template_databases,
    )
    yield factory()
    factory.stop_all()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, object, object]:
    """Attach the logs of the test's servers to the report when the test fails."""
    report = yield
    if isinstance(report, pytest.TestReport) and report.failed and report.when == "call":
        servers: dict[int, LiveServer] = {}
        for value in getattr(item, "funcargs", {}).values():
            found = value.servers if isinstance(value, ServerFactory) else [value]
            servers.update({id(server): server for server in found if isinstance(server, LiveServer)})
        if servers:
            logs = (f"--- {server.url} ---\n{server.log()}" for server in servers.values())
            report.sections.append(("server log", "\n\n".join(logs)))
    return report
