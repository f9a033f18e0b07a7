"""The secret key: made at first start, readable only by its owner, kept across restarts; or given
(SECRET_KEY / SECRET_KEY_FILE), which every instance of a deployment must share."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from services.config import (
    ConfigurationError,
    Settings,
    load_secret_key,
    require_shared_secret,
    secret_key_for,
)
from tests.live_server import ROOT, server_environment


def test_the_first_start_creates_a_secret_key_only_the_owner_can_read(tmp_path: Path) -> None:
    key = load_secret_key(tmp_path / "data")

    path = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == key
    assert len(key) >= 32


def test_a_restart_reuses_the_same_key(tmp_path: Path) -> None:
    first = load_secret_key(tmp_path)
    assert load_secret_key(tmp_path) == first


def test_two_installations_get_different_keys(tmp_path: Path) -> None:
    assert load_secret_key(tmp_path / "one") != load_secret_key(tmp_path / "two")


def test_a_key_file_with_loose_permissions_is_tightened(tmp_path: Path) -> None:
    key = load_secret_key(tmp_path)
    (tmp_path / "secret_key").chmod(0o644)

    assert load_secret_key(tmp_path) == key
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


# --- the secret of a deployment of several instances -------------------------------------------

LONG = "k" * 40
POSTGRES = "postgresql+psycopg://nobody@127.0.0.1:1/none"


def test_secret_key_from_the_environment_wins_over_the_data_directory(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key=LONG)

    assert secret_key_for(settings) == LONG
    assert not (tmp_path / "secret_key").exists()


def test_secret_key_file_is_read_and_trimmed(tmp_path: Path) -> None:
    (tmp_path / "key").write_text(LONG + "\n")

    assert secret_key_for(Settings(data_dir=tmp_path, secret_key_file=tmp_path / "key")) == LONG


@pytest.mark.parametrize("where", ["value", "file"])
def test_a_short_secret_is_refused(tmp_path: Path, where: str) -> None:
    (tmp_path / "key").write_text("short-secret")
    given = {"secret_key": "short-secret"} if where == "value" else {"secret_key_file": tmp_path / "key"}

    with pytest.raises(ConfigurationError, match="too short"):
        secret_key_for(Settings(data_dir=tmp_path, **given))


def test_a_missing_secret_key_file_and_both_settings_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot be read"):
        secret_key_for(Settings(data_dir=tmp_path, secret_key_file=tmp_path / "missing"))
    with pytest.raises(ConfigurationError, match="not both"):
        secret_key_for(Settings(data_dir=tmp_path, secret_key=LONG, secret_key_file=tmp_path / "k"))


def test_the_online_role_on_postgresql_needs_the_shared_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY or SECRET_KEY_FILE"):
        require_shared_secret(Settings(data_dir=tmp_path, role="online", online_database_url=POSTGRES))
    require_shared_secret(
        Settings(data_dir=tmp_path, role="online", online_database_url=POSTGRES, secret_key=LONG)
    )
    require_shared_secret(Settings(data_dir=tmp_path, role="online"))  # SQLite: one machine
    require_shared_secret(Settings(data_dir=tmp_path, role="all", online_database_url=POSTGRES))


def test_a_start_without_the_secret_fails_with_a_clear_message(tmp_path: Path) -> None:
    env = server_environment({"ONLINE_DATABASE_URL": POSTGRES}, admin_password="unused-password")
    done = subprocess.run(
        [sys.executable, "main.py", "--role", "online", "--data-dir", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert done.returncode == 2
    assert "SECRET_KEY or SECRET_KEY_FILE" in done.stderr
    assert "Traceback" not in done.stderr
