"""Child processes of the fault tests: a sync client (agent) and a lean sync server.

They are forked from a forkserver that has imported everything once, so a process starts in a
few milliseconds instead of seconds, and can still be killed with SIGKILL like any process.
The server is the real sync router and health check on uvicorn, without the web UI.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess

import httpx
import uvicorn
from fastapi import FastAPI

from services.api.online.health import health_router
from services.api.online.sync import sync_router
from services.db import make_engine, open_databases
from services.sync.client.agent import AgentOptions, SyncAgent
from services.sync.client.http import SyncClient
from services.sync.server.service import SyncServer

_context: ForkServerContext | None = None


def context() -> ForkServerContext:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(["tests.sync.procs"])
    return _context


def _quiet(log_path: str) -> None:
    """Send the child's output to its own log file."""
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    logging.basicConfig(level=logging.WARNING, force=True)


def client_main(
    local_db: str, company: int, url: str, token: str, tenant: str, page_rows: int, log: str
) -> None:
    """Initial sync when needed, then continuous sync, until SIGTERM (or SIGKILL)."""
    _quiet(log)

    async def run() -> None:
        engine = make_engine(f"sqlite:///{local_db}")
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        options = AgentOptions(
            page_rows=page_rows, debounce=0.01, outbox_poll=0.02, long_poll=1.0, verify_every=3600
        )
        async with httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=2.0)) as http:
            agent = SyncAgent(
                engine=engine,
                company_id=company,
                client=SyncClient(http, url, token, tenant),
                trace=logging.getLogger("client"),
                options=options,
            )
            await agent.run(stop)
        engine.dispose()

    asyncio.run(run())


def server_app(online_db: str) -> FastAPI:
    dbs = open_databases(local_url=None, online_url=online_db, migrate_now=False)
    assert dbs.online is not None
    server = SyncServer(dbs.online)
    app = FastAPI()
    app.include_router(health_router(lambda: dbs.online))
    app.include_router(sync_router(lambda: server, lambda: None))
    return app


def server_main(port: int, online_db: str, log: str) -> None:
    _quiet(log)
    uvicorn.run(server_app(online_db), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def start_client(*args: object) -> BaseProcess:
    process = context().Process(target=client_main, args=args, daemon=True)
    process.start()
    return process


def start_server(port: int, online_db: str, log: str) -> BaseProcess:
    process = context().Process(target=server_main, args=(port, online_db, log), daemon=True)
    process.start()
    return process
