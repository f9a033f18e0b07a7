"""The seal tests use for sync tokens they store themselves (``services.secrets.sealing``)."""

from __future__ import annotations

from services.secrets.sealing import TokenSeal

TEST_SEAL = TokenSeal("test-installation-secret")
