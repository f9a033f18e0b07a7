"""Benchmark: the contacts list of a size-L demo company, searched, sorted and paged.

    python -m tests.benchmarks.contacts_search --json [--size L] [--data-dir DIR [--reuse]]

Fills a company with demo data (about 100,000 contacts at size L) in a temporary data directory,
or in DIR; with ``--reuse`` an already filled DIR is used as it is. Then it times
``RegisterService.list_rows`` -- the very call the contacts list page makes for every search,
sort or page change -- for typical requests, and prints per case the median and 95th percentile
in milliseconds and how many contacts matched. The page adds rendering 25 rows on top of this.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from models.local import Company, Contact
from services.config import Settings
from services.container import Services, build_services
from services.local.demo_data import DemoDataPlan
from services.records.views import ListPage

COMPANY = "Bench"
COMMON_FRAGMENT = {"de": "mann", "en": "son"}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON (the default)")
    parser.add_argument("--size", choices=("S", "M", "L"), default="L")
    parser.add_argument("--locale", choices=("de", "en"), default="de")
    parser.add_argument("--data-dir", type=Path, help="data directory to fill (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="use the filled company in --data-dir as is")
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per case")
    args = parser.parse_args(argv)
    if args.data_dir:
        return run(args.data_dir, args.size, args.locale, args.repeat, reuse=args.reuse)
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        return run(Path(tmp), args.size, args.locale, args.repeat, reuse=False)


def run(data_dir: Path, size: str, locale: str, repeat: int, *, reuse: bool) -> dict[str, Any]:
    services = build_services(Settings(data_dir=data_dir, role="local"))
    try:
        company_id, fill_seconds = prepare(services, size, locale, reuse=reuse)
        cases = typical_requests(services, company_id, locale)
        registers = services.local.registers
        results = {
            name: timed(lambda kwargs=kwargs: registers.list_rows(company_id, "contacts", **kwargs), repeat)
            for name, kwargs in cases.items()
        }
        return {
            "size": size,
            "contacts": count_contacts(services, company_id),
            "fill_seconds": fill_seconds,
            "repeat": repeat,
            "cases": {name: {"request": cases[name], **result} for name, result in results.items()},
        }
    finally:
        services.db.dispose()


def prepare(services: Services, size: str, locale: str, *, reuse: bool) -> tuple[int, float | None]:
    """The benchmark company's id, filled now unless a filled one may be reused."""
    company = services.local.demo_data.ensure_company(COMPANY, locale)
    if reuse and count_contacts(services, company.id) >= DemoDataPlan.for_size(size).contacts:
        return company.id, None
    report = services.local.demo_data.fill(company.id, size=size, locale=locale)
    return company.id, round(report.seconds, 2)


def typical_requests(services: Services, company_id: int, locale: str) -> dict[str, dict[str, Any]]:
    """What people do with a contacts list, with search words taken from the data itself."""
    assert services.db.local is not None
    total = count_contacts(services, company_id)
    with services.db.local() as s:
        middle = s.execute(
            select(Contact.name, Contact.number, Contact.postal_code)
            .where(Contact.company_id == company_id)
            .order_by(Contact.id)
            .offset(total // 2)
            .limit(1)
        ).one()
    deep_page = max(1, total // 25 // 2)
    return {
        "common_fragment": {"search": COMMON_FRAGMENT[locale]},
        "rare_name": {"search": middle.name},
        "contact_number": {"search": middle.number},
        "postal_code": {"search": middle.postal_code},
        "short_word": {"search": "ab"},
        "no_search_sorted_by_name": {"sort": "name"},
        "deep_page_by_name": {"sort": "name", "page": deep_page},
        "deep_page_by_city_descending": {"sort": "city", "descending": True, "page": deep_page},
        "common_fragment_sorted_by_city": {"search": COMMON_FRAGMENT[locale], "sort": "city"},
    }


def timed(call: Callable[[], ListPage], repeat: int) -> dict[str, Any]:
    call()  # warm-up: first statement compile and page cache
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        page = call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))], 1),
        "matches": page.total,
        "shown": len(page.rows),
    }


def count_contacts(services: Services, company_id: int) -> int:
    assert services.db.local is not None
    with services.db.local() as s:
        company = s.get(Company, company_id)
        assert company is not None
        return s.scalar(select(func.count()).where(Contact.company_id == company_id)) or 0


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
