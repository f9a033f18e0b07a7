"""How much the sync moved, per day, and the words for how a run ended (the Sync tab, PRODUCT.md §4-5).

The rows per day come from ``sync_days``, counted in the very transaction that sent or applied
them (a continuous run lasts as long as the program runs, so its totals cannot be split into days).
A run's ``error`` column holds what the agent knew: a translation key (``sync.needs_reconnect``),
``stopped``, the tables a verification found different, or an exception's text; ``run_outcome``
turns that into a translation key with parameters, never showing a raw exception or server text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.local import SyncDay
from services.clock import SYSTEM_CLOCK, Clock
from services.i18n import catalogue
from services.sync.protocol.tables import TABLES

CHART_DAYS = 30


@dataclass(frozen=True, kw_only=True, slots=True)
class DayRows:
    day: dt.date
    rows_up: int
    rows_down: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Outcome:
    """What to say about a run's end: a translation key (empty: nothing to say) and the tables it
    names (``sync.table.<name>`` translates each)."""

    key: str
    tables: tuple[str, ...] = ()


class SyncActivity:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock = SYSTEM_CLOCK) -> None:
        self._sessions, self._clock = sessions, clock

    def rows_per_day(self, company_id: int, days: int = CHART_DAYS) -> tuple[DayRows, ...]:
        """The last ``days`` days (UTC) up to today, each with the rows sent and received (0 if none)."""
        today = self._clock().astimezone(dt.UTC).date()
        first = today - dt.timedelta(days=days - 1)
        with self._sessions() as s:
            found = {
                row.day: row
                for row in s.scalars(
                    select(SyncDay).where(SyncDay.company_id == company_id, SyncDay.day >= first.isoformat())
                )
            }
        result = []
        for n in range(days):
            day = first + dt.timedelta(days=n)
            row = found.get(day.isoformat())
            result.append(
                DayRows(day=day, rows_up=row.rows_up if row else 0, rows_down=row.rows_down if row else 0)
            )
        return tuple(result)


def run_outcome(*, kind: str, status: str, error: str) -> Outcome:
    """The words for how a run ended (translated by the caller)."""
    text = (error or "").strip()
    tables = _tables(text)
    if status == "running":
        return Outcome(key="")
    if tables is not None and (status == "mismatch" or kind == "resync"):
        key = "sync.outcome.mismatch" if status == "mismatch" else "sync.outcome.resynced"
        return Outcome(key=key, tables=tables)
    if status == "ok":
        return Outcome(key="")
    if text == "stopped" or (status == "interrupted" and not text):
        return Outcome(key="sync.outcome.stopped")
    if text and text in catalogue():
        return Outcome(key=text)
    if status == "failed":
        return Outcome(key="sync.outcome.failed")
    return Outcome(key="")


def _tables(text: str) -> tuple[str, ...] | None:
    """The tables a verification named ("contacts, products"), or None when it is not such a list."""
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    return names if names and all(name in TABLES for name in names) else None
