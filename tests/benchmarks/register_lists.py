"""Benchmark: the contacts list (count + one page) at 100,000 contacts, with and without search.

Run: ``python -m tests.benchmarks.register_lists [ROWS]``; prints JSON with milliseconds per call.
Rows are bulk-inserted (no demo-data dependency) into a temporary SQLite database.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from models.local import Contact
from models.types import new_uuid, utcnow
from services.config import Settings
from services.container import build_services

CITIES = ("Berlin", "Köln", "München", "Hamburg", "Leipzig", "Zürich", "Aachen", "Essen")
WORDS = ("Bäckerei", "Logistik", "Müller", "Schmidt", "Technik", "Handel", "Bau", "Service")


def fill(services, company_id: int, rows: int) -> None:  # type: ignore[no-untyped-def]
    rnd = random.Random(1)
    now = utcnow()
    with services.db.local.begin() as s:
        for start in range(0, rows, 10_000):
            batch = [row(rnd, company_id, i, now) for i in range(start, min(rows, start + 10_000))]
            s.execute(insert(Contact), batch)


def row(rnd: random.Random, company_id: int, i: int, now: object) -> dict[str, object]:
    return {
        "uuid": new_uuid(), "company_id": company_id, "updated_at": now, "number": str(10001 + i),
        "name": f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {i}", "kind": "company", "street": "",
        "postal_code": "", "city": rnd.choice(CITIES), "country": "", "phone": f"+49 {i}",
        "email": f"info{i}@example.com", "website": "", "notes": "",
    }  # fmt: skip


def timed(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def main(rows: int) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Settings(data_dir=Path(tmp), role="local"))
        assert services.local.companies and services.local.registers
        company = services.local.companies.create_company({"name": "Bench"}).id
        fill(services, company, rows)
        reg = services.local.registers
        result = {
            "rows": rows,
            "first_page_ms": timed(lambda: reg.list_rows(company, "contacts")),
            "last_page_ms": timed(lambda: reg.list_rows(company, "contacts", page=rows // 25)),
            "sort_city_desc_ms": timed(
                lambda: reg.list_rows(company, "contacts", sort="city", descending=True)
            ),
            "search_ascii_ms": timed(lambda: reg.list_rows(company, "contacts", search="schmidt 4711")),
            "search_umlaut_ms": timed(lambda: reg.list_rows(company, "contacts", search="köln müller")),
        }
        services.db.dispose()
        return result


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)))
