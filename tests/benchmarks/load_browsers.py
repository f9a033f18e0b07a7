"""People on the Online Desktop while companies sync: the browser half of ``tests.benchmarks.load``.

Each of K Chromium contexts (headless, ``/usr/bin/chromium``) logs in with an Online ID of its
own (Super User of one company account), then until told to stop, like a person: opens the
contacts list (timed from navigation to the first row shown), pauses, types the full name of a
contact that is not on the first page into the search box (timed from the first keystroke to the
table showing that contact among fewer rows than a page; the list waits for a pause in typing,
as it does for people), pauses 0.5–2 s, and again. A page open or search that does not finish
within 30 s, or raises, counts as a failure.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field

from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.online import Membership, OnlineContact, OnlineId
from services.secrets.passwords import hash_password
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

PASSWORD = "Last-Probe-Wolke-42"
ACTION_TIMEOUT_MS = 30_000
ROWS = ".q-table tbody tr"
FOUND = """([name, page]) => {
    const rows = [...document.querySelectorAll('.q-table tbody tr')];
    return rows.length < page && rows.some(
        tr => [...tr.querySelectorAll('td')].some(td => td.textContent.trim() === name));
}"""


@dataclass(frozen=True, kw_only=True, slots=True)
class Person:
    email: str
    tenant_uuid: str
    names: tuple[str, ...]  # contacts to search for (none of them on the first page by name)


@dataclass
class Timings:
    page_open_ms: list[float] = field(default_factory=list)
    search_ms: list[float] = field(default_factory=list)
    failures: int = 0
    failure_samples: list[str] = field(default_factory=list)

    def failed(self, what: str, exc: BaseException) -> None:
        self.failures += 1
        if len(self.failure_samples) < 5:
            self.failure_samples.append(f"{what}: {type(exc).__name__}: {str(exc)[:160]}")


def add_people(online: sessionmaker[Session], tenants: list[tuple[int, str]], count: int) -> list[Person]:
    """``count`` Online IDs, each Super User of one of ``tenants`` (id, uuid) in turn."""
    password_hash = hash_password(PASSWORD)
    people = []
    with online.begin() as s:
        for i in range(count):
            tenant_id, tenant_uuid = tenants[i % len(tenants)]
            person = OnlineId(
                email=f"browser-{i}@load.example",
                full_name=f"Browser {i}",
                status="active",
                password_hash=password_hash,
            )
            s.add(person)
            s.flush()
            s.add(Membership(tenant_id=tenant_id, online_id_id=person.id, role="super_user"))
            names = s.scalars(
                select(OnlineContact.name)
                .where(OnlineContact.tenant_id == tenant_id, OnlineContact.deleted.is_(False))
                .order_by(OnlineContact.name.desc())
                .limit(40)
            ).all()
            unique = tuple(n for n in dict.fromkeys(names) if n and names.count(n) == 1)
            people.append(Person(email=person.email, tenant_uuid=tenant_uuid, names=unique[:20]))
    return people


async def _log_in(browser: Browser, url: str, person: Person) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = await context.new_page()
    await page.goto(url + "/id/login")
    await page.get_by_label("E-mail address").fill(person.email)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/online/c/"), timeout=60_000)
    return context, page


async def _browse(
    page: Page, url: str, person: Person, stop: asyncio.Event, timings: Timings, rng: random.Random
) -> None:
    contacts = f"{url}/online/c/{person.tenant_uuid}/contacts"
    i = 0
    while not stop.is_set():
        started = time.perf_counter()
        try:
            await page.goto(contacts)
            await page.locator(ROWS).first.wait_for(state="visible", timeout=ACTION_TIMEOUT_MS)
            timings.page_open_ms.append((time.perf_counter() - started) * 1000)
        except Exception as exc:
            timings.failed("page open", exc)
            continue
        await asyncio.sleep(rng.uniform(0.5, 2.0))
        if stop.is_set() or not person.names:
            continue
        name = person.names[i % len(person.names)]
        i += 1
        try:
            search = page.get_by_label("Search")
            started = time.perf_counter()
            await search.press_sequentially(name, delay=20)
            await page.wait_for_function(FOUND, arg=[name, 25], polling="raf", timeout=ACTION_TIMEOUT_MS)
            timings.search_ms.append((time.perf_counter() - started) * 1000)
        except Exception as exc:
            timings.failed("search", exc)
        await asyncio.sleep(rng.uniform(0.5, 2.0))


class Browsing:
    """K people browsing until ``stop()``; ``start()`` returns once every one of them logged in."""

    def __init__(self, url: str, people: list[Person], seed: int = 14) -> None:
        self.url, self.people = url, people
        self.timings = Timings()
        self._stop = asyncio.Event()
        self._rng = random.Random(seed)
        self._tasks: list[asyncio.Future[None]] = []

    async def start(self) -> float:
        """Launch Chromium and log everybody in (at once); returns the seconds that took."""
        started = time.perf_counter()
        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        logged_in = await asyncio.gather(
            *(_log_in(self._browser, self.url, p) for p in self.people), return_exceptions=True
        )
        for person, result in zip(self.people, logged_in, strict=True):
            if isinstance(result, BaseException):
                self.timings.failed("log in", result)
                continue
            _context, page = result
            rng = random.Random(self._rng.random())
            self._tasks.append(
                asyncio.ensure_future(_browse(page, self.url, person, self._stop, self.timings, rng))
            )
        return time.perf_counter() - started

    async def stop(self) -> Timings:
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._browser.close()
        await self._playwright.stop()
        return self.timings
