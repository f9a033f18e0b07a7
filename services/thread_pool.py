"""A thread pool whose idle threads end: memory a busy spell needed goes back when it is over.

Python's ``ThreadPoolExecutor`` keeps every thread it ever started until shutdown. A server whose
sync requests hop to worker threads grows to the pool's maximum in a burst and keeps those
threads afterwards, each with its stack pages and the allocator's per-thread cache of freed
blocks (together about 0.25 MB a thread, several MB for a pool of 32). ``IdleEndingThreadPool``
works as ``ThreadPoolExecutor`` does (it is one: asyncio accepts it as the default executor) but
a thread that waited ``idle_seconds`` for work ends; the next burst starts threads again.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")
IDLE_SECONDS = 15.0

_Task = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class IdleEndingThreadPool(ThreadPoolExecutor):
    """Up to ``max_workers`` threads, started as work comes and ended after ``idle_seconds``
    without work. ``shutdown`` as in ``ThreadPoolExecutor`` (waits for the work already
    submitted unless ``cancel_futures``)."""

    def __init__(
        self, max_workers: int, *, thread_name_prefix: str = "pool", idle_seconds: float = IDLE_SECONDS
    ) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=thread_name_prefix)
        self._idle_seconds = idle_seconds
        self._tasks: collections.deque[_Task] = collections.deque()
        self._ready = threading.Condition(threading.Lock())
        self._idle = 0  # threads waiting for work
        self._wakeups = 0  # of those, how many were woken for a task and did not take it yet
        self._workers: set[threading.Thread] = set()
        self._started = 0
        self._closed = False

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        future: Future[R] = Future()
        with self._ready:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            self._tasks.append((future, fn, args, kwargs))
            if self._idle > self._wakeups:
                self._wakeups += 1
                self._ready.notify()
            elif len(self._workers) < self._max_workers:
                self._started += 1
                worker = threading.Thread(
                    target=self._work, name=f"{self._thread_name_prefix}_{self._started}", daemon=True
                )
                self._workers.add(worker)
                worker.start()
            # else every thread is busy: the first one done takes the task
        return future

    def _next_task(self) -> _Task | None:
        """The next task, waiting for one up to ``idle_seconds`` at a time; None: end the thread."""
        with self._ready:
            while not self._tasks:
                if self._closed:
                    break
                self._idle += 1
                woken = self._ready.wait(self._idle_seconds)
                self._idle -= 1
                if self._wakeups:  # a task came (perhaps taken already): look again
                    self._wakeups -= 1
                elif not woken and not self._tasks:
                    break  # waited the whole time, and no task counts on this thread
            else:
                return self._tasks.popleft()
            self._workers.discard(threading.current_thread())
            return None

    def _work(self) -> None:
        while (task := self._next_task()) is not None:
            future, fn, args, kwargs = task
            del task
            if future.set_running_or_notify_cancel():
                try:
                    result = fn(*args, **kwargs)
                except BaseException as exc:
                    future.set_exception(exc)
                else:
                    future.set_result(result)
                    del result
            del future, fn, args, kwargs  # nothing of the last task stays referenced while idle

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._ready:
            self._closed = True
            if cancel_futures:
                while self._tasks:
                    self._tasks.popleft()[0].cancel()
            self._ready.notify_all()
            workers = list(self._workers)
        if wait:
            for worker in workers:
                if worker is not threading.current_thread():
                    worker.join()

    @property
    def threads(self) -> int:
        """How many threads the pool has right now."""
        with self._ready:
            return len(self._workers)
