"""The seal tests use for sync tokens they store themselves (``services.sealing``)."""

from __future__ import annotations

from services.sealing import TokenSeal

TEST_SEAL = TokenSeal("test-installation-secret")
