"""Benchmark: building the Online Desktop dashboard of a synchronised size-L company.

    python -m tests.benchmarks.dashboard [--size L] [--online-db sqlite|postgres|both] [--repeat 15] [--json]

Fills a company with the demo-data command once (at size L about 60,000 sales orders over three
years and 85,000 activities), synchronises it through the real HTTP sync into a fresh Online
Desktop database of each backend, then times ``WorkspaceDashboard.build`` -- the one call the
company home page makes for its charts -- for a Super User. As a reference measured in the same
run it times ``WorkspaceAccess.open_page`` (the frame's call every page makes) and reports the
ratio. Prints per backend the median, 95th percentile and minimum in milliseconds; the budget is
300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from models.online import Membership, OnlineActivity, OnlineId, OnlineSalesOrder
from services.db import make_engine
from services.online.workspace.access import WorkspaceAccess
from services.online.workspace.dashboard import WorkspaceDashboard
from tests.benchmarks.initial_sync import sync_once
from tests.benchmarks.latency import percentile
from tests.benchmarks.sync_setup import Setup, connected_setup, fill_demo_company, online_database

BUDGET_MS = 300.0


def timed(call: Callable[[], Any], repeat: int) -> dict[str, float]:
    call()  # warm: mappers, statement cache, the database's pages
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "min_ms": round(min(times), 1),
    }


def measure(setup: Setup, repeat: int) -> dict[str, Any]:
    tenant_id, tenant_uuid = setup.connection.tenant_id, setup.connection.tenant_uuid
    with setup.online.begin() as s:  # the benchmark's account has no Online ID yet: add its Super User
        person = OnlineId(email="bench@example.com", status="active")
        s.add(person)
        s.flush()
        online_id = person.id
        s.add(Membership(tenant_id=tenant_id, online_id_id=online_id, role="super_user"))
    with setup.online() as s:
        orders = s.scalar(select(func.count()).where(OnlineSalesOrder.tenant_id == tenant_id)) or 0
        activities = s.scalar(select(func.count()).where(OnlineActivity.tenant_id == tenant_id)) or 0
    dashboard = WorkspaceDashboard(setup.online)
    board = dashboard.build(online_id, tenant_uuid)
    assert board.sales is not None and any(m.count for m in board.sales.months)
    build = timed(lambda: dashboard.build(online_id, tenant_uuid), repeat)
    reference = timed(lambda: WorkspaceAccess(setup.online).open_page(online_id, tenant_uuid), repeat)
    return {
        "sales_orders": orders,
        "activities": activities,
        "invoiced_last_12_months": sum(m.count for m in board.sales.months),
        "dashboard": build,
        "reference_open_page": reference,
        "ratio_to_reference": round(build["median_ms"] / max(reference["median_ms"], 0.01), 1),
        "within_budget": build["p95_ms"] <= BUDGET_MS,
    }


def run(size: str, backends: list[str], repeat: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="dashboard-") as tmp:
        base = Path(tmp)
        client_dir = base / "client"
        fill_demo_company(client_dir, size)
        for kind in backends:
            with (
                online_database(kind, base / f"online-{kind}") as url,
                connected_setup(base / kind, url, client_dir) as setup,
            ):
                asyncio.run(sync_once(setup, 10_000))
                results[kind] = measure(setup, repeat)
            _forget_sync_state(client_dir)
    return {"size": size, "repeat": repeat, "budget_ms": BUDGET_MS, "backends": results}


def _forget_sync_state(client_dir: Path) -> None:
    """The next backend syncs the same company from scratch."""
    engine = make_engine(f"sqlite:///{client_dir / 'business.sqlite3'}")
    with engine.begin() as conn:
        for table in (
            "sync_connections",
            "sync_states",
            "sync_checkpoints",
            "sync_outbox",
            "sync_applying",
            "sync_runs",
        ):
            conn.execute(text(f"DELETE FROM {table}"))
    engine.dispose()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=("S", "M", "L"), default="L")
    parser.add_argument("--online-db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgres"] if args.online_db == "both" else [args.online_db]
    result = run(args.size, backends, max(3, args.repeat))
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
