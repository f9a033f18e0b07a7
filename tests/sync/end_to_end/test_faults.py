"""Fault injection against a real sync server process (fixed seed, so failures reproduce).

Kinds: SIGKILL of the client process during the initial and the continuous sync, answers lost
after the server committed, requests sent twice, server killed and restarted mid-sync, and edits
of the same and of different fields (and deletes) on both sides. After each scenario both sides
hold exactly the expected rows with equal counts and checksums, and every conflict is logged.
The larger run: ``python -m tests.sync.soak --runs 1000``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.faults import World
from tests.sync.scenarios import SCENARIOS, run_scenario

SEED = 20241128
RUNS = 30  # five of each kind


def plan() -> list[tuple[str, int]]:
    kinds = list(SCENARIOS)
    return [(kinds[i % len(kinds)], SEED * 1000 + i) for i in range(RUNS)]


@pytest.fixture(scope="module")
def world(sync_online_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = World(Path(tmp_path_factory.mktemp("faults")), sync_online_url)
    yield built
    built.close()


@pytest.mark.parametrize(("kind", "seed"), plan(), ids=[f"{k}-{s % 1000}" for k, s in plan()])
def test_sync_survives_the_fault_and_both_sides_end_equal(world: World, kind: str, seed: int) -> None:
    result = asyncio.run(run_scenario(world, kind, seed))
    assert result["rows"] > 0
