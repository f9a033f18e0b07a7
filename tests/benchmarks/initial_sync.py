"""Benchmark: the initial sync of a demo company through HTTP to a real Online Desktop process.

    python -m tests.benchmarks.initial_sync --size S|M|L [--online-db sqlite|postgres|both]
        [--repeat 3] [--demo-db business.sqlite3] [--json]

Fills a company with the demo-data command, starts ``main.py --role online`` on loopback, connects
the company to a new tenant and runs the agent's initial sync in this process; then verifies counts
and checksums on both sides (the run fails unless every table matches). For reference it also
copies the same rows with a plain SQLite ``ATTACH`` + ``INSERT … SELECT`` into an empty online
schema (``raw_copy_seconds``), the physical lower bound on this machine.

Each figure is the median of ``--repeat`` runs (a fresh online database each); ``of_raw_copy`` is
raw copy time / sync time and ``verify_share`` verify time / sync time, each run against its own
reference. Prints one JSON object: rows, seconds, rows_per_second, bytes_sent, peak_rss_mb (the
higher of client and server), client/server peak RSS, verify_seconds, verify_share,
raw_copy_seconds, of_raw_copy, page_rows; with ``--online-db both`` one such object per engine
and ``postgres_of_sqlite`` (PostgreSQL's rate as a share of SQLite's, engines interleaved).
Targets (size L, 2 cores): SQLite of_raw_copy ≥ 0.7, postgres_of_sqlite ≥ 0.6, verify_share ≤ 0.2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from services.db import make_engine, migrate
from services.sync.client.agent import AgentOptions, SyncAgent
from services.sync.client.http import SyncClient
from services.sync.protocol.tables import TABLES
from tests.benchmarks.sync_setup import (
    connected_setup,
    fill_demo_company,
    online_database,
    peak_rss_mb,
)


async def sync_once(setup: Any, page_rows: int) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(120.0, connect=5.0)) as http:
        agent = SyncAgent(
            engine=setup.local_engine,
            company_id=setup.company_id,
            client=SyncClient(http, setup.server.url, setup.connection.token, setup.connection.tenant_uuid),
            trace=logging.getLogger("benchmark.sync"),
            options=AgentOptions(page_rows=page_rows),
        )
        started = time.perf_counter()
        await agent.initial_sync()
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        verified = await agent.verify()
        verify_seconds = time.perf_counter() - started
    if not verified or not all(verified.values()):
        raise SystemExit(f"verify failed: {verified}")
    return {"seconds": seconds, "verify_seconds": verify_seconds, "bytes_sent": agent.bytes_sent}


def raw_copy_seconds(local_db: Path, company_id: int, directory: Path) -> float:
    """Plain SQLite copy of the same rows into an empty online schema (ATTACH + INSERT … SELECT)."""
    engine = make_engine(f"sqlite:///{directory / 'raw.sqlite3'}")
    migrate("online", engine)
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        conn.execute(
            "INSERT INTO tenants (id, uuid, name, street, postal_code, city, country, phone, email, "
            "registration_number, seats, modules, seq, created_at) VALUES (1, 'raw', 'raw', '', '', '', '', "
            "'', '', '', 5, '', 0, '2024-01-01 00:00:00.000000')"
        )
        conn.execute("ATTACH DATABASE ? AS src", (str(local_db),))
        started = time.perf_counter()
        conn.execute("BEGIN")
        for spec in TABLES.values():
            cols = ", ".join(f'"{c}"' for c in spec.column_names)
            conn.execute(
                f'INSERT INTO "{spec.online_table}" (tenant_id, uuid, seq, deleted, updated_at, {cols}) '
                f'SELECT 1, uuid, 1, 0, updated_at, {cols} FROM src."{spec.name}" WHERE company_id = ?',
                (company_id,),
            )
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        raw.close()
        engine.dispose()


def one_run(size: str, online_db: str, page_rows: int, demo_db: Path) -> dict[str, Any]:
    """One initial sync + verify of a fresh copy of ``demo_db`` into a fresh online database, and
    the raw SQLite copy of the same rows right after it (same minute, same machine load)."""
    with tempfile.TemporaryDirectory(prefix="sync-bench-") as tmp:
        base = Path(tmp)
        client_dir = base / "client"
        client_dir.mkdir()
        shutil.copy(demo_db, client_dir / "business.sqlite3")
        with (
            online_database(online_db, base / "online") as url,
            connected_setup(base, url, client_dir) as setup,
        ):
            result = asyncio.run(sync_once(setup, page_rows))
            server_rss = peak_rss_mb(setup.server.process.pid)
            with setup.local() as s:
                rows = sum(
                    s.connection()
                    .exec_driver_sql(
                        f'SELECT count(*) FROM "{name}" WHERE company_id = ?', (setup.company_id,)
                    )
                    .scalar_one()
                    for name in TABLES
                )
        raw = raw_copy_seconds(client_dir / "business.sqlite3", setup.company_id, base)
    return {**result, "rows": rows, "server_rss": server_rss, "raw": raw}


def _engine_figures(size: str, online_db: str, page_rows: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = statistics.median(r["seconds"] for r in runs)
    rows = runs[0]["rows"]
    return {
        "size": size,
        "online_db": online_db,
        "rows": rows,
        "runs": len(runs),
        "seconds": round(seconds, 2),
        "seconds_all": [round(r["seconds"], 2) for r in runs],
        "rows_per_second": round(rows / seconds),
        "bytes_sent": runs[0]["bytes_sent"],
        "server_peak_rss_mb": max(r["server_rss"] for r in runs),
        "verify_seconds": round(statistics.median(r["verify_seconds"] for r in runs), 2),
        # verify time / sync time, median of the runs (target ≤ 0.2 at L)
        "verify_share": round(statistics.median(r["verify_seconds"] / r["seconds"] for r in runs), 3),
        "raw_copy_seconds": round(statistics.median(r["raw"] for r in runs), 2),
        # raw copy time / sync time, each run against its own raw copy (1.0 = as fast as the copy)
        "of_raw_copy": round(statistics.median(r["raw"] / r["seconds"] for r in runs), 3),
        "page_rows": page_rows,
    }


def run(
    size: str, online_db: str, page_rows: int, demo_db: Path | None = None, repeat: int = 3
) -> dict[str, Any]:
    """``repeat`` runs per engine (engines interleaved, so both see the same machine load);
    medians. ``online_db`` "both" also reports PostgreSQL's rate as a share of SQLite's."""
    engines = ["sqlite", "postgres"] if online_db == "both" else [online_db]
    with tempfile.TemporaryDirectory(prefix="sync-bench-demo-") as tmp:
        if demo_db is None:
            fill_demo_company(Path(tmp), size)
            demo_db = Path(tmp) / "business.sqlite3"
        runs: dict[str, list[dict[str, Any]]] = {engine: [] for engine in engines}
        for _ in range(repeat):
            for engine in engines:
                runs[engine].append(one_run(size, engine, page_rows, demo_db))
    figures = {engine: _engine_figures(size, engine, page_rows, runs[engine]) for engine in engines}
    client_rss = peak_rss_mb()
    if len(engines) == 1:
        result = figures[engines[0]]
        server_rss = result["server_peak_rss_mb"]
        return {**result, "peak_rss_mb": max(client_rss, server_rss), "client_peak_rss_mb": client_rss}
    pairs = zip(runs["sqlite"], runs["postgres"], strict=True)
    ratios = [lite["seconds"] / pg["seconds"] for lite, pg in pairs]
    return {
        "size": size,
        "online_db": "both",
        "client_peak_rss_mb": client_rss,
        "peak_rss_mb": max(client_rss, *(f["server_peak_rss_mb"] for f in figures.values())),
        # PostgreSQL's rate as a share of SQLite's, run by run (target ≥ 0.6)
        "postgres_of_sqlite": round(statistics.median(ratios), 3),
        **figures,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=("S", "M", "L"), default="L")
    parser.add_argument("--online-db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=3, help="runs per engine (medians are reported)")
    parser.add_argument("--page-rows", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    parser.add_argument("--demo-db", type=Path, help="copy this business.sqlite3 (made by demo-data) instead")
    args = parser.parse_args(argv)
    result = run(args.size, args.online_db, args.page_rows, args.demo_db, args.repeat)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
