"""Admin commands: ``main.py sync connect`` and ``main.py sync run`` (until the wizard exists, and
afterwards for administrators and scripts).

connect: logs in with an Online ID (``POST /api/online/v1/id/login``), creates the company account
and connection (``POST /api/online/v1/sync/connections``) and stores the connection locally.
run: initial sync (resuming if interrupted), then continuous sync until Ctrl+C.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company, SyncConnection
from services.config import Settings
from services.secrets.sealing import TokenSeal
from services.sync.client.connect import installed_licence, post_connection, store_connection
from services.sync.client.http import HttpLink
from services.sync.client.manager import SyncManager
from services.sync.client.status import SyncStatusService
from services.sync.protocol.messages import CompanyInfo

REGISTRATION = ("name", "street", "postal_code", "city", "country", "phone", "email", "registration_number")


@dataclass(frozen=True, kw_only=True)
class CommandContext:
    """What the commands need of the Business Software side (``main.py`` builds it)."""

    settings: Settings
    sessions: sessionmaker[Session]
    engine: Engine
    http: HttpLink
    manager: SyncManager
    status: SyncStatusService
    seal: TokenSeal  # seals the connection token with the installation's secret key
    close: Callable[[], None]  # disposes the databases


def _company(ctx: CommandContext, name: str) -> Company:
    with ctx.sessions() as s:
        found = s.scalars(select(Company).where(Company.name == name)).first()
    if found is None:
        raise SystemExit(f"No company database named {name!r}.")
    return found


def connect_command(
    ctx: CommandContext,
    *,
    company: str,
    online_id: str,
    password: str,
    online_url: str | None,
    reconnect: bool,
) -> int:
    """Create the online company account + connection for a company database."""
    settings = ctx.settings
    try:
        target = _company(ctx, company)
        with ctx.sessions() as s:
            existing = s.get(SyncConnection, target.id)
            licence = installed_licence(s)
        if existing is not None and existing.status != "disconnected" and not reconnect:
            print(
                f"{company!r} is already connected (status {existing.status}); use --reconnect.",
                file=sys.stderr,
            )
            return 1
        url = (online_url or (existing.online_url if existing else None) or settings.online_base_url).rstrip(
            "/"
        )
        info = CompanyInfo(**{k: getattr(target, k) or "" for k in REGISTRATION})
        tenant = existing.tenant_uuid if existing is not None and reconnect else None
        answer = asyncio.run(
            _create_connection(
                ctx.http, url, online_id, password, info, settings.computer_name, tenant, licence
            )
        )
        store_connection(
            ctx.sessions,
            engine=ctx.engine,
            company_id=target.id,
            online_url=url,
            tenant_uuid=answer["tenant"],
            token=answer["token"],
            seal=ctx.seal,
            connected_by=online_id,
            new_account=tenant is None,
        )
        print(f"Connected {company!r} to {url} (company account {answer['tenant']}).")
        return 0
    finally:
        ctx.close()


async def _create_connection(
    link: HttpLink,
    url: str,
    email: str,
    password: str,
    info: CompanyInfo,
    computer: str,
    tenant: str | None,
    licence: str,
) -> dict[str, Any]:
    try:
        http = link.client
        login = await http.post(f"{url}/api/online/v1/id/login", json={"email": email, "password": password})
        if login.status_code != 200:
            raise SystemExit(f"Online ID login failed ({login.status_code}): {login.text[:200]}")
        created = await post_connection(
            http,
            url=url,
            login_token=login.json()["token"],
            info=info,
            computer=computer,
            tenant=tenant,
            licence=licence,
        )
        if created.status_code != 200:
            raise SystemExit(f"Connecting failed ({created.status_code}): {created.text[:300]}")
        answer: dict[str, Any] = created.json()
        return answer
    finally:
        await link.close()


def run_command(ctx: CommandContext, *, company: str) -> int:
    """Run the company's sync in this process until Ctrl+C (initial sync first when needed)."""
    try:
        target = _company(ctx, company)
        asyncio.run(_run(ctx, target.id))
        return 0
    finally:
        ctx.close()


async def _run(ctx: CommandContext, company_id: int) -> None:
    manager = ctx.manager
    manager.only_company = company_id
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner = asyncio.ensure_future(manager.run(stop))
    try:
        while not stop.is_set():
            progress = await asyncio.to_thread(ctx.status.initial_progress, company_id)
            if progress is not None:
                eta = f"{progress.eta_seconds:.0f} s" if progress.eta_seconds is not None else "?"
                print(f"initial sync: {progress.rows_done}/{progress.rows_total} rows, "
                      f"{progress.rows_per_second:.0f} rows/s, ETA {eta}", flush=True)  # fmt: skip
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 2.0)
    finally:
        stop.set()
        await runner
        await ctx.http.close()
        print("sync stopped", flush=True)
