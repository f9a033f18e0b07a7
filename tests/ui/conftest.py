"""UI tests run main.py in-process (NiceGUI `user` fixture) on a fresh data directory each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from nicegui.testing import User

import services.secrets.passwords


@pytest.fixture(autouse=True)
def _app_environment(app_env: Path) -> Path:
    """Autouse, so the environment is set before the `user` fixture imports main.py."""
    return app_env


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with tiny costs: the same code path without half a second per login on a busy machine
    (the app runs in-process, so it uses this hasher too)."""
    monkeypatch.setattr(
        services.secrets.passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    )


# The default of three 0.1 s attempts is too tight for pages that hash a password or query a
# large table on a busy 2-core machine; wait up to 15 s for what a user should see.
_should_see = User.should_see


async def _patient_should_see(self: User, *args: Any, retries: int = 150, **kwargs: Any) -> None:
    await _should_see(self, *args, retries=retries, **kwargs)


User.should_see = _patient_should_see  # type: ignore[assignment,method-assign]
