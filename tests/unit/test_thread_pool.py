"""The sync thread pool: works as Python's, starts threads as work comes and ends idle ones."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import CancelledError, ThreadPoolExecutor

import pytest

from services.thread_pool import IdleEndingThreadPool


def wait_until(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def test_it_returns_results_and_raises_what_the_task_raised() -> None:
    with IdleEndingThreadPool(2) as pool:
        assert pool.submit(pow, 2, 10).result(5) == 1024
        with pytest.raises(ZeroDivisionError):
            pool.submit(lambda: 1 / 0).result(5)
        assert list(pool.map(str, range(5))) == ["0", "1", "2", "3", "4"]


def test_it_starts_at_most_max_workers_threads_and_every_task_runs() -> None:
    release = threading.Event()
    running: list[str] = []

    def task(i: int) -> int:
        running.append(threading.current_thread().name)
        release.wait(5)
        return i

    with IdleEndingThreadPool(3, thread_name_prefix="t") as pool:
        futures = [pool.submit(task, i) for i in range(7)]
        wait_until(lambda: len(running) == 3)
        assert pool.threads == 3
        release.set()
        assert [f.result(5) for f in futures] == list(range(7))
    assert len(set(running)) == 3 and all(name.startswith("t_") for name in running)


def test_idle_threads_end_and_the_next_task_starts_one_again() -> None:
    pool = IdleEndingThreadPool(4, idle_seconds=0.1)
    try:
        barrier = threading.Barrier(4)
        assert all(f.result(5) >= 0 for f in [pool.submit(barrier.wait, 5) for _ in range(4)])
        assert pool.threads == 4
        wait_until(lambda: pool.threads == 0)
        assert pool.submit(lambda: "again").result(5) == "again"
    finally:
        pool.shutdown()


def test_an_idle_thread_takes_the_next_task_instead_of_a_new_thread() -> None:
    with IdleEndingThreadPool(8, idle_seconds=5) as pool:
        names = {pool.submit(lambda: threading.current_thread().name).result(5) for _ in range(20)}
        assert len(names) == 1 and pool.threads == 1


def test_no_task_is_lost_when_threads_end_while_work_comes() -> None:
    # an idle time this short makes threads end all the time, right as tasks are submitted
    pool = IdleEndingThreadPool(3, idle_seconds=0.0005)
    done = []
    lock = threading.Lock()

    def task(i: int) -> None:
        with lock:
            done.append(i)

    def producer(start: int) -> list[object]:
        futures = []
        for i in range(start, start + 500):
            futures.append(pool.submit(task, i))
            if i % 7 == 0:
                time.sleep(0.001)
        return futures

    try:
        with ThreadPoolExecutor(4) as producers:
            batches = list(producers.map(producer, range(0, 2000, 500)))
        for future in (f for batch in batches for f in batch):
            future.result(10)  # type: ignore[attr-defined]
        assert sorted(done) == list(range(2000))
    finally:
        pool.shutdown()


def test_shutdown_finishes_the_submitted_work_or_cancels_it_and_refuses_more() -> None:
    release = threading.Event()
    pool = IdleEndingThreadPool(1)
    first = pool.submit(release.wait, 5)
    queued = pool.submit(lambda: "queued")
    release.set()
    pool.shutdown(wait=True)
    assert first.result(0) is True and queued.result(0) == "queued"
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.submit(lambda: None)
    assert pool.threads == 0

    release.clear()
    pool = IdleEndingThreadPool(1)
    busy = pool.submit(release.wait, 5)
    waiting = pool.submit(lambda: "never")
    wait_until(lambda: busy.running())
    pool.shutdown(wait=False, cancel_futures=True)
    release.set()
    assert busy.result(5) is True
    with pytest.raises(CancelledError):
        waiting.result(5)


async def test_it_serves_as_the_event_loop_s_default_executor() -> None:
    pool = IdleEndingThreadPool(2, thread_name_prefix="sync")
    loop = asyncio.get_running_loop()
    loop.set_default_executor(pool)
    name = await asyncio.to_thread(lambda: threading.current_thread().name)
    assert name.startswith("sync_")
    await loop.shutdown_default_executor()
    assert pool.threads == 0
