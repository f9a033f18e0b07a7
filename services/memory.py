"""Giving memory back to the operating system after a busy spell (glibc's allocator; elsewhere no-ops).

glibc keeps memory that was freed inside its heaps for the next allocation, and gives every
thread that allocates an arena of its own (up to eight per core): after a burst of sync requests
on the worker threads the process stays at its peak size although Python freed the objects.
``limit_arenas`` caps the number of arenas (threads share them), ``trim`` returns the free pages
of every arena, ``trim_forever`` does so at intervals.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

M_ARENA_MAX = -8  # mallopt parameter (malloc.h)
ARENAS = 2
TRIM_SECONDS = 20.0


@cache
def _libc() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 - both exist only in glibc (not musl)
    except (OSError, AttributeError):
        return None
    return libc


def limit_arenas(arenas: int = ARENAS) -> bool:
    """At most ``arenas`` malloc arenas for threads started from now on; False where unsupported."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, arenas) == 1)


def trim() -> bool:
    """Return the free memory of every arena to the system; True when some was returned."""
    libc = _libc()
    return bool(libc is not None and libc.malloc_trim(0))


async def trim_forever(seconds: float = TRIM_SECONDS, *, release: Callable[[], object] | None = None) -> None:
    """``trim`` every ``seconds`` (in a worker thread: it walks the whole heap), after calling
    ``release`` (which lets go of caches that are not needed now, so that their memory is free)."""
    if _libc() is None:
        return

    def release_and_trim() -> bool:
        if release is not None:
            release()
        return trim()

    while True:
        await asyncio.sleep(seconds)
        try:
            await asyncio.to_thread(release_and_trim)
        except RuntimeError:  # the default executor is shut down: the process is stopping
            return
