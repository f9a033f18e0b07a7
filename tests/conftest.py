"""Shared fixtures: every test gets its own data directory and databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.config import Settings
from services.container import Services, build_services

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
