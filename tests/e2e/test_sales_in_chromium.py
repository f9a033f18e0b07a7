"""Acceptance: a Standard user creates a quote with three lines in the Online Desktop, converts it
to an order, and the order arrives in Business Software with its lines (real processes: an
Online Desktop server, ``main.py sync run`` for the company, Chromium)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from playwright.async_api import Page, expect
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from models.local import SalesOrder, SalesOrderLine, SyncConnection
from models.online import Membership, OnlineId, Tenant
from services.config import Settings
from services.container import build_services
from services.db import make_engine, make_session_factory
from services.local.registers import rules
from services.secrets.passwords import hash_password
from tests.conftest import ADMIN_PASSWORD
from tests.e2e.conftest import Screenshot
from tests.live_server import ROOT, LiveServer, ServerFactory, server_environment
from tests.sync.local_helpers import create_company, fill

PASSWORD = "Lila-Laune-Baer-42"
SELLER = "verkauf@example.com"


@contextmanager
def synced_company(online: LiveServer, client_dir: Path) -> Iterator[tuple[str, sessionmaker[Session]]]:
    """Schmidt KG (with products P0…P4 and customers "Kunde 0"…) connected and syncing continuously;
    the Online ID verkauf@example.com is a Standard user of its account."""
    online_db = make_session_factory(make_engine(f"sqlite:///{online.data_dir / 'online.sqlite3'}"))
    with online_db.begin() as s:
        for email in ("chefin@example.com", SELLER):
            s.add(
                OnlineId(email=email, full_name=email, password_hash=hash_password(PASSWORD), status="active")
            )
    local = build_services(Settings(data_dir=client_dir, role="local", computer_name="TEST-PC"))
    assert local.db.local is not None
    company = create_company(local.db.local, "Schmidt KG")
    fill(local.db.local, company, contacts=4)
    local.require_local().licensing.ensure_demo_licence()  # as the first start installs it
    env = server_environment({"ONLINE_ID_PASSWORD": PASSWORD}, admin_password=ADMIN_PASSWORD)
    base = [sys.executable, "main.py", "--data-dir", str(client_dir), "--online-url", online.url, "sync"]
    connect = subprocess.run(
        [*base, "connect", "--company", "Schmidt KG", "--online-id", "chefin@example.com"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=90,
    )  # fmt: skip
    assert connect.returncode == 0, connect.stderr
    runner = subprocess.Popen(
        [*base, "run", "--company", "Schmidt KG"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(lambda: _initial_done(local.db.local), 90)  # type: ignore[arg-type]
        with local.db.local() as s:
            tenant_uuid = s.scalars(select(SyncConnection.tenant_uuid)).one()
        with online_db.begin() as s:
            tenant_id = s.scalars(select(Tenant.id).where(Tenant.uuid == tenant_uuid)).one()
            seller = s.scalars(select(OnlineId.id).where(OnlineId.email == SELLER)).one()
            s.add(Membership(tenant_id=tenant_id, online_id_id=seller, role="standard", active=True))
        yield tenant_uuid, local.db.local
    finally:
        runner.send_signal(signal.SIGINT)
        runner.wait(timeout=30)
        local.db.dispose()


def _initial_done(sessions: sessionmaker[Session]) -> bool:
    with sessions() as s:
        return s.execute(text("SELECT initial_status FROM sync_states")).scalar() == "done"


def wait_until(check: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("not reached in time")


async def choose(page: Page, testid: str, typed: str, option: str) -> None:
    """Pick a record in a chooser by typing part of its name."""
    await page.get_by_test_id(testid).fill(typed)
    await page.locator(".q-menu .q-item", has_text=option).first.click()


async def test_a_standard_user_creates_a_quote_with_three_lines_and_converts_it_to_an_order(
    page: Page, start_server: ServerFactory, tmp_path: Path, screenshot: Screenshot
) -> None:
    online = start_server("--role", "online")
    with synced_company(online, tmp_path / "client") as (tenant_uuid, local):
        await page.goto(online.url + "/id/login")
        await page.get_by_label("E-mail address").fill(SELLER)
        await page.get_by_label("Password", exact=True).fill(PASSWORD)
        await page.get_by_role("button", name="Log in", exact=True).click()
        await expect(page.get_by_test_id("online-company")).to_have_text("Schmidt KG", timeout=30_000)

        await page.goto(f"{online.url}/online/c/{tenant_uuid}/sales_orders")
        await page.get_by_test_id("sales-new-quote").click()
        await expect(page.get_by_test_id("sales-title")).to_contain_text("Quote")
        await choose(page, "sales-contact_uuid", "Kunde 2", "Kunde 2")
        await page.get_by_test_id("sales-our_reference").fill("SR/7")
        for index, (product, quantity) in enumerate((("P1", "3"), ("P2", "1.5"), ("P3", "2"))):
            await page.get_by_test_id("sales-add-line").click()
            await choose(page, f"sales-line-{index}-product_uuid", product, product)
            await expect(page.get_by_test_id(f"sales-line-{index}-description")).to_have_value(
                re.compile("Produkt")
            )
            await page.get_by_test_id(f"sales-line-{index}-quantity").fill(quantity)
        await expect(page.get_by_test_id("sales-total-gross")).to_contain_text("Gross")
        await screenshot(page, "quote")
        await page.get_by_test_id("sales-save").click()
        await expect(page).to_have_url(re.compile(r"/sales_orders/[0-9a-f-]{36}$"))
        await expect(page.get_by_test_id("sales-line-2-amount")).to_be_visible()

        await page.get_by_test_id("sales-convert").click()
        await expect(page.get_by_test_id("sales-status")).to_have_text("Order")
        await screenshot(page, "order")
        uuid = page.url.rsplit("/", 1)[-1]

        def arrived() -> bool:
            with local() as s:
                order = s.scalar(select(SalesOrder).where(SalesOrder.uuid == uuid))
                return order is not None and order.status == "order"

        wait_until(arrived, 30)
        with local() as s:
            order = s.scalars(select(SalesOrder).where(SalesOrder.uuid == uuid)).one()
            lines = s.scalars(
                select(SalesOrderLine)
                .where(SalesOrderLine.order_uuid == uuid)
                .order_by(SalesOrderLine.position)
            ).all()
            figures = rules.order_figures(s, uuid)
        assert order.our_reference == "SR/7"
        assert [line.quantity for line in lines] == [Decimal("3.000"), Decimal("1.500"), Decimal("2.000")]
        assert [line.description for line in lines] == ["Produkt 1", "Produkt 2", "Produkt 3"]
        assert order.total == figures.net  # the total Business Software computes for these lines
