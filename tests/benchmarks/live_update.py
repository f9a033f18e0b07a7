"""Benchmark: a commit on one side → the row updated in the other side's open list, seen in Chromium.

    python -m tests.benchmarks.live_update [--edits 30] [--json]

Starts one ``main.py`` (both sides) with a company connected to its company account and synchronising
continuously, opens the Business Software contacts list and the Online Desktop contacts list in two
Chromium contexts, then commits ``--edits`` contact changes on each side from this process (the
Business Software database through the register service; the Online Desktop through the sync
server's online-change path) and measures from the commit to the moment the other side's open list
shows the new value (a ``requestAnimationFrame`` poll in the page). The reference is the same
browser wait on a condition that is already true (the measuring overhead), measured in the same run.

Prints one JSON object: p50/p95/max milliseconds per direction and the reference. Target p95 ≤ 1 s.
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

from playwright.async_api import Page, async_playwright
from sqlalchemy import select

from models.local import Contact
from services.config import Settings
from services.container import build_services
from tests.benchmarks.latency import percentile
from tests.conftest import ADMIN_PASSWORD
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.live_world import (
    LiveWorld,
    business_list,
    online_list,
    prepare_live_world,
    wait_for_initial_sync,
)
from tests.live_server import ServerFactory

SHOWS = """([name, value]) => [...document.querySelectorAll('.q-table tbody tr')].some(
    tr => [...tr.querySelectorAll('td')].some(td => td.textContent.trim() === name)
        && tr.textContent.includes(value))"""
NAMES = """() => [...document.querySelectorAll('.q-table tbody tr td')].map(td => td.textContent.trim())"""
TIMEOUT_MS = 20_000


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "max_ms": round(max(values), 1),
    }


async def _seen(page: Page, name: str, value: str, committed: float) -> float:
    await page.wait_for_function(SHOWS, arg=[name, value], polling="raf", timeout=TIMEOUT_MS)
    return (time.perf_counter() - committed) * 1000


async def measure(world: LiveWorld, business: Page, online: Page, edits: int) -> dict[str, Any]:
    services = build_services(Settings(data_dir=world.data_dir))
    try:
        assert services.db.local is not None
        registers, server = services.local.registers, services.require_online().sync_server
        both = set(await business.evaluate(NAMES)) & set(await online.evaluate(NAMES))
        with services.db.local() as s:
            rows = s.execute(
                select(Contact.id, Contact.uuid, Contact.name).where(Contact.company_id == world.company_id)
            ).all()
        targets = [r for r in rows if r.name in both][: max(1, min(edits, 20))]
        up: list[float] = []
        down: list[float] = []
        reference: list[float] = []
        for i in range(edits):
            row = targets[i % len(targets)]
            value = f"L{i:03d}x"
            await asyncio.to_thread(
                registers.update_row, world.company_id, "contacts", row.id, {"city": value}
            )
            up.append(await _seen(online, row.name, value, time.perf_counter()))
            value = f"O{i:03d}x"
            await asyncio.to_thread(
                server.apply_online_change,
                world.tenant_id,
                table="contacts",
                uuid=row.uuid,
                fields={"city": value},
            )
            down.append(await _seen(business, row.name, value, time.perf_counter()))
            started = time.perf_counter()
            await _seen(business, row.name, value, started)
            reference.append((time.perf_counter() - started) * 1000)
        ref = statistics.median(reference)
        return {
            "benchmark": "live_update",
            "edits_each_way": edits,
            "business_to_online_list": summary(up),
            "online_to_business_list": summary(down),
            "reference_browser_wait_ms": round(ref, 1),
            "p50_over_reference": {
                "business_to_online": round(statistics.median(up) / max(ref, 0.1), 1),
                "online_to_business": round(statistics.median(down) / max(ref, 0.1), 1),
            },
            "target_p95_ms": 1000,
            "target_met": percentile(up, 0.95) <= 1000 and percentile(down, 0.95) <= 1000,
        }
    finally:
        services.db.dispose()


async def run(edits: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="live-update-") as tmp:
        base = Path(tmp)
        world = prepare_live_world(base / "data", contacts=30)
        factory = ServerFactory(base_dir=base / "servers", admin_password=ADMIN_PASSWORD)
        factory.base_dir.mkdir(parents=True, exist_ok=True)
        try:
            server = factory(data_dir=world.data_dir, port=world.port, env={"LOG_LEVEL": "WARNING"})
            await wait_for_initial_sync(world)
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                try:
                    business = await business_list(browser, server, world)
                    online = await online_list(browser, server, world)
                    return await measure(world, business, online, edits)
                finally:
                    await browser.close()
        finally:
            factory.stop_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = asyncio.run(run(args.edits))
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
