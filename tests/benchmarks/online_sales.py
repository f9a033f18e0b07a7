"""Benchmark: the Online Desktop's sales list (quotes, orders, invoices) of a large company account.

    python -m tests.benchmarks.online_sales [--size S|M|L] [--online-db sqlite|postgres] [--json]

Fills a fresh, migrated Online Desktop database with one company account holding, at size L,
100,000 contacts and 100,000 sales documents (quotes, orders and invoices over three years),
written directly into the synced tables as a sync would leave them. Then times
``WorkspaceSales.rows`` -- the call the sales page makes for every search, sort, filter or page
change -- for typical requests, and prints per case the median and 95th percentile in
milliseconds, how many documents matched, and the ratio of the p95 to a reference measured in the
same run (reading one document by its UUID, the cheapest indexed read of the same table). It
also times ``WorkspaceDashboard.build`` of the same account (the company home page; budget
300 ms), on the day the documents end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
import uuid as uuids
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from models.online import Membership, OnlineContact, OnlineId, OnlineSalesOrder, Tenant
from services.clock import FrozenClock
from services.db import make_engine, make_session_factory
from services.online.housekeeping import OnlineHousekeeping
from services.online.workspace.dashboard import WorkspaceDashboard
from services.online.workspace.sales import WorkspaceSales
from services.online.workspace.search_index import install_online_search
from tests.benchmarks.latency import percentile
from tests.benchmarks.sync_setup import online_database

SIZES = {"S": 1_000, "M": 20_000, "L": 100_000}
TODAY = dt.date(2026, 11, 30)  # the day the documents end
DASHBOARD_BUDGET_MS = 300.0
CHUNK = 5_000
CASES: dict[str, dict[str, Any]] = {
    "first_page_newest": {},
    "orders_only": {"status": "order"},
    "invoices_by_number": {"status": "invoice", "sort": "number", "descending": False},
    "customer_fragment": {"search": "mann"},
    "document_number": {"search": ""},  # an existing document's number, read from the data
    "orders_of_a_customer": {"status": "order", "search": "Gartenbau"},
    "deep_page_newest": {"page": 2000},
    "sorted_by_total_descending": {"sort": "total", "descending": True, "page": 50},
    "no_match": {"search": "zzzz-nichts"},
}
FIRST = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
         "Hoffmann", "Schulz", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Neumann",
         "Schwarz", "Zimmermann")  # fmt: skip
TRADE = ("Gartenbau", "Metallbau", "Elektro", "Sanitär", "Druckerei", "Logistik", "Software", "Bäckerei",
         "Holzbau", "Optik", "Reisen", "Consulting", "Handel", "Dach", "Maler")  # fmt: skip
FORM = ("GmbH", "KG", "AG", "e.K.", "GmbH & Co. KG", "OHG")
CITIES = ("Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Leipzig", "Dresden", "Bonn")
STATUSES = ("quote", "order", "order", "invoice", "invoice", "invoice")
PREFIX = {"quote": "AN", "order": "A", "invoice": "R"}


def fill(sessions: sessionmaker[Session], size: str, seed: int = 7) -> tuple[int, str]:
    """One company account with its Super User, contacts and sales documents; returns (person, tenant)."""
    count = SIZES[size]
    rng = random.Random(seed)
    today = TODAY
    with sessions.begin() as s:
        tenant = Tenant(name="Benchmark GmbH", seq=1)
        person = OnlineId(email="bench@example.com", status="active")
        s.add_all([tenant, person])
        s.flush()
        s.add(Membership(tenant_id=tenant.id, online_id_id=person.id, role="super_user"))
        tenant_id, tenant_uuid, person_id = tenant.id, tenant.uuid, person.id
    contacts = [str(uuids.UUID(int=rng.getrandbits(128))) for _ in range(count)]
    for start in range(0, count, CHUNK):
        rows = [
            {
                "tenant_id": tenant_id, "seq": 1, "deleted": False, "uuid": contacts[i],
                "number": f"K{10000 + i}",
                "name": f"{rng.choice(FIRST)} {rng.choice(TRADE)} {rng.choice(FORM)}",
                "kind": "company", "street": f"Hauptstraße {i % 200 + 1}",
                "postal_code": f"{rng.randint(1000, 99999):05d}", "city": rng.choice(CITIES), "country": "DE",
                "phone": "", "email": f"info{i}@example.de", "website": "", "notes": "",
                "updated_at": dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
            }
            for i in range(start, min(start + CHUNK, count))
        ]  # fmt: skip
        with sessions.begin() as s:
            s.execute(insert(OnlineContact), rows)
    for start in range(0, count, CHUNK):
        rows = []
        for i in range(start, min(start + CHUNK, count)):
            status = rng.choice(STATUSES)
            rows.append(
                {
                    "tenant_id": tenant_id, "seq": 1, "deleted": False,
                    "uuid": str(uuids.UUID(int=rng.getrandbits(128))),
                    "number": f"{PREFIX[status]}-{100001 + i}", "status": status,
                    "order_date": today - dt.timedelta(days=rng.randint(0, 3 * 365)),
                    "delivery_date": None, "our_reference": "", "notes": "",
                    "total": Decimal(rng.randint(500, 2_500_000)) / 100,
                    "contact_uuid": rng.choice(contacts), "employee_uuid": None, "contact_person_uuid": None,
                    "updated_at": dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
                }
            )  # fmt: skip
        with sessions.begin() as s:
            s.execute(insert(OnlineSalesOrder), rows)
    return person_id, tenant_uuid


def timed(fn: Any, repeat: int) -> tuple[list[float], Any]:
    times, answer = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        answer = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, answer


def measure(sessions: sessionmaker[Session], person: int, tenant: str, repeat: int) -> dict[str, Any]:
    sales = WorkspaceSales(sessions, lambda *a, **k: [])
    with sessions() as s:
        some, some_number = s.execute(select(OnlineSalesOrder.uuid, OnlineSalesOrder.number).limit(1)).one()
    reference, _doc = timed(lambda: sales.document(person, tenant, uuid=some), repeat)
    reference_ms = statistics.median(reference)
    cases: dict[str, Any] = {}
    for name, request in {**CASES, "document_number": {"search": some_number}}.items():
        sales.rows(person, tenant, **request)  # warm the cache like an open page does
        times, page = timed(lambda request=request: sales.rows(person, tenant, **request), repeat)
        p95 = percentile(times, 0.95)
        cases[name] = {
            "request": request,
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(p95, 1),
            "p95_to_reference": round(p95 / reference_ms, 1) if reference_ms else None,
            "matches": page.total,
            "shown": len(page.rows),
        }
    dashboard = WorkspaceDashboard(sessions, FrozenClock(dt.datetime.combine(TODAY, dt.time(12), dt.UTC)))
    board = dashboard.build(person, tenant)  # warm, and check that it has figures to show
    assert board.sales is not None and any(m.count for m in board.sales.months)
    built, _board = timed(lambda: dashboard.build(person, tenant), repeat)
    return {
        "reference": {"what": "one document read by UUID", "median_ms": round(reference_ms, 2)},
        "worst_p95_ms": max(c["p95_ms"] for c in cases.values()),
        "cases": cases,
        "dashboard": {
            "median_ms": round(statistics.median(built), 1),
            "p95_ms": round(percentile(built, 0.95), 1),
            "budget_ms": DASHBOARD_BUDGET_MS,
            "within_budget": percentile(built, 0.95) <= DASHBOARD_BUDGET_MS,
        },
    }


def run(size: str, online_db: str, repeat: int) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="online-sales-") as tmp,
        online_database(online_db, Path(tmp) / "online") as url,
    ):
        engine = make_engine(url)
        install_online_search(engine)  # as the Online Desktop does at start-up
        sessions = make_session_factory(engine)
        started = time.perf_counter()
        person, tenant = fill(sessions, size)
        OnlineHousekeeping(sessions).run_once()  # planner statistics, as the hourly housekeeping has
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum does after a bulk load
        fill_seconds = round(time.perf_counter() - started, 1)
        try:
            result = measure(sessions, person, tenant, repeat)
        finally:
            engine.dispose()
    count = SIZES[size]
    return {"size": size, "online_db": online_db, "repeat": repeat, "contacts": count,
            "sales_orders": count, "fill_seconds": fill_seconds, **result}  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=tuple(SIZES), default="L")
    parser.add_argument("--online-db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args(argv)
    result = run(args.size, args.online_db, max(3, args.repeat))
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
