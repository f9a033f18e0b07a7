"""Benchmark: the Online Desktop's contacts list of a synchronised size-L company.

    python -m tests.benchmarks.online_contacts [--size L] [--online-db sqlite|postgres] [--json]

Fills a company with the demo-data command (about 100,000 contacts at size L), synchronises it
to a fresh Online Desktop database through the real HTTP sync (as the initial_sync benchmark
does), then times ``WorkspaceLists.rows`` -- the call the online contacts page makes for
every search, sort or page change -- for typical requests of a Super User, and prints per case the
median and 95th percentile in milliseconds and how many contacts matched.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from models.online import Membership, OnlineContact, OnlineId
from services.online.workspace.lists import WorkspaceLists
from tests.benchmarks.initial_sync import sync_once
from tests.benchmarks.latency import percentile
from tests.benchmarks.sync_setup import Setup, connected_setup, fill_demo_company, online_database

CASES: dict[str, dict[str, Any]] = {
    "first_page_by_name": {},
    "common_fragment": {"search": "mann"},
    "postal_code": {"search": "59388"},
    "deep_page_by_name": {"page": 2000},
    "sorted_by_city_descending": {"sort": "city", "descending": True, "page": 50},
    "no_match": {"search": "zzzz-nichts"},
}


def measure(setup: Setup, repeat: int) -> dict[str, Any]:
    tenant_id = setup.connection.tenant_id
    with setup.online.begin() as s:  # the benchmark's account has no Online ID yet: add its Super User
        person = OnlineId(email="bench@example.com", status="active")
        s.add(person)
        s.flush()
        online_id = person.id
        s.add(Membership(tenant_id=tenant_id, online_id_id=online_id, role="super_user"))
    workspace = WorkspaceLists(setup.online)
    with setup.online() as s:
        contacts = s.scalar(select(func.count()).where(OnlineContact.tenant_id == tenant_id)) or 0
    cases: dict[str, Any] = {}
    for name, request in CASES.items():
        times, page = [], None
        for _ in range(repeat):
            started = time.perf_counter()
            page = workspace.rows(online_id, setup.connection.tenant_uuid, register="contacts", **request)
            times.append((time.perf_counter() - started) * 1000)
        assert page is not None
        cases[name] = {
            "request": request,
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "matches": page.total,
            "shown": len(page.rows),
        }
    return {"contacts": contacts, "cases": cases}


def run(size: str, online_db: str, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="online-contacts-") as tmp:
        base = Path(tmp)
        client_dir = base / "client"
        fill_demo_company(client_dir, size)
        with (
            online_database(online_db, base / "online") as url,
            connected_setup(base, url, client_dir) as setup,
        ):
            asyncio.run(sync_once(setup, 10_000))
            result = measure(setup, repeat)
    return {"size": size, "online_db": online_db, "repeat": repeat, **result}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=("S", "M", "L"), default="L")
    parser.add_argument("--online-db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args(argv)
    result = run(args.size, args.online_db, args.repeat)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
