"""Wake-ups: subscribers per tenant in one process, and LISTEN/NOTIFY between instances on PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from services.db import Databases, open_databases
from services.sync.protocol.messages import PullRequest
from services.sync.server.listen import PostgresWakeups
from services.sync.server.notify import IN_PROCESS_RECHECK, SAFETY_NET_RECHECK, TenantNotifier, wake_channel
from services.sync.server.service import SyncServer
from tests.online_db import fresh_postgres_database, postgres_server_url
from tests.sync.helpers import connect, contact, fields


async def test_a_subscriber_is_called_in_its_own_loop_for_its_tenant_only_until_it_unsubscribes() -> None:
    notifier = TenantNotifier()
    loop_thread = threading.get_ident()
    seen: list[tuple[int, int]] = []
    arrived = asyncio.Event()

    def changed(tenant: int) -> None:
        seen.append((tenant, threading.get_ident()))
        arrived.set()

    subscription = notifier.subscribe(7, changed)
    await asyncio.to_thread(notifier.notify, 8)  # another tenant
    await asyncio.to_thread(notifier.notify, 7)  # from a worker thread, like a service call
    await asyncio.wait_for(arrived.wait(), 2)
    assert seen == [(7, loop_thread)]

    subscription.close()
    subscription.close()  # closing twice is harmless
    notifier.notify(7)
    await asyncio.sleep(0.05)
    assert seen == [(7, loop_thread)]
    assert notifier.listeners(7) == 0


async def test_a_failing_subscriber_does_not_reach_the_writer_and_notify_all_wakes_everyone() -> None:
    notifier = TenantNotifier()
    calls: list[int] = []

    def broken(_tenant: int) -> None:
        raise ValueError("a page's bug")

    notifier.subscribe(1, broken)
    notifier.subscribe(2, calls.append)
    waiter = notifier.register(3)
    notifier.notify_all()
    assert await waiter.wait(1)
    await asyncio.sleep(0.01)
    assert calls == [2]


def test_the_database_recheck_is_a_slow_safety_net_only_while_other_instances_reach_us() -> None:
    notifier = TenantNotifier()
    assert notifier.recheck_seconds == IN_PROCESS_RECHECK == 0.2
    notifier.set_cross_instance(True)
    assert notifier.recheck_seconds == SAFETY_NET_RECHECK >= 5
    notifier.set_cross_instance(False)
    assert notifier.recheck_seconds == IN_PROCESS_RECHECK


def test_the_channel_is_named_after_the_deployments_database() -> None:
    assert wake_channel("online") == "online_desktop_writes_online"
    assert wake_channel("Firma-Ü 1") == "online_desktop_writes_firma___1"
    assert len(wake_channel("x" * 100)) == 63


# --- two instances on one PostgreSQL database ---------------------------------------------------


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    server = postgres_server_url()
    if server is None:
        pytest.skip("TEST_POSTGRES_URL is not set: LISTEN/NOTIFY needs PostgreSQL")
    with fresh_postgres_database(server) as url:
        yield url


@pytest.fixture
def two_instances(postgres_url: str) -> Iterator[tuple[SyncServer, SyncServer, PostgresWakeups]]:
    """Instance A writes; instance B has its own engine, notifier and LISTEN connection."""
    a_dbs, b_dbs = (open_databases(local_url=None, online_url=postgres_url) for _ in range(2))
    assert a_dbs.online is not None and b_dbs.online is not None
    a, b = SyncServer(a_dbs.online), SyncServer(b_dbs.online)
    listening = PostgresWakeups(postgres_url, b.notifier)
    listening.start()
    deadline = time.monotonic() + 10
    while not b.notifier.cross_instance and time.monotonic() < deadline:
        time.sleep(0.02)
    assert b.notifier.cross_instance, "the LISTEN connection did not come up"
    yield a, b, listening
    listening.stop()
    _dispose(a_dbs, b_dbs)


def _dispose(*dbs: Databases) -> None:
    for each in dbs:
        each.dispose()


async def test_a_pull_waiting_on_another_instance_wakes_at_once_for_a_write(
    two_instances: tuple[SyncServer, SyncServer, PostgresWakeups],
) -> None:
    a, b, listening = two_instances
    ctx, _token = await asyncio.to_thread(connect, a)
    assert b.notifier.recheck_seconds == SAFETY_NET_RECHECK  # no 0.2 s polling: only the wake-up helps
    for _ in range(3):
        cursor = (await asyncio.to_thread(b.pull_now, ctx, PullRequest(**fields(ctx), cursor=0))).cursor
        waiting = asyncio.create_task(b.pull(ctx, PullRequest(**fields(ctx), cursor=cursor, wait=10.0)))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        await asyncio.to_thread(
            a.apply_online_change, ctx.tenant_id, table="contacts", uuid=None, fields=contact()
        )
        committed = time.perf_counter()
        page = await asyncio.wait_for(waiting, 5)
        assert (time.perf_counter() - committed) < 0.5  # measured: a few milliseconds
        assert page.cursor > cursor and page.changes
    assert listening.received >= 3


async def test_a_page_subscribed_on_another_instance_hears_of_a_write_but_not_of_a_rollback(
    two_instances: tuple[SyncServer, SyncServer, PostgresWakeups],
) -> None:
    a, b, _listening = two_instances
    ctx, _token = await asyncio.to_thread(connect, a)
    heard: list[int] = []
    arrived = asyncio.Event()
    b.notifier.subscribe(ctx.tenant_id, lambda tenant: (heard.append(tenant), arrived.set()))

    def rolled_back() -> None:
        with a._sessions() as s, s.begin():
            a.apply_online_change(ctx.tenant_id, table="contacts", uuid=None, fields=contact(), session=s)
            s.rollback()

    await asyncio.to_thread(rolled_back)
    await asyncio.sleep(0.3)
    assert heard == []
    await asyncio.to_thread(
        a.apply_online_change, ctx.tenant_id, table="contacts", uuid=None, fields=contact()
    )
    await asyncio.wait_for(arrived.wait(), 3)
    assert heard == [ctx.tenant_id]


async def test_after_the_listen_connection_is_cut_it_comes_back_and_wakes_everyone(
    two_instances: tuple[SyncServer, SyncServer, PostgresWakeups], postgres_url: str
) -> None:
    a, b, _listening = two_instances
    ctx, _token = await asyncio.to_thread(connect, a)
    waiter = b.notifier.register(ctx.tenant_id)
    try:

        def cut() -> None:
            dbs = open_databases(local_url=None, online_url=postgres_url, migrate_now=False)
            assert dbs.online is not None
            with dbs.online() as s:
                s.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND application_name LIKE '%listen'"
                    )
                )
            dbs.dispose()

        await asyncio.to_thread(cut)
        assert await waiter.wait(10), "no wake-up after the reconnect"
        assert b.notifier.cross_instance
    finally:
        b.notifier.discard(ctx.tenant_id, waiter)


def test_two_instances_migrating_one_database_at_the_same_moment_take_turns() -> None:
    server = postgres_server_url()
    if server is None:
        pytest.skip("TEST_POSTGRES_URL is not set: the migration lock is PostgreSQL's")
    with fresh_postgres_database(server) as url:
        errors: list[BaseException] = []

        def start() -> None:
            try:
                open_databases(local_url=None, online_url=url).dispose()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=start) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert errors == []
