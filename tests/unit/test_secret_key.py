"""The secret key is made at first start, readable only by its owner, and kept across restarts."""

from __future__ import annotations

import stat
from pathlib import Path

from services.config import load_secret_key


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
