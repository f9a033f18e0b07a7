"""Benchmark: how long a demo-data fill takes.

    python -m tests.benchmarks.demo_data --size L [--locale de] [--data-dir DIR] [--cli]

Prints JSON {size, locale, rows, seconds, rows_per_second, cpu_seconds, counts}. ``seconds`` is
the fill itself (delete, generate, insert, commit) in a fresh temporary data directory; with
``--cli`` it is instead the wall time of the whole ``python main.py demo-data`` command, start-up
and migrations included, as the acceptance criterion measures it.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from services.config import Settings
from services.container import build_services

ROOT = Path(__file__).resolve().parents[2]


def fill_in_process(data_dir: Path, company: str, size: str, locale: str) -> dict[str, Any]:
    services = build_services(Settings(data_dir=data_dir, role="local"))  # migrated, sync triggers on
    try:
        demo = services.local.demo_data
        company_id = demo.ensure_company(company, locale).id
        cpu = time.process_time()
        report = demo.fill(company_id, size=size, locale=locale)
        cpu = time.process_time() - cpu
    finally:
        services.db.dispose()
    return {
        "size": size,
        "locale": locale,
        "company_id": company_id,
        "rows": report.rows,
        "seconds": round(report.seconds, 2),
        "rows_per_second": round(report.rows / report.seconds),
        "cpu_seconds": round(cpu, 2),
        "counts": dict(report.counts),
    }


def fill_with_cli(data_dir: Path, company: str, size: str, locale: str) -> dict[str, Any]:
    command = [sys.executable, "main.py", "--data-dir", str(data_dir), "demo-data", "--company", company]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--size", size, "--locale", locale], cwd=ROOT, capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - started
    match = re.search(r"total\s+([\d,]+)", done.stdout)
    rows = int(match.group(1).replace(",", "")) if match else 0
    return {
        "size": size,
        "locale": locale,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "command": " ".join([*command[1:], "--size", size, "--locale", locale]),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=("S", "M", "L"), default="L")
    parser.add_argument("--locale", choices=("de", "en"), default="de")
    parser.add_argument("--company", default="Bench")
    parser.add_argument("--data-dir", type=Path, help="reuse this data directory (default: a temporary one)")
    parser.add_argument("--cli", action="store_true", help="time the whole main.py demo-data command")
    args = parser.parse_args(argv)
    run = fill_with_cli if args.cli else fill_in_process
    if args.data_dir:
        return run(args.data_dir, args.company, args.size, args.locale)
    with tempfile.TemporaryDirectory(prefix="demo-bench-") as tmp:
        return run(Path(tmp), args.company, args.size, args.locale)


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
