"""UI tests run main.py in-process (NiceGUI `user` fixture) on a fresh data directory each."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _app_environment(app_env: Path) -> Path:
    """Autouse, so the environment is set before the `user` fixture imports main.py."""
    return app_env
