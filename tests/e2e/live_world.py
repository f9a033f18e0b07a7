"""A connected company for browser tests and benchmarks of live screens: one ``main.py`` (role all)
serving the Business Software and the Online Desktop, the company connected to its company account
(whose Super User is the Online ID ``anna@mueller.example``), synchronising continuously.

``prepare_live_world`` runs before the server starts (it chooses the port, because the connection
names the server's address); ``wait_for_initial_sync`` waits until the contacts are online;
``business_list`` and ``online_list`` open the contacts list of either side in a browser context.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Browser, Page, expect
from sqlalchemy import func, select

from models.local import Company, Contact
from models.online import OnlineContact, OnlineId
from services.config import Settings, load_secret_key
from services.container import build_services
from services.secrets.passwords import hash_password
from services.secrets.sealing import TokenSeal
from services.sync.client.connect import store_connection
from services.sync.protocol.messages import CompanyInfo
from tests.conftest import ADMIN_PASSWORD
from tests.live_server import LiveServer
from tests.services.local.licensing_factories import free_port, prepare_connectable_company

ONLINE_ID = "anna@mueller.example"
ONLINE_PASSWORD = "Wolken-Kratzer-Blau-8"
ONLINE_NAME = "Anna Berg"


@dataclass(frozen=True, kw_only=True, slots=True)
class LiveWorld:
    data_dir: Path
    port: int
    company_id: int
    company: str
    tenant_id: int
    tenant_uuid: str
    contacts: int


def prepare_live_world(data_dir: Path, *, contacts: int = 20) -> LiveWorld:
    """The company with ``contacts`` contacts, connected (not yet synchronised) to a new company
    account on this data directory's Online Desktop, at the port the server will listen on."""
    count = prepare_connectable_company(data_dir, contacts=contacts)
    port = free_port()
    services = build_services(Settings(data_dir=data_dir, computer_name="TEST-PC"))
    try:
        assert services.db.local is not None and services.db.online is not None
        with services.db.local() as s:
            company_id, company = s.execute(
                select(Company.id, Company.name).where(Company.is_sample.is_(False))
            ).one()
        with services.db.online.begin() as s:
            person = OnlineId(
                email=ONLINE_ID,
                full_name=ONLINE_NAME,
                status="active",
                password_hash=hash_password(ONLINE_PASSWORD),
            )
            s.add(person)
            s.flush()
            person_id = person.id
        created = services.require_online().sync_server.connections.create_connection(
            online_id_id=person_id, company=CompanyInfo(name=company)
        )
        store_connection(
            services.db.local,
            engine=services.db.local_engine,
            company_id=company_id,
            online_url=f"http://127.0.0.1:{port}",
            tenant_uuid=created.tenant_uuid,
            token=created.token,
            seal=TokenSeal(load_secret_key(data_dir)),
            connected_by=ONLINE_ID,
            new_account=True,
        )
    finally:
        services.db.dispose()
    return LiveWorld(
        data_dir=data_dir,
        port=port,
        company_id=company_id,
        company=company,
        tenant_id=created.tenant_id,
        tenant_uuid=created.tenant_uuid,
        contacts=count,
    )


def online_contacts(world: LiveWorld) -> int:
    services = build_services(Settings(data_dir=world.data_dir, role="online"))
    try:
        assert services.db.online is not None
        with services.db.online() as s:
            query = (
                select(func.count())
                .select_from(OnlineContact)
                .where(OnlineContact.tenant_id == world.tenant_id)
            )
            return s.scalar(query) or 0
    finally:
        services.db.dispose()


async def wait_for_initial_sync(world: LiveWorld, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while await asyncio.to_thread(online_contacts, world) < world.contacts:
        if time.monotonic() > deadline:
            raise AssertionError("the initial sync did not finish in time")
        await asyncio.sleep(0.3)


async def business_list(
    browser: Browser, server: LiveServer, world: LiveWorld, locale: str = "en-US"
) -> Page:
    """A browser context logged in to the Business Software, showing the company's contacts."""
    context = await browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(server.url + "/login")
    await page.get_by_label("User name").fill("admin")
    await page.get_by_label("Password").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(r"/companies$"))
    card = page.locator(".q-card", has=page.get_by_text(world.company, exact=True))
    await card.get_by_role("button", name="Open").click()
    await expect(page.get_by_test_id("company-name")).to_have_text(world.company)
    await page.goto(server.url + "/registers/contacts")
    await expect(page.locator(".q-table tbody tr").first).to_be_visible()
    return page


async def online_list(browser: Browser, server: LiveServer, world: LiveWorld, locale: str = "en-US") -> Page:
    """A browser context logged in to the Online Desktop with the Online ID, showing the contacts."""
    context = await browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(server.url + "/id/login")
    await page.get_by_label("E-mail address").fill(ONLINE_ID)
    await page.get_by_label("Password", exact=True).fill(ONLINE_PASSWORD)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/online/c/"))  # the first company account opened
    await page.goto(f"{server.url}/online/c/{world.tenant_uuid}/contacts")
    await expect(page.locator(".q-table tbody tr").first).to_be_visible()
    return page


def row_of(page: Page, name: str) -> object:
    """The list row of the contact named ``name``."""
    return page.locator(".q-table tbody tr", has=page.get_by_role("cell", name=name, exact=True))


def local_contact_id(world: LiveWorld, name: str) -> int:
    services = build_services(Settings(data_dir=world.data_dir, role="local"))
    try:
        assert services.db.local is not None
        with services.db.local() as s:
            return s.scalars(
                select(Contact.id).where(Contact.company_id == world.company_id, Contact.name == name)
            ).one()
    finally:
        services.db.dispose()
