"""The current time as a dependency: services take a clock so tests can freeze and advance it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from models.types import utcnow

Clock = Callable[[], dt.datetime]
SYSTEM_CLOCK: Clock = utcnow


def shifted_clock(seconds: float) -> Clock:
    """The system clock, moved ``seconds`` ahead (the ``CLOCK_OFFSET_SECONDS`` setting)."""
    if not seconds:
        return SYSTEM_CLOCK
    offset = dt.timedelta(seconds=seconds)
    return lambda: utcnow() + offset


class FrozenClock:
    """A clock that stands still until told to move (expiry and lockout tests)."""

    def __init__(self, now: dt.datetime | None = None) -> None:
        self.now = now or dt.datetime(2030, 1, 15, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)
