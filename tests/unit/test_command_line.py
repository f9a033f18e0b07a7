"""The command line and the environment configure a process the same way; the command line wins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from main import parse_args, settings_from
from services.config import Settings
from tests.live_server import ROOT


def test_help_lists_every_option_of_a_server() -> None:
    result = subprocess.run(
        [sys.executable, "main.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    for option in ("--host", "--port", "--data-dir", "--role", "--online-url"):
        assert option in result.stdout
    assert "all,local,online" in result.stdout
    assert "demo-data" in result.stdout


def test_every_option_reads_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9123")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ROLE", "local")
    monkeypatch.setenv("ONLINE_URL", "https://online.example.test")

    settings = settings_from(parse_args([]))

    assert (settings.host, settings.port, settings.data_dir) == ("0.0.0.0", 9123, tmp_path)
    assert settings.role == "local"
    assert settings.online_base_url == "https://online.example.test"


def test_the_command_line_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9123")
    monkeypatch.setenv("ROLE", "local")

    settings = settings_from(parse_args(["--port", "9200", "--role", "online"]))

    assert settings.port == 9200
    assert settings.role == "online"


def test_without_options_a_server_listens_on_loopback_8080_with_data_under_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)

    settings = settings_from(parse_args([]))

    assert settings.base_url == "http://127.0.0.1:8080"
    assert settings.role == "all"
    assert settings.local_db_url.endswith("/data/business.sqlite3")
    assert settings.online_db_url.endswith("/data/online.sqlite3")


def test_an_unknown_role_is_refused_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(["--role", "everything"])
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
