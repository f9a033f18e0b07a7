"""The built-in mailbox is a single-machine convenience; verify runs right after the initial sync."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from nicegui.testing import User
from sqlalchemy import select

from main import warn_about_mailbox
from models.local import SyncRun
from services.api.online.sync import sync_router
from services.config import Settings
from services.container import Services
from services.local.locks import InitialSyncLock
from services.sync.client.agent import AgentOptions, SyncAgent
from services.sync.client.http import SyncClient
from tests.live_server import ServerFactory
from tests.sync.local_helpers import connect_company, create_company, fill


@pytest.mark.parametrize(
    ("role", "host", "on"),
    [
        ("all", "127.0.0.1", True),
        ("all", "localhost", True),
        ("all", "::1", True),
        ("all", "0.0.0.0", False),
        ("all", "192.0.2.10", False),
        ("online", "127.0.0.1", False),
        ("online", "0.0.0.0", False),
        ("local", "127.0.0.1", False),
    ],
)
def test_the_mailbox_is_on_by_default_only_for_role_all_on_a_loopback_host(
    role: str, host: str, on: bool
) -> None:
    assert Settings(role=role, host=host).mailbox_on is on  # type: ignore[arg-type]


def test_an_explicit_setting_wins_but_smtp_always_turns_the_mailbox_off() -> None:
    assert Settings(role="online", host="0.0.0.0", mailbox_enabled=True).mailbox_on
    assert not Settings(role="all", host="127.0.0.1", mailbox_enabled=False).mailbox_on
    assert not Settings(mailbox_enabled=True, mail_backend="smtp").mailbox_on


def test_the_mailbox_on_a_network_address_is_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="main"):
        warn_about_mailbox(Settings(host="127.0.0.1"))
        assert caplog.records == []
        warn_about_mailbox(Settings(host="0.0.0.0", mailbox_enabled=True))
    assert "password-reset links" in caplog.text and "0.0.0.0" in caplog.text


def test_an_online_server_shows_no_mail_at_mail(start_server: ServerFactory) -> None:
    online = start_server("--role", "online")
    httpx.post(f"{online.url}/api/online/v1/id/password-reset/request", json={"email": "anna@example.com"})
    page = httpx.get(f"{online.url}/mail", timeout=30)
    assert page.status_code == 200 and "The built-in mailbox is off on this server" in page.text


async def test_the_mailbox_says_it_holds_the_mail_of_this_installation_not_sent_mail(
    ui_env: Path, user: User
) -> None:
    await user.open("/mail")
    await user.should_see("The mail of this installation: it was not sent, only kept here.")


async def test_verify_runs_right_after_the_initial_sync(services: Services) -> None:
    assert services.db.local is not None and services.db.local_engine is not None
    sessions, server = services.db.local, services.require_online().sync_server
    company = create_company(sessions)
    fill(sessions, company, contacts=30)
    created = connect_company(sessions, server, company)
    app = FastAPI()
    app.include_router(sync_router(lambda: server, lambda: None))
    options = AgentOptions(page_rows=50, debounce=0.01, outbox_poll=0.02, long_poll=1.0, verify_every=3600)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http:
        agent = SyncAgent(
            engine=services.db.local_engine,
            company_id=company,
            client=SyncClient(http, "http://online", created.token, created.tenant_uuid),
            trace=logging.getLogger("test.sync"),
            lock=InitialSyncLock(sessions),
            holder="TEST-PC",
            options=options,
        )
        stop = asyncio.Event()
        running = asyncio.ensure_future(agent.run(stop))
        try:
            for _ in range(300):
                with sessions() as s:
                    kinds = [r.kind for r in s.scalars(select(SyncRun).order_by(SyncRun.id))]
                    verified = s.scalars(select(SyncRun).where(SyncRun.kind == "verify")).first()
                if verified is not None:
                    break
                await asyncio.sleep(0.05)
        finally:
            stop.set()
            await running
    assert verified is not None, kinds
    assert verified.status == "ok" and kinds.index("initial") < kinds.index("verify")
