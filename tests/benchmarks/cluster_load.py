"""Benchmark: many companies syncing through HAProxy to two Online Desktop instances, and to one.

    python -m tests.benchmarks.cluster_load [--companies 50] [--seconds 120] [--workers 2]
        [--pause 1,4] [--json]

Starts a deployment as tests/scale/cluster.py does (fresh PostgreSQL database, Redis, HAProxy with
deploy/haproxy.cfg) with two instances, then again with one (HAProxy's two server lines pointing
at that one process, so the path is the same). Worker processes each hold a Business Software
database with their share of ``--companies`` small companies (20 contacts each), connect each to
its own company account and run its sync agent (initial sync, then continuous) through the
balancer. Then, for ``--seconds``, every company edits in a closed loop: a contact's city in the
Business Software database (as the desktop does), wait until the Online Desktop database holds
it, then the contact's phone online (through the sync server's online-change path, written from
the worker, as an Online Desktop page does from an instance: NOTIFY wakes the instances' waiting
pulls), wait until the Business Software database holds it, a random pause of ``--pause MIN,MAX``
seconds (default 1,4: a person saving a record every few seconds), again. ``--pause 0,0.05`` is the
former closed loop that edits as fast as the machine allows: with 50 companies it keeps ~50 edits
in flight on two shared cores, so its latency is the queue (Little's law: in flight / throughput),
not the time a change takes; its mutations per second is then the capacity.

Prints one JSON object per configuration, plus the ratio of the throughputs (same run):
mutations per second (both directions; median of three equal time windows, and overall), errors
(agent retries and warnings, edits that did not arrive within 30 s, companies whose counts and
checksums differ at the end: must all be 0), change latency p50/p95 per direction, PostgreSQL
connections (peak per instance, sampled every second) and memory per instance (RSS at the end,
peak) and the CPU seconds of each instance and of the client workers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import multiprocessing
import os
import random
import statistics
import tempfile
import threading
import time
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from models.local import Contact, SyncConnection
from services.db import PoolSettings, make_engine, make_session_factory, open_databases
from services.local.changes import ChangeHub
from services.sync.client.agent import AgentOptions, SyncAgent
from services.sync.client.http import SyncClient
from services.sync.client.tracking import install_change_tracking
from services.sync.server.listen import PostgresWakeups
from services.sync.server.notify import TenantNotifier
from services.sync.server.service import SyncServer
from tests.benchmarks.latency import percentile
from tests.sealing import TEST_SEAL
from tests.sync.local_helpers import connect_company, create_company, fill, local_summary, online_summary

CONTACTS = 20
ARRIVAL_TIMEOUT = 30.0
RECHECK = 0.25  # seconds: arrival checks run on every wake-up, and at least this often


class Counter(logging.Handler):
    """Counts warnings and errors of the agents (every retry logs one)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.samples: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.samples) < 5:
            self.samples.append(record.getMessage()[:200])


# --- a worker process: its share of the companies -----------------------------------------------


def worker(
    index: int,
    companies: int,
    balancer: str,
    online_url: str,
    folder: str,
    seconds: float,
    pause: tuple[float, float],
    pipe: Pipe,
) -> None:
    logging.basicConfig(level=logging.ERROR)
    counter = Counter()
    trace = logging.getLogger(f"cluster_load.{index}")
    trace.setLevel(logging.WARNING)
    trace.addHandler(counter)
    trace.propagate = False
    Path(folder).mkdir(parents=True, exist_ok=True)
    try:
        result = asyncio.run(
            _work(index, companies, balancer, online_url, Path(folder), seconds, pause, trace)
        )
        result["errors"]["agent_warnings"] = counter.count
        times = os.times()
        result["cpu_seconds"] = round(times.user + times.system, 1)
        result["error_samples"] = counter.samples + result["error_samples"]
        pipe.send(result)
    except BaseException as exc:  # report, do not hang the parent
        pipe.send({"failed": repr(exc)})
        raise


async def _work(
    index: int,
    companies: int,
    balancer: str,
    online_url: str,
    folder: Path,
    seconds: float,
    pause: tuple[float, float],
    trace: logging.Logger,
) -> dict[str, Any]:
    local_db = open_databases(local_url=f"sqlite:///{folder / 'business.sqlite3'}", online_url=None)
    assert local_db.local is not None and local_db.local_engine is not None
    engine, local = local_db.local_engine, local_db.local
    install_change_tracking(engine)
    online_engine = make_engine(online_url, pool=PoolSettings(size=4, application_name=f"benchmark {index}"))
    online = make_session_factory(online_engine)
    server = SyncServer(online)
    plan = _set_up(local, server, companies, index, balancer)
    hub = ChangeHub()  # the agents announce what their pulls applied (as to open screens)
    notifier = TenantNotifier()  # the instances' NOTIFY of every write to a tenant (as to pages)
    wakeups = PostgresWakeups(online_url, notifier, application_name=f"benchmark {index}")
    wakeups.start()
    stop = asyncio.Event()
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(60.0, connect=5.0), limits=httpx.Limits(max_connections=4 * companies + 10)
    ) as http:
        agents = [
            SyncAgent(
                engine=engine,
                company_id=company_id,
                client=SyncClient(http, balancer, token, tenant_uuid),
                trace=trace,
                options=AgentOptions(verify_every=3600),
                changes=hub,
            )
            for company_id, _tenant_id, tenant_uuid, token, _uuid in plan
        ]
        await asyncio.gather(*(agent.initial_sync() for agent in agents))
        running = [asyncio.ensure_future(agent.continuous(stop)) for agent in agents]
        await asyncio.sleep(1.0)  # the first long polls wait
        checker = Arrivals(local, online)
        unsubscribe = [hub.subscribe(company_id, checker.woken) for company_id, *_rest in plan]
        subscriptions = [notifier.subscribe(tenant_id, checker.woken) for _c, tenant_id, *_rest in plan]
        checking = asyncio.ensure_future(checker.run())
        started = time.perf_counter()
        deadline = started + seconds
        loops = [
            asyncio.ensure_future(_edit_loop(checker, local, server, tenant_id, uuid, deadline, i, pause))
            for i, (_company, tenant_id, _tu, _token, uuid) in enumerate(plan)
        ]
        edits = [e for done in await asyncio.gather(*loops) for e in done]
        checker.stop = True
        checker.woken()
        await checking
        for end in unsubscribe:
            end()
        for subscription in subscriptions:
            subscription.close()
        wakeups.stop()
        stop.set()
        await asyncio.gather(*running, return_exceptions=True)
    mismatched = sum(
        1
        for company_id, tenant_id, *_rest in plan
        if local_summary(engine, company_id) != online_summary(server, tenant_id)
    )
    online_engine.dispose()
    local_db.dispose()
    return {
        "started": started,
        "edits": edits,  # (direction, committed_at, latency_ms or None)
        "errors": {"not_arrived": sum(1 for e in edits if e[2] is None), "mismatched_companies": mismatched},
        "error_samples": checker.errors[:5],
    }


def _set_up(
    local: sessionmaker[Session], server: SyncServer, companies: int, index: int, balancer: str
) -> list[tuple[int, int, str, str, str]]:
    plan = []
    for n in range(companies):
        company_id = create_company(local, f"Last {index}-{n} GmbH")
        fill(local, company_id, contacts=CONTACTS, seed=n)
        created = connect_company(local, server, company_id, online_url=balancer)
        with local() as s:
            uuid = s.scalars(select(Contact.uuid).where(Contact.company_id == company_id).limit(1)).one()
            sealed = s.scalars(
                select(SyncConnection.sealed_token).where(SyncConnection.company_id == company_id)
            )
            token = TEST_SEAL.open(sealed.one())
        plan.append((company_id, created.tenant_id, created.tenant_uuid, token, uuid))
    return plan


class Arrivals:
    """Pending edits by (direction, uuid), resolved by one query per direction for all of them.

    The check runs when something may have arrived, as a screen learns of it: an agent announced
    rows its pull applied (the Business Software side), or an instance's NOTIFY of a write to a
    tenant reached this process's LISTEN connection (the Online Desktop side); and every
    ``RECHECK`` seconds anyway. Polling every few milliseconds instead would cost this process
    (which shares the two cores with the instances) a query per direction each time."""

    def __init__(self, local: sessionmaker[Session], online: sessionmaker[Session]) -> None:
        self.local, self.online = local, online
        self.pending: dict[tuple[str, str], tuple[str, asyncio.Future[float]]] = {}
        self.stop = False
        self.errors: list[str] = []
        self._wake = asyncio.Event()

    def woken(self, _notice: object = None) -> None:
        self._wake.set()

    def expect(self, direction: str, uuid: str, value: str) -> asyncio.Future[float]:
        found: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.pending[(direction, uuid)] = (value, found)
        return found

    async def run(self) -> None:
        while not self.stop or self.pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), RECHECK)
            self._wake.clear()  # before reading: a wake-up from now on runs another check
            if self.pending:
                try:
                    seen = await asyncio.to_thread(self._read, dict(self.pending))
                except Exception as exc:
                    self.errors.append(repr(exc)[:200])
                    seen = set()
                now = time.perf_counter()
                for key in seen:
                    _value, found = self.pending.pop(key)
                    if not found.done():
                        found.set_result(now)
            if self.stop and all(f.done() for _v, f in self.pending.values()):
                break

    def _read(
        self, pending: dict[tuple[str, str], tuple[str, asyncio.Future[float]]]
    ) -> set[tuple[str, str]]:
        up = {uuid: value for (d, uuid), (value, _f) in pending.items() if d == "up"}
        down = {uuid: value for (d, uuid), (value, _f) in pending.items() if d == "down"}
        seen: set[tuple[str, str]] = set()
        if up:
            with self.online() as s:
                rows = s.execute(
                    text("SELECT uuid, city FROM online_contacts WHERE uuid = ANY(:u)"), {"u": list(up)}
                )
                seen |= {("up", uuid) for uuid, city in rows if up.get(uuid) == city}
        if down:
            with self.local() as s:
                rows = s.execute(select(Contact.uuid, Contact.phone).where(Contact.uuid.in_(list(down))))
                seen |= {("down", uuid) for uuid, phone in rows if down.get(uuid) == phone}
        return seen


async def _edit_loop(
    checker: Arrivals,
    local: sessionmaker[Session],
    server: SyncServer,
    tenant_id: int,
    uuid: str,
    deadline: float,
    n: int,
    pause: tuple[float, float],
) -> list[tuple[str, float, float | None]]:
    rng = random.Random(n)
    done: list[tuple[str, float, float | None]] = []
    await asyncio.sleep(rng.random())  # companies do not start in step
    i = 0
    while time.perf_counter() < deadline:
        i += 1
        value = f"Stadt {n}-{i}"
        arrival = checker.expect("up", uuid, value)
        committed = await asyncio.to_thread(_local_edit, local, uuid, value)
        done.append(("up", committed, await _latency(arrival, committed)))
        value = f"+49 {n} {i}"
        arrival = checker.expect("down", uuid, value)
        committed = await asyncio.to_thread(_online_edit, server, tenant_id, uuid, value)
        done.append(("down", committed, await _latency(arrival, committed)))
        await asyncio.sleep(rng.uniform(*pause))
    return done


async def _latency(arrival: asyncio.Future[float], committed: float) -> float | None:
    try:
        arrived = await asyncio.wait_for(asyncio.shield(arrival), ARRIVAL_TIMEOUT)
    except TimeoutError:
        return None
    return max(0.0, arrived - committed) * 1000


def _local_edit(local: sessionmaker[Session], uuid: str, value: str) -> float:
    with local.begin() as s:
        s.execute(update(Contact).where(Contact.uuid == uuid).values(city=value))
    return time.perf_counter()


def _online_edit(server: SyncServer, tenant_id: int, uuid: str, value: str) -> float:
    server.apply_online_change(tenant_id, table="contacts", uuid=uuid, fields={"phone": value})
    return time.perf_counter()


# --- the parent: one configuration --------------------------------------------------------------


def run_configuration(
    names: tuple[str, ...], companies: int, seconds: float, workers: int, pause: tuple[float, float]
) -> dict[str, Any]:
    from tests.scale.cluster import running_cluster

    with (
        tempfile.TemporaryDirectory(prefix="cluster-load-") as tmp,
        running_cluster(Path(tmp) / "cluster", names=names) as cluster,
    ):
        sampler = Sampler(cluster.engine, {n: s.process.pid for n, s in cluster.instances.items()})
        sampler.start()
        context = multiprocessing.get_context("spawn")
        pipes, processes = [], []
        shares = [companies // workers + (1 if i < companies % workers else 0) for i in range(workers)]
        for i, share in enumerate(shares):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=worker,
                args=(i, share, cluster.url, cluster.database_url, f"{tmp}/worker-{i}", seconds, pause, send),
            )
            process.start()
            pipes.append(receive)
            processes.append(process)
        results = [pipe.recv() for pipe in pipes]
        for process in processes:
            process.join(60)
        sampler.stop()
        failed = [r["failed"] for r in results if "failed" in r]
        if failed:
            raise SystemExit(f"a worker failed: {failed[0]}\n{cluster.log()}")
        return summarise(results, seconds, companies, sampler, len(names))


def summarise(
    results: list[dict[str, Any]], seconds: float, companies: int, sampler: Sampler, instances: int
) -> dict[str, Any]:
    edits = [e for r in results for e in r["edits"]]
    start = min(r["started"] for r in results)
    windows = [0, 0, 0]
    for _direction, committed, latency in edits:
        if latency is not None:
            windows[min(2, int((committed - start) / (seconds / 3)))] += 1
    errors: dict[str, int] = {}
    for r in results:
        for key, value in r["errors"].items():
            errors[key] = errors.get(key, 0) + value
    return {
        "instances": instances,
        "companies": companies,
        "seconds": seconds,
        "mutations": len(edits),
        "mutations_per_second": round(len(edits) / seconds, 1),
        "mutations_per_second_median_of_3_windows": round(statistics.median(windows) / (seconds / 3), 1),
        "errors": {"total": sum(errors.values()), **errors},
        "error_samples": [s for r in results for s in r.get("error_samples", [])][:5],
        "latency_ms": {
            "local_to_online": _latencies(edits, "up"),
            "online_to_local": _latencies(edits, "down"),
        },
        "db_connections_peak": sampler.connections,
        "memory_mb": sampler.memory(),
        "cpu_seconds": {**sampler.cpu, "client_workers": round(sum(r["cpu_seconds"] for r in results), 1)},
    }


def _latencies(edits: list[tuple[str, float, float | None]], direction: str) -> dict[str, float]:
    values = [e[2] for e in edits if e[0] == direction and e[2] is not None]
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": round(statistics.median(values), 1),
        "p95": round(percentile(values, 0.95), 1),
        "max": round(max(values), 1),
    }


class Sampler(threading.Thread):
    """Every second: PostgreSQL connections per application, RSS of every instance."""

    def __init__(self, engine: Engine, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.engine, self.pids = engine, pids
        self.connections: dict[str, int] = {}
        self.rss: dict[str, list[float]] = {name: [] for name in pids}
        self.cpu: dict[str, float] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(1.0):
            with self.engine.connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT application_name, count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() GROUP BY application_name"
                    )
                )
                now: dict[str, int] = {}
                for name, count in rows:
                    key = _application(str(name))
                    now[key] = now.get(key, 0) + int(count)
            for key, count in now.items():
                self.connections[key] = max(self.connections.get(key, 0), count)
            for name, pid in self.pids.items():
                self.rss[name].append(_status_mb(pid, "VmRSS"))
                self.cpu[name] = _cpu_seconds(pid) or self.cpu.get(name, 0.0)

    def stop(self) -> None:
        self._halt.set()
        self.join(5)

    def memory(self) -> dict[str, dict[str, float]]:
        return {
            name: {"rss_end": values[-1] if values else 0.0, "rss_peak": _status_mb(self.pids[name], "VmHWM")}
            for name, values in self.rss.items()
        }


def _application(name: str) -> str:
    if name.startswith("online-desktop instance-"):  # "online-desktop instance-a:8101[ listen]"
        return name.removeprefix("online-desktop ").split(":")[0] + (
            " (listen)" if name.endswith("listen") else ""
        )
    if name.startswith("benchmark"):
        return "benchmark workers"
    return "other"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 1)


def _status_mb(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except FileNotFoundError:
        pass
    return 0.0


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--companies", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=2, help="client processes sharing the companies")
    parser.add_argument("--pause", default="1,4", help="min,max seconds between one company's edit rounds")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args(argv)
    low, high = (float(v) for v in args.pause.split(","))
    os.environ.setdefault("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    two = run_configuration(("a", "b"), args.companies, args.seconds, args.workers, (low, high))
    one = run_configuration(("a",), args.companies, args.seconds, args.workers, (low, high))
    result = {
        "cpus": os.cpu_count(),
        "pause_seconds": [low, high],
        "two_instances": two,
        "one_instance": one,
        "throughput_two_vs_one": round(
            two["mutations_per_second"] / max(one["mutations_per_second"], 0.001), 2
        ),
    }
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
