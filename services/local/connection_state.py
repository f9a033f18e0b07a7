"""Where a company's connection stands once it exists: what the desktop tile, the status window,
the settings page and the focus area show after the wizard's Run.

One view (``ConnectionState``) from a few primary-key reads and the initial sync's checkpoints:
connected or not, by whom and since when, and the initial synchronisation's phase. A scheduled
start shows its date and time and can be run now or cancelled; a time that passed while the
program was not running (the sync manager marks it *missed* at start-up) is reported with
**Run now** wherever the connection is shown, not only in the sync history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.local import SyncCheckpoint, SyncConnection, SyncRun, SyncSchedule, SyncState
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import Conflict, NotFound

# The initial synchronisation's phase, in the words the screens use.
PHASES = ("not_connected", "scheduled", "missed", "cancelled", "waiting", "running", "failed", "done")


@dataclass(frozen=True, kw_only=True, slots=True)
class TableRows:
    table: str
    rows_done: int
    rows_total: int
    done: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class ConnectionState:
    """status: not_connected | connected | needs_reconnect | disconnected; phase: see ``PHASES``."""

    company_id: int
    status: str
    connected_by: str
    since: dt.datetime | None
    phase: str
    run_at: dt.datetime | None  # the scheduled (or missed) start
    tables: tuple[TableRows, ...]  # rows per table of the (last) initial synchronisation
    error: str  # the failed initial run's error, as recorded (a translation key or a detail)

    @property
    def is_connected(self) -> bool:
        return self.status in ("connected", "needs_reconnect")

    @property
    def rows_done(self) -> int:
        return sum(t.rows_done for t in self.tables)

    @property
    def may_run_now(self) -> bool:
        return self.is_connected and self.phase in ("scheduled", "missed", "cancelled")

    @property
    def may_cancel(self) -> bool:
        return self.is_connected and self.phase == "scheduled"


class ConnectionStateService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock = SYSTEM_CLOCK) -> None:
        self._sessions, self._clock = sessions, clock

    def state(self, company_id: int) -> ConnectionState:
        with self._sessions() as s:
            link = s.get(SyncConnection, company_id)
            if link is None or link.status == "disconnected":
                return ConnectionState(
                    company_id=company_id,
                    status=link.status if link else "not_connected",
                    connected_by="",
                    since=None,
                    phase="not_connected",
                    run_at=None,
                    tables=(),
                    error="",
                )
            state = s.get(SyncState, company_id)
            schedule = s.get(SyncSchedule, company_id)
            initial = s.scalars(
                select(SyncRun)
                .where(SyncRun.company_id == company_id, SyncRun.kind == "initial")
                .order_by(SyncRun.id.desc())
                .limit(1)
            ).first()
            points = s.scalars(
                select(SyncCheckpoint)
                .where(SyncCheckpoint.company_id == company_id)
                .order_by(SyncCheckpoint.position)
            ).all()
            phase = _phase(state, schedule, initial, self._clock())
            return ConnectionState(
                company_id=company_id,
                status=link.status,
                connected_by=link.connected_by,
                since=link.created_at,
                phase=phase,
                run_at=schedule.run_at if schedule is not None else None,
                tables=tuple(
                    TableRows(table=p.table_name, rows_done=p.rows_done, rows_total=p.rows_total, done=p.done)
                    for p in points
                ),
                error=initial.error if initial is not None and phase == "failed" else "",
            )

    def run_now(self, company_id: int) -> ConnectionState:
        """Start the initial synchronisation at once (instead of the scheduled, missed or
        cancelled time); the sync manager picks it up within seconds."""
        with self._sessions.begin() as s:
            schedule = self._pending_schedule(s, company_id, self._clock())
            schedule.run_at, schedule.status = self._clock(), "scheduled"
        return self.state(company_id)

    def cancel_schedule(self, company_id: int) -> ConnectionState:
        """Cancel the scheduled start: the connection stays; nothing syncs until Run now."""
        with self._sessions.begin() as s:
            schedule = self._pending_schedule(s, company_id, self._clock())
            if schedule.status != "scheduled":
                raise Conflict("wizard2.status.not_scheduled")
            schedule.status = "cancelled"
        return self.state(company_id)

    @staticmethod
    def _pending_schedule(s: Session, company_id: int, now: dt.datetime) -> SyncSchedule:
        link = s.get(SyncConnection, company_id)
        if link is None or link.status == "disconnected":
            raise NotFound("sync.not_connected")
        state = s.get(SyncState, company_id)
        if state is not None and state.initial_status != "pending":
            raise Conflict("wizard2.status.already_started")
        schedule = s.get(SyncSchedule, company_id)
        if schedule is None:
            schedule = SyncSchedule(company_id=company_id, run_at=now, status="scheduled")
            s.add(schedule)
        return schedule


def _phase(
    state: SyncState | None, schedule: SyncSchedule | None, initial: SyncRun | None, now: dt.datetime
) -> str:
    initial_status = state.initial_status if state is not None else "pending"
    if initial_status == "done":
        return "done"
    if initial is not None and initial.status == "running":
        return "running"
    if initial_status == "running":
        return "failed" if initial is not None and initial.status == "failed" else "running"
    if schedule is not None and schedule.status in ("missed", "cancelled"):
        return schedule.status
    if schedule is not None and schedule.status == "scheduled":
        if initial is not None and initial.status in ("failed", "interrupted"):
            return "failed"
        return "scheduled" if schedule.run_at > now else "waiting"
    if initial is not None and initial.status in ("failed", "interrupted"):
        return "failed"
    return "waiting"
