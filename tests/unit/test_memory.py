"""Freed memory goes back to the system: malloc arenas capped, free pages trimmed at intervals."""

from __future__ import annotations

import asyncio
import sys

import pytest

from services import memory

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")


@linux
def test_arenas_can_be_capped_and_free_pages_returned() -> None:
    assert memory.limit_arenas(8) is True  # the default cap on two cores: changes nothing here
    block = bytearray(64 * 1024 * 1024)
    del block
    assert isinstance(memory.trim(), bool)


@linux
async def test_trim_forever_trims_at_each_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    third = asyncio.Event()
    loop = asyncio.get_running_loop()

    def trim() -> bool:
        calls.append(1)
        if len(calls) == 3:
            loop.call_soon_threadsafe(third.set)
        return True

    monkeypatch.setattr(memory, "trim", trim)
    task = asyncio.create_task(memory.trim_forever(0.01))
    await asyncio.wait_for(third.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(calls) >= 3


@linux
async def test_trim_forever_lets_caches_go_before_each_trim(monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []
    second = asyncio.Event()
    loop = asyncio.get_running_loop()

    def trim() -> bool:
        order.append("trim")
        if order.count("trim") == 2:
            loop.call_soon_threadsafe(second.set)
        return True

    monkeypatch.setattr(memory, "trim", trim)
    task = asyncio.create_task(memory.trim_forever(0.01, release=lambda: order.append("release")))
    await asyncio.wait_for(second.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert order[:4] == ["release", "trim", "release", "trim"]
