"""Benchmark: many companies syncing against one Online Desktop process, and the change latency then.

    python -m tests.benchmarks.load [--companies 5|10|20] [--size S] [--edits 30]
        [--online-db sqlite|postgres] [--json]

Fills one demo company (``--size``), copies its database once per company, starts one
``main.py --role online`` on loopback and connects every company to a tenant of its own. All
companies then run the agent's initial sync at the same time (in this process, one agent each)
and go on with continuous sync while every company but the probe keeps editing a contact every
0.2–1 s. The probe company measures change latency both ways like ``latency`` (local edit →
visible online; online edit by another process → visible locally), with random gaps. At the end
every company is verified (counts and checksums of every table must match its tenant).

Prints one JSON object: companies, rows, initial-sync seconds and rows per second over all
companies, latency p50/p95/max per direction, background edits made, server RSS before and after,
failures. Targets (issue 15): p95 ≤ 250 ms both ways with 20 companies syncing.

``--edit-gap MIN,MAX`` (default 0.2,1.0) is the pause between one company's background edits: a
busy office, not a loop that edits as fast as the machine allows (that would measure queueing on
two cores, not change latency); ``edits_per_second`` and ``synced_rows_per_second`` (the server's
daily counters: rows pushed and pulled) give the throughput that came with it.

``--browsers K`` (see load_browsers.py) runs the measured phase twice in the same run: without
browsers, then while K Chromium contexts log in to the Online Desktop, open the contacts list and
search; it adds page-open and search-to-table timings, failures, and the ratio of the synced rows
per second with and without browsers (target: page open p95 ≤ 1 s, search p95 ≤ 500 ms, no failed
page, ratio ≥ 0.67). ``--idle`` drops edits and probe (only the browsers, ``--browse-seconds``):
with ``--companies 1 --size L --browsers 1`` it times page opens at about 100,000 contacts (target
p95 ≤ 300 ms). ``--settle S`` reads the server's RSS again S seconds after sync stopped (target:
within 15 % of the idle figure after 60 s).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company, Contact, SyncConnection
from services.commits import signal_commits
from services.db import make_engine, make_session_factory
from services.sync.client.agent import AgentOptions, SyncAgent
from services.sync.client.http import SyncClient
from services.sync.client.tracking import install_change_tracking
from services.sync.protocol.messages import CompanyInfo
from services.sync.protocol.tables import TABLES
from services.sync.server.connections import ConnectionCreated, ConnectionService
from services.sync.server.service import SyncServer
from tests.benchmarks.latency import GAP, summary, visible_after
from tests.benchmarks.load_browsers import Browsing, Timings, add_people
from tests.benchmarks.sync_setup import COMPANY, fill_demo_company, online_database
from tests.live_server import ServerFactory
from tests.sealing import TEST_SEAL


@dataclass
class Member:
    engine: Engine
    sessions: sessionmaker[Session]
    company_id: int
    connection: ConnectionCreated


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def connect_copies(
    base: Path, demo: Path, count: int, online: sessionmaker[Session], url: str
) -> list[Member]:
    companies = []
    for i in range(count):
        directory = base / f"client-{i}"
        directory.mkdir()
        shutil.copy(demo, directory / "business.sqlite3")
        engine = make_engine(f"sqlite:///{directory / 'business.sqlite3'}")
        sessions = make_session_factory(engine)
        install_change_tracking(engine)
        signal_commits(sessions, engine)
        created = ConnectionService(online).create_connection(
            online_id_id=None, company=CompanyInfo(name=f"{COMPANY} {i}")
        )
        with sessions.begin() as s:
            company_id = s.scalars(select(Company.id).where(Company.name == COMPANY)).one()
            s.add(
                SyncConnection(
                    company_id=company_id,
                    online_url=url,
                    tenant_uuid=created.tenant_uuid,
                    sealed_token=TEST_SEAL.seal(created.token),
                )
            )
        companies.append(Member(engine, sessions, company_id, created))
    return companies


def contact_uuids(company: Member, limit: int) -> list[str]:
    with company.sessions() as s:
        return list(
            s.scalars(select(Contact.uuid).where(Contact.company_id == company.company_id).limit(limit))
        )


async def background_edits(
    company: Member, stop: asyncio.Event, rng: random.Random, gap: tuple[float, float]
) -> int:
    """Edit a contact of ``company`` after every random pause of ``gap`` seconds until ``stop``;
    returns how many."""
    uuids = await asyncio.to_thread(contact_uuids, company, 50)
    made = 0

    def edit(uuid: str) -> None:
        with company.sessions.begin() as s:
            s.execute(update(Contact).where(Contact.uuid == uuid).values(notes=f"Last {time.time_ns()}"))

    while not stop.is_set():
        await asyncio.to_thread(edit, rng.choice(uuids))
        made += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), rng.uniform(*gap))
    return made


async def probe(
    company: Member, server: SyncServer, online_engine: Engine, edits: int, rng: random.Random
) -> dict[str, list[float]]:
    online_table = TABLES["contacts"].online_table
    tenant_id = company.connection.tenant_id
    uuids = await asyncio.to_thread(contact_uuids, company, edits)

    def local_edit(uuid: str, value: str) -> float:
        with company.sessions.begin() as s:
            s.execute(update(Contact).where(Contact.uuid == uuid).values(city=value))
        return time.perf_counter()

    def online_has(uuid: str, value: str) -> bool:
        with online_engine.connect() as conn:
            found = conn.execute(
                text(f'SELECT city FROM "{online_table}" WHERE tenant_id = :t AND uuid = :u'),
                {"t": tenant_id, "u": uuid},
            ).scalar()
        return bool(found == value)

    def online_edit(uuid: str, value: str) -> float:
        server.apply_online_change(tenant_id, table="contacts", uuid=uuid, fields={"phone": value})
        return time.perf_counter()

    def local_has(uuid: str, value: str) -> bool:
        with company.sessions() as s:
            return s.scalar(select(Contact.phone).where(Contact.uuid == uuid)) == value

    up: list[float] = []
    down: list[float] = []
    for i, uuid in enumerate(uuids):
        await asyncio.sleep(rng.uniform(*GAP))
        value = f"Last {i} {time.time_ns()}"
        committed = await asyncio.to_thread(local_edit, uuid, value)
        up.append(await visible_after(committed, partial(online_has, uuid, value), "local to online"))
        await asyncio.sleep(rng.uniform(*GAP))
        value = f"+49 {i} {time.time_ns() % 10**9}"
        committed = await asyncio.to_thread(online_edit, uuid, value)
        down.append(await visible_after(committed, partial(local_has, uuid, value), "online to local"))
    return {"local_to_online": up, "online_to_local": down}


async def verify_settled(agent: SyncAgent) -> int:
    """Tables that differ (every one counts when no quiet moment came within 30 s)."""
    for _attempt in range(60):
        verified = await agent.verify()
        if verified is not None:
            return sum(1 for same in verified.values() if not same)
        await asyncio.sleep(0.5)
    return len(TABLES)


def synced_rows(online_engine: Engine) -> int:
    """Rows the server moved so far (pushed and pulled, every company): its daily counters."""
    with online_engine.connect() as conn:
        moved = conn.execute(text("SELECT coalesce(sum(rows_up + rows_down), 0) FROM sync_daily_rows"))
        return int(moved.scalar_one())


@dataclass(frozen=True, kw_only=True)
class Plan:
    edits: int  # probe edits per direction (0: no probe, no background edits: idle)
    gap: tuple[float, float]  # seconds between one company's background edits
    browsers: int
    browse_seconds: float  # idle only: how long people browse
    server_pid: int = 0


async def phase(
    companies: list[Member], server: SyncServer, online_engine: Engine, plan: Plan, rng: random.Random
) -> dict[str, Any]:
    """Background edits of every company but the probe while the probe measures change latency."""
    pid = plan.server_pid
    rows, cpu, started = (
        await asyncio.to_thread(synced_rows, online_engine),
        cpu_seconds(pid),
        time.perf_counter(),
    )
    quiet = asyncio.Event()
    editing = [asyncio.ensure_future(background_edits(c, quiet, rng, plan.gap)) for c in companies[1:]]
    try:
        latencies = await probe(companies[0], server, online_engine, plan.edits, rng)
    finally:
        quiet.set()
        made = sum(await asyncio.gather(*editing))
    seconds = time.perf_counter() - started
    moved = await asyncio.to_thread(synced_rows, online_engine) - rows
    out: dict[str, Any] = {
        "seconds": round(seconds, 1),
        "background_edits": made,
        "edits_per_second": round(made / seconds, 1),
        "synced_rows_per_second": round(moved / seconds, 1),
        "server_cpu_share": round((cpu_seconds(pid) - cpu) / seconds, 2),
    }
    for direction, values in latencies.items():
        out[direction] = summary(values)
    return out


async def measure(
    companies: list[Member], url: str, server: SyncServer, online_engine: Engine, plan: Plan
) -> dict[str, Any]:
    rng = random.Random(15)
    # Each company is normally its own Business Software process with its own worker threads;
    # here they share one process, so it gets the threads of all of them.
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=2 * len(companies) + 8))
    limits = httpx.Limits(max_connections=4 * len(companies) + 10)
    result: dict[str, Any] = {}
    async with httpx.AsyncClient(timeout=httpx.Timeout(120.0, connect=5.0), limits=limits) as http:
        agents = [
            SyncAgent(
                engine=c.engine,
                company_id=c.company_id,
                client=SyncClient(http, url, c.connection.token, c.connection.tenant_uuid),
                trace=logging.getLogger("benchmark.load"),
                options=AgentOptions(verify_every=3600.0),
            )
            for c in companies
        ]
        started = time.perf_counter()
        await asyncio.gather(*(agent.initial_sync() for agent in agents))
        result["initial_seconds"] = time.perf_counter() - started
        people = []
        if plan.browsers:  # after the initial sync: they search for contacts that are online now
            tenants = [(c.connection.tenant_id, c.connection.tenant_uuid) for c in companies]
            online = make_session_factory(online_engine)
            people = await asyncio.to_thread(add_people, online, tenants, plan.browsers)
        stop = asyncio.Event()
        running = [asyncio.ensure_future(agent.continuous(stop)) for agent in agents]
        failures = 0
        try:
            await asyncio.sleep(1.0)
            if plan.edits:
                result["without_browsers"] = await phase(companies, server, online_engine, plan, rng)
            if people:
                browsing = Browsing(url, people)
                result["log_in_seconds"] = round(await browsing.start(), 1)
                try:
                    if plan.edits:
                        result["with_browsers"] = await phase(companies, server, online_engine, plan, rng)
                    else:
                        await asyncio.sleep(plan.browse_seconds)
                finally:
                    result["pages"] = await browsing.stop()
            for agent in agents:  # once settled, every table of every company must match its tenant
                failures += await verify_settled(agent)
        finally:
            stop.set()
            await asyncio.gather(*running, return_exceptions=True)
    result["failures"] = failures
    return result


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(companies: int, size: str, online_db: str, plan: Plan, settle: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="sync-load-") as tmp:
        base = Path(tmp)
        fill_demo_company(base / "demo", size)
        factory = ServerFactory(base_dir=base / "servers", admin_password="Bench-Mark-2024!")
        factory.base_dir.mkdir(parents=True, exist_ok=True)
        with online_database(online_db, base / "online") as url:
            online_engine = make_engine(url)
            try:
                server = factory("--role", "online", env={"ONLINE_DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
                online = make_session_factory(online_engine)
                clients = connect_copies(
                    base, base / "demo" / "business.sqlite3", companies, online, server.url
                )
                pid = server.process.pid
                rss_before = rss_mb(pid)
                plan = replace(plan, server_pid=pid)
                result = asyncio.run(measure(clients, server.url, SyncServer(online), online_engine, plan))
                rss_after = rss_mb(pid)
                time.sleep(settle)  # sync stopped: does the server give its memory back?
                rss_settled = rss_mb(pid)
                with clients[0].sessions() as s:
                    rows = sum(
                        s.connection()
                        .exec_driver_sql(
                            f'SELECT count(*) FROM "{name}" WHERE company_id = ?', (clients[0].company_id,)
                        )
                        .scalar_one()
                        for name in TABLES
                    )
                for c in clients:
                    c.engine.dispose()
            finally:
                factory.stop_all()
                online_engine.dispose()
    total = rows * companies
    out: dict[str, Any] = {
        "companies": companies,
        "size": size,
        "online_db": online_db,
        "edit_gap_seconds": list(plan.gap) if plan.edits else None,
        "rows": total,
        "initial_seconds": round(result["initial_seconds"], 2),
        "initial_rows_per_second": round(total / result["initial_seconds"]),
        "server_rss_mb_before": rss_before,
        "server_rss_mb_after": rss_after,
        f"server_rss_mb_{settle:g}s_after": rss_settled,
        "verify_failures": result["failures"],
    }
    quiet = result.get("without_browsers")
    if quiet is not None:  # the figures of the phase without browsers, as before
        out["background_edits"] = quiet["background_edits"]
        out["local_to_online"], out["online_to_local"] = quiet["local_to_online"], quiet["online_to_local"]
        out["without_browsers"] = quiet
    if plan.browsers:
        timings: Timings = result["pages"]
        out["browsers"] = {
            "count": plan.browsers,
            "log_in_seconds": result["log_in_seconds"],
            "page_open": summary(timings.page_open_ms) if timings.page_open_ms else {"n": 0},
            "search_to_table": summary(timings.search_ms) if timings.search_ms else {"n": 0},
            "failures": timings.failures,
            "failure_samples": timings.failure_samples,
        }
        busy = result.get("with_browsers")
        if busy is not None:
            out["with_browsers"] = busy
            out["sync_throughput_with_vs_without_browsers"] = (
                round(busy["synced_rows_per_second"] / max(quiet["synced_rows_per_second"], 0.001), 2)
                if quiet
                else None
            )
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--companies", type=int, default=20)
    parser.add_argument("--size", choices=("S", "M", "L"), default="S")
    parser.add_argument("--online-db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--edits", type=int, default=30, help="probe edits per direction (per phase)")
    parser.add_argument(
        "--edit-gap", default="0.2,1.0", help="min,max seconds between one company's background edits"
    )
    parser.add_argument("--browsers", type=int, default=0, help="Chromium contexts on the contacts list")
    parser.add_argument(
        "--idle", action="store_true", help="no edits, no probe: only the browsers, for --browse-seconds"
    )
    parser.add_argument("--browse-seconds", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=0.0, help="seconds to wait before RSS is read again")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args(argv)
    low, high = (float(v) for v in args.edit_gap.split(","))
    plan = Plan(
        edits=0 if args.idle else args.edits,
        gap=(low, high),
        browsers=args.browsers,
        browse_seconds=args.browse_seconds,
    )
    result = run(args.companies, args.size, args.online_db, plan, args.settle)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    if result["verify_failures"]:
        raise SystemExit(f"{result['verify_failures']} tables differ after the run")
    return result


if __name__ == "__main__":
    main()
