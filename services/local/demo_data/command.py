"""``python main.py demo-data --company NAME --size S|M|L --locale de|en``."""

from __future__ import annotations

import sys
import time

from services.config import Settings
from services.db import open_databases
from services.errors import ServiceError
from services.local.demo_data.service import DemoDataService


def run_demo_data_command(settings: Settings, *, company: str, size: str, locale: str) -> int:
    """Create (or refill) the named company with demo data; print counts and the time taken."""
    started = time.perf_counter()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = open_databases(local_url=settings.local_db_url, online_url=None)
    assert db.local is not None
    demo = DemoDataService(db.local)
    try:
        view = demo.ensure_company(company, locale)
        report = demo.fill(view.id, size=size, locale=locale)
    except ServiceError as error:
        fields = getattr(error, "fields", {})
        print(f"demo-data: {company!r} was not filled: {error.key} {fields or ''}".rstrip(), file=sys.stderr)
        return 1
    finally:
        db.dispose()
    print(f"Company {view.name!r} (id {view.id}) filled with demo data of size {size} ({locale}):")
    for register, count in report.counts.items():
        print(f"  {register:<18} {count:>9,}")
    print(f"  {'total':<18} {report.rows:>9,}")
    print(
        f"Filled in {report.seconds:.1f} s ({time.perf_counter() - started:.1f} s with set-up).", flush=True
    )
    return 0
