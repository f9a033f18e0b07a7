"""Shared fixtures: every test gets its own data directory and databases.

- ``settings`` / ``services``: in-process services on a fresh temporary data directory.
- ``app_env``: environment for the NiceGUI ``user`` fixture.
- ``live_server`` / ``start_server``: real ``main.py`` processes on free ports (see
  ``tests/live_server.py``); their logs are attached to the report of a failing test.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from services.config import Settings
from services.container import Services, build_services
from tests.live_server import LiveServer, ServerFactory

ADMIN_PASSWORD = "Correct-Horse-42"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, computer_name="TEST-PC")


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = build_services(settings)
    yield built
    built.db.dispose()


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Path:
    """Environment for the NiceGUI `user` fixture, which runs main.py in-process."""
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("COMPUTER_NAME", "TEST-PC")
    monkeypatch.setenv("INITIAL_ADMIN_PASSWORD", ADMIN_PASSWORD)
    return data_dir


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """Factory: ``start_server(*args, env=..., data_dir=..., port=...)`` starts main.py and waits."""
    factory = ServerFactory(base_dir=tmp_path / "servers", admin_password=ADMIN_PASSWORD)
    factory.base_dir.mkdir(parents=True, exist_ok=True)
    yield factory
    factory.stop_all()


@pytest.fixture
def live_server(start_server: ServerFactory) -> LiveServer:
    """One server with both sides (role all) on a fresh data directory."""
    return start_server()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, object, object]:
    """Attach the logs of the test's servers to the report when the test fails."""
    report = yield
    if isinstance(report, pytest.TestReport) and report.failed and report.when == "call":
        funcargs = getattr(item, "funcargs", {})
        factory = funcargs.get("start_server")
        if isinstance(factory, ServerFactory) and factory.servers:
            report.sections.append(("server log", factory.logs()))
    return report
