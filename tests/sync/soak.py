"""The long fault-injection run: many randomised scenarios against one real sync server.

    python -m tests.sync.soak --runs 1000 [--seed 7] [--online-db sqlite|postgres] [--kinds a,b]

Runs the scenarios of tests/sync/scenarios.py round-robin with seeds seed*1000+i and prints one
JSON object with totals (runs, passed, failed, per kind, rows checked, kills, restarts, dropped
and duplicated requests, seconds) and the first failures with their seeds, so any failure can be
replayed exactly (``--kinds KIND --seed S --first I --runs 1``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from tests.benchmarks.sync_setup import online_database
from tests.sync.faults import World
from tests.sync.scenarios import SCENARIOS, run_scenario

TOTALS = ("passed", "failed", "rows", "edits", "kills", "restarts", "dropped", "duplicated", "conflicts")


def soak(runs: int, seed: int, first: int, online_db: str, kinds: list[str]) -> dict[str, Any]:
    totals: Counter[str] = Counter()
    per_kind: dict[str, Counter[str]] = {k: Counter() for k in kinds}
    failures: list[dict[str, Any]] = []
    started = time.perf_counter()
    with ExitStack() as stack:
        base = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sync-soak-")))
        url = stack.enter_context(online_database(online_db, base / "online"))
        world = World(base / "world", url)
        stack.callback(world.close)
        for i in range(first, first + runs):
            kind = kinds[i % len(kinds)]
            run_seed = seed * 1000 + i
            try:
                result = asyncio.run(run_scenario(world, kind, run_seed))
            except Exception as exc:  # any failure is counted and reported, the soak goes on
                per_kind[kind]["failed"] += 1
                totals["failed"] += 1
                if len(failures) < 20:
                    failures.append({"kind": kind, "seed": run_seed, "index": i, "error": str(exc)[:500]})
                continue
            per_kind[kind]["passed"] += 1
            totals["passed"] += 1
            for key in ("rows", "kills", "restarts", "dropped", "duplicated", "conflicts", "edits"):
                totals[key] += int(result.get(key, 0))
    return {
        "runs": runs,
        "seed": seed,
        "online_db": online_db,
        "seconds": round(time.perf_counter() - started, 1),
        **{key: totals[key] for key in TOTALS},
        "per_kind": {k: dict(v) for k, v in per_kind.items()},
        "failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--first", type=int, default=0, help="index of the first run (to replay one)")
    parser.add_argument("--online-db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--kinds", default=",".join(SCENARIOS), help="comma-separated scenario kinds")
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    unknown = set(kinds) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"unknown kinds: {sorted(unknown)}")
    print(json.dumps(soak(args.runs, args.seed, args.first, args.online_db, kinds), indent=2))


if __name__ == "__main__":
    main()
