"""Fault scenarios: each builds a company, breaks things at random points, and checks the result.

Every scenario ends with ``faults.check``: counts and checksums equal on both sides and each
side holding exactly the rows the ledger expects (nothing lost, nothing duplicated, nothing
resurrected); the conflict scenario also checks values and that every conflict was logged.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from multiprocessing.process import BaseProcess
from typing import Any

import httpx
from sqlalchemy import text

from services.sync.client.agent import AgentOptions, SyncAgent
from services.sync.client.http import SyncClient
from tests.sync import procs
from tests.sync.edits import Edits
from tests.sync.faults import Client, Ledger, ScenarioFailed, World, check, settle, wait_until
from tests.sync.local_helpers import fill

Scenario = Callable[[World, random.Random], Awaitable[dict[str, Any]]]


class FaultyTransport(httpx.AsyncBaseTransport):
    """Loses responses after the server has processed the request, sends requests twice."""

    def __init__(self, rng: random.Random, *, drop: float = 0.0, duplicate: float = 0.0) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.rng, self.drop, self.duplicate = rng, drop, duplicate
        self.dropped = self.duplicated = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.rng.random() < self.duplicate:
            await response.aread()
            await response.aclose()
            self.duplicated += 1
            response = await self.inner.handle_async_request(request)
        if self.rng.random() < self.drop:
            await response.aread()
            await response.aclose()
            self.dropped += 1
            raise httpx.ReadError("injected: the answer was lost after the server committed")
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def agent_for(client: Client, http: httpx.AsyncClient, page_rows: int = 20) -> SyncAgent:
    return SyncAgent(
        engine=client.engine,
        company_id=client.company_id,
        client=SyncClient(http, client.url, client.connection.token, client.connection.tenant_uuid),
        trace=logging.getLogger("faults"),
        options=AgentOptions(
            page_rows=page_rows, debounce=0.01, outbox_poll=0.02, long_poll=1.0, verify_every=3600
        ),
    )


def prepared(world: World, rng: random.Random, contacts: tuple[int, int] = (8, 30)) -> tuple[Client, Ledger]:
    client = world.new_client()
    fill(client.sessions, client.company_id, contacts=rng.randint(*contacts), seed=rng.randint(1, 10**6))
    ledger = Ledger()
    ledger.load(client)
    return client, ledger


def spawn(client: Client, url: str, page_rows: int) -> BaseProcess:
    """The client in its own process (so that it can be killed with SIGKILL)."""
    token, tenant = client.connection.token, client.connection.tenant_uuid
    log = str(client.path.with_suffix(".log"))
    return procs.start_client(str(client.path), client.company_id, url, token, tenant, page_rows, log)


def pages_done(client: Client) -> int:
    with client.sessions() as s:
        return int(s.execute(text("SELECT COALESCE(SUM(pages), 0) FROM sync_checkpoints")).scalar_one())


def initial_done(client: Client) -> bool:
    with client.sessions() as s:
        return s.execute(text("SELECT initial_status FROM sync_states")).scalar() == "done"


def stop_process(process: BaseProcess, kill: bool) -> None:
    """SIGKILL (no clean-up at all) or SIGTERM (the agent stops cleanly)."""
    if process.is_alive():
        process.kill() if kill else process.terminate()
    process.join(20)


async def with_agent(
    client: Client, transport: httpx.AsyncBaseTransport | None, body: Callable[[], Awaitable[None]]
) -> None:
    """Run the agent (initial + continuous) in this process while ``body`` runs; then let it settle."""
    async with httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(10.0, connect=2.0)) as http:
        stop = asyncio.Event()
        running = asyncio.ensure_future(agent_for(client, http).run(stop))
        try:
            await body()
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)


async def edit_for(edits: Edits, count: int, rng: random.Random) -> None:
    for _ in range(count):
        await asyncio.to_thread(edits.random)
        await asyncio.sleep(rng.uniform(0, 0.03))


# --- scenarios -------------------------------------------------------------------------------------


async def initial_kill(world: World, rng: random.Random) -> dict[str, Any]:
    """SIGKILL the client process at random pages of the initial sync, then let it resume."""
    client, ledger = prepared(world, rng, (15, 45))
    edits = Edits(world, client, ledger, rng)
    page_rows = rng.randint(5, 12)
    kills = rng.randint(1, 3)
    for _ in range(kills):
        target = pages_done(client) + rng.randint(1, 6)
        process = spawn(client, world.server.url, page_rows)
        await wait_until(
            lambda t=target, p=process: pages_done(client) >= t or initial_done(client) or not p.is_alive()
        )
        stop_process(process, kill=True)
        if rng.random() < 0.5:
            await asyncio.to_thread(edits.local)
    process = spawn(client, world.server.url, page_rows)
    try:
        await settle(world, client)
    finally:
        stop_process(process, kill=False)
    return {**check(world, client, ledger), "kills": kills, "edits": edits.count}


async def continuous_kill(world: World, rng: random.Random) -> dict[str, Any]:
    """SIGKILL the client process while both sides keep editing, then restart it."""
    client, ledger = prepared(world, rng)
    edits = Edits(world, client, ledger, rng)
    process = spawn(client, world.server.url, 20)
    await settle(world, client)
    kills = rng.randint(1, 2)
    for _ in range(kills):
        await edit_for(edits, rng.randint(3, 15), rng)
        stop_process(process, kill=True)
        await edit_for(edits, rng.randint(0, 8), rng)
        process = spawn(client, world.server.url, 20)
    try:
        await edit_for(edits, rng.randint(0, 8), rng)
        await settle(world, client)
    finally:
        stop_process(process, kill=False)
    return {**check(world, client, ledger), "kills": kills, "edits": edits.count}


async def lossy_network(world: World, rng: random.Random, *, drop: float, duplicate: float) -> dict[str, Any]:
    client, ledger = prepared(world, rng)
    edits = Edits(world, client, ledger, rng)
    transport = FaultyTransport(rng, drop=drop, duplicate=duplicate)

    async def body() -> None:
        await edit_for(edits, rng.randint(5, 25), rng)
        await settle(world, client)

    await with_agent(client, transport, body)
    return {**check(world, client, ledger), "dropped": transport.dropped, "duplicated": transport.duplicated}


async def dropped_responses(world: World, rng: random.Random) -> dict[str, Any]:
    """Answers lost after the server committed (the client must resend; nothing twice)."""
    return await lossy_network(world, rng, drop=rng.uniform(0.15, 0.4), duplicate=0.0)


async def duplicated_requests(world: World, rng: random.Random) -> dict[str, Any]:
    """Every request may arrive twice (retrying proxies): applied once."""
    return await lossy_network(world, rng, drop=0.0, duplicate=rng.uniform(0.3, 0.6))


async def server_restart(world: World, rng: random.Random) -> dict[str, Any]:
    """The server is killed and started again during the initial or the continuous sync."""
    client, ledger = prepared(world, rng, (20, 50))
    edits = Edits(world, client, ledger, rng)
    during_initial = rng.random() < 0.5

    async def body() -> None:
        if during_initial:
            target = rng.randint(1, 8)
            await wait_until(lambda: pages_done(client) >= target or initial_done(client))
        else:
            await settle(world, client)
            await edit_for(edits, rng.randint(2, 10), rng)
        await asyncio.to_thread(world.server.kill)
        await edit_for(edits, rng.randint(0, 5), rng)
        await asyncio.sleep(rng.uniform(0.1, 0.8))
        await asyncio.to_thread(world.server.start)
        await edit_for(edits, rng.randint(0, 5), rng)
        await settle(world, client)

    await with_agent(client, None, body)
    return {**check(world, client, ledger), "restarts": 1}


async def conflicts(world: World, rng: random.Random) -> dict[str, Any]:
    """Same field, different fields, delete against edit, made on both sides before any sync."""
    from tests.sync.conflict_checks import run_conflicts

    return await run_conflicts(world, rng, prepared, with_agent)


SCENARIOS: dict[str, Scenario] = {
    "initial_kill": initial_kill,
    "continuous_kill": continuous_kill,
    "dropped_responses": dropped_responses,
    "duplicated_requests": duplicated_requests,
    "server_restart": server_restart,
    "conflicts": conflicts,
}


async def run_scenario(world: World, kind: str, seed: int) -> dict[str, Any]:
    try:
        return await SCENARIOS[kind](world, random.Random(seed))
    except ScenarioFailed as exc:
        raise ScenarioFailed(f"{kind} (seed {seed}): {exc}") from None
