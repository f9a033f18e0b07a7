"""Benchmark: how fast ``python main.py`` answers ``/`` and how much memory it holds when idle.

    python -m tests.benchmarks.start_memory [--role all|local|online] [--repeat 3] [--idle 10] [--json]

Each run starts ``main.py`` on a fresh temporary data directory (the first start migrates the
databases), polls ``/`` until it answers 200, waits ``--idle`` seconds and reads the process's
resident memory (VmRSS); then stops it and starts it again on the same data directory, timing
the second start from ``Popen`` to the first 200 on ``/`` (and its memory after ``--idle`` seconds
too). Prints one JSON object: first_start_seconds, second_start_seconds, idle_rss_mb,
second_idle_rss_mb (medians of ``--repeat`` runs, each run's figures in ``*_all``). Python
writes its byte-code cache as on any installation (the child runs without
``PYTHONDONTWRITEBYTECODE``), so the second start reads compiled modules.
The first start fills the sample company with demo data, as it does for anybody.
Targets (2 cores): idle_rss_mb ≤ 120, second_start_seconds ≤ 2.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from tests.live_server import ROOT, free_port, server_environment

ADMIN_PASSWORD = "Start-Bench-2024!"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def start(data_dir: Path, role: str, timeout: float = 60.0) -> tuple[subprocess.Popen[bytes], float]:
    """Start main.py and wait for ``/`` to answer 200; returns the process and the seconds taken."""
    port = free_port()
    command = [sys.executable, "main.py", "--port", str(port), "--data-dir", str(data_dir), "--role", role]
    environment = server_environment(admin_password=ADMIN_PASSWORD)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    environment.pop("SAMPLE_DEMO_DATA", None)  # a fresh start as anybody gets it: with the sample company
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    with httpx.Client(timeout=5.0) as client:
        while time.perf_counter() - started < timeout:
            if process.poll() is not None:
                raise SystemExit(f"main.py exited with {process.returncode}")
            try:
                if client.get(url).status_code == 200:
                    return process, time.perf_counter() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
    process.kill()
    raise SystemExit(f"main.py did not answer / within {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def one_run(role: str, idle: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="start-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        process, first = start(data_dir, role)
        try:
            time.sleep(idle)
            rss = rss_mb(process.pid)
        finally:
            stop(process)
        process, second = start(data_dir, role)
        try:
            time.sleep(idle)
            second_rss = rss_mb(process.pid)
        finally:
            stop(process)
    return {"first": first, "second": second, "rss": rss, "second_rss": second_rss}


def run(role: str, repeat: int, idle: float) -> dict[str, Any]:
    runs = [one_run(role, idle) for _ in range(repeat)]

    def median(key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 2)

    return {
        "role": role,
        "runs": repeat,
        "idle_seconds": idle,
        "first_start_seconds": median("first"),
        "second_start_seconds": median("second"),
        "idle_rss_mb": median("rss"),
        "second_idle_rss_mb": median("second_rss"),  # restarted: no migrations, no sample data to fill
        "first_start_seconds_all": [round(r["first"], 2) for r in runs],
        "second_start_seconds_all": [round(r["second"], 2) for r in runs],
        "idle_rss_mb_all": [r["rss"] for r in runs],
        "second_idle_rss_mb_all": [r["second_rss"] for r in runs],
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--role", choices=("all", "local", "online"), default="all")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds to wait before reading RSS")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args(argv)
    result = run(args.role, args.repeat, args.idle)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
