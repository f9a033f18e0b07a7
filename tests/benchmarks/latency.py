"""Benchmark: how long a change takes to become visible on the other side while sync runs.

    python -m tests.benchmarks.latency [--edits 50] [--size S] [--online-db sqlite|postgres] [--json]

Fills a company with the demo-data command, starts ``main.py --role online`` on loopback,
connects the company, runs the initial sync and then the agent's continuous sync (push woken by
each commit, long-poll pull) in this process, idle otherwise. Then, one after the other, each
after a random gap of 20–500 ms (so edits land anywhere in any cycle), it edits ``--edits``
contacts in the Business Software database (as the desktop program does: one committed
transaction each) and ``--edits`` contacts on the online side (as the Online Desktop does: through
the sync server's online-change path, but written by another process than the server, which
notices it by data_version on SQLite and LISTEN/NOTIFY or its re-check on PostgreSQL). For each edit
it measures from the commit to the moment the new value can be read from the other side's
database (polled every 5 ms from a worker thread). ``--repeat`` runs (a fresh company and online
database each) are pooled per direction, and each run's p95 is reported with their median.

Prints one JSON object with p50/p95/max milliseconds per direction. Target: p95 ≤ 50 ms both ways.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text, update

from models.local import Contact
from services.commits import signal_commits
from services.sync.client.agent import AgentOptions, SyncAgent
from services.sync.client.http import SyncClient
from services.sync.client.tracking import install_change_tracking
from services.sync.protocol.tables import TABLES
from services.sync.server.service import SyncServer
from tests.benchmarks.sync_setup import Setup, connected_setup, fill_demo_company, online_database

POLL = 0.005
TIMEOUT = 30.0
GAP = (0.02, 0.5)  # seconds between edits, uniformly random: edits land anywhere in any cycle


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "max_ms": round(max(values), 1),
    }


async def visible_after(started: float, check: Callable[[], bool], what: str) -> float:
    """Milliseconds from ``started`` until ``check`` (a database read) is true."""
    deadline = started + TIMEOUT
    while not await asyncio.to_thread(check):
        if time.perf_counter() > deadline:
            raise SystemExit(f"{what}: a change did not arrive within 30 s")
        await asyncio.sleep(POLL)
    return (time.perf_counter() - started) * 1000


async def measure(setup: Setup, edits: int, seed: int = 0) -> dict[str, Any]:
    online_table = TABLES["contacts"].online_table
    tenant_id = setup.connection.tenant_id
    server = SyncServer(setup.online)
    install_change_tracking(setup.local_engine)  # as the Business Software does at start-up
    signal_commits(setup.local, setup.local_engine)
    rng = random.Random(seed)
    with setup.local() as s:
        uuids = list(
            s.scalars(select(Contact.uuid).where(Contact.company_id == setup.company_id).limit(edits))
        )

    def local_edit(uuid: str, value: str) -> float:
        with setup.local.begin() as s:
            s.execute(update(Contact).where(Contact.uuid == uuid).values(city=value))
        return time.perf_counter()  # committed

    def online_has(uuid: str, value: str) -> bool:
        with setup.online_engine.connect() as conn:
            found = conn.execute(
                text(f'SELECT city FROM "{online_table}" WHERE tenant_id = :t AND uuid = :u'),
                {"t": tenant_id, "u": uuid},
            ).scalar()
        return bool(found == value)

    def online_edit(uuid: str, value: str) -> float:
        server.apply_online_change(tenant_id, table="contacts", uuid=uuid, fields={"phone": value})
        return time.perf_counter()  # committed

    def local_has(uuid: str, value: str) -> bool:
        with setup.local() as s:
            return s.scalar(select(Contact.phone).where(Contact.uuid == uuid)) == value

    up: list[float] = []
    down: list[float] = []
    async with httpx.AsyncClient(timeout=httpx.Timeout(120.0, connect=5.0)) as http:
        agent = SyncAgent(
            engine=setup.local_engine,
            company_id=setup.company_id,
            client=SyncClient(http, setup.server.url, setup.connection.token, setup.connection.tenant_uuid),
            trace=logging.getLogger("benchmark.latency"),
            options=AgentOptions(),
        )
        await agent.initial_sync()
        stop = asyncio.Event()
        running = asyncio.ensure_future(agent.continuous(stop))
        try:
            await asyncio.sleep(1.0)  # the first long-poll is waiting
            for i, uuid in enumerate(uuids):
                value = f"Lokal {i} {time.time_ns()}"
                committed = await asyncio.to_thread(local_edit, uuid, value)
                up.append(await visible_after(committed, partial(online_has, uuid, value), "local to online"))
                await asyncio.sleep(rng.uniform(*GAP))
                value = f"+49 {i} {time.time_ns() % 10**9}"
                committed = await asyncio.to_thread(online_edit, uuid, value)
                arrived = await visible_after(committed, partial(local_has, uuid, value), "online to local")
                down.append(arrived)
                await asyncio.sleep(rng.uniform(*GAP))
            if running.done():
                running.result()
        finally:
            stop.set()
            await running
    return {"local_to_online": up, "online_to_local": down}


def run(size: str, online_db: str, edits: int, repeat: int = 3) -> dict[str, Any]:
    runs = []
    for seed in range(repeat):
        with tempfile.TemporaryDirectory(prefix="sync-latency-") as tmp:
            base = Path(tmp)
            client_dir = base / "client"
            fill_demo_company(client_dir, size)
            with (
                online_database(online_db, base / "online") as url,
                connected_setup(base, url, client_dir) as setup,
            ):
                runs.append(asyncio.run(measure(setup, edits, seed)))
    result: dict[str, Any] = {
        "size": size,
        "online_db": online_db,
        "edits_per_direction": edits,
        "runs": repeat,
    }
    for direction in ("local_to_online", "online_to_local"):
        pooled = [v for r in runs for v in r[direction]]
        per_run = [percentile(r[direction], 0.95) for r in runs]
        result[direction] = {
            **summary(pooled),
            "p95_ms_per_run": [round(v, 1) for v in per_run],
            "median_run_p95_ms": round(statistics.median(per_run), 1),
        }
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=("S", "M", "L"), default="S")
    parser.add_argument("--online-db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="runs, each with a fresh company")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args(argv)
    result = run(args.size, args.online_db, args.edits, args.repeat)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
