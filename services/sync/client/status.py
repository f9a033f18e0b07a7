"""What the Business Software UI shows about sync: initial-sync progress, history, conflicts,
the schedule and the trace log. Reads and small writes, one transaction each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import (
    SyncCheckpoint,
    SyncConflict,
    SyncConnection,
    SyncRejection,
    SyncRun,
    SyncSchedule,
    SyncState,
)
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import NotFound, ValidationFailed
from services.local.locks import InitialSyncLock
from services.sync.client.trace import trace_path

CONFLICT_DAYS = 7
KEEP_CONFLICTS = dt.timedelta(days=30)


@dataclass(frozen=True, kw_only=True, slots=True)
class TableProgress:
    table: str
    rows_done: int
    rows_total: int
    done: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class InitialProgress:
    tables: tuple[TableProgress, ...]
    rows_done: int
    rows_total: int
    rows_per_second: float
    eta_seconds: float | None
    started_at: dt.datetime | None


@dataclass(frozen=True, kw_only=True, slots=True)
class RunView:
    id: int
    kind: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    rows_up: int
    rows_down: int
    bytes_up: int
    bytes_down: int
    error: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ConflictView:
    table: str
    uuid: str
    field: str
    business_value: str
    online_value: str
    resolution: str
    created_at: dt.datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class ScheduleView:
    run_at: dt.datetime
    status: str  # scheduled | missed | started


@dataclass(frozen=True, kw_only=True, slots=True)
class SyncOverview:
    connected: bool
    connection_status: str
    initial_status: str
    last_push_at: dt.datetime | None
    last_pull_at: dt.datetime | None
    last_error: str
    schedule: ScheduleView | None
    rejections: int


class SyncStatusService:
    def __init__(self, sessions: sessionmaker[Session], data_dir: Path, clock: Clock = SYSTEM_CLOCK) -> None:
        self._sessions, self._data_dir, self._clock = sessions, data_dir, clock
        self._lock = InitialSyncLock(sessions)

    def initial_progress(self, company_id: int) -> InitialProgress | None:
        """Progress of the running initial sync (any process), or None when none runs."""
        if not self._lock.is_held(company_id):
            return None
        with self._sessions() as s:
            points = s.scalars(
                select(SyncCheckpoint)
                .where(SyncCheckpoint.company_id == company_id)
                .order_by(SyncCheckpoint.position)
            ).all()
            run = s.scalars(
                select(SyncRun)
                .where(
                    SyncRun.company_id == company_id, SyncRun.kind == "initial", SyncRun.status == "running"
                )
                .order_by(SyncRun.id.desc())
                .limit(1)
            ).first()
            tables = tuple(
                TableProgress(table=p.table_name, rows_done=p.rows_done, rows_total=p.rows_total, done=p.done)
                for p in points
            )
            done, total = sum(t.rows_done for t in tables), sum(t.rows_total for t in tables)
            rate = 0.0
            if run is not None:
                elapsed = (self._clock() - run.started_at).total_seconds()
                rate = run.rows_up / elapsed if elapsed > 0.5 else 0.0
            eta = (total - done) / rate if rate > 0 else None
            return InitialProgress(
                tables=tables,
                rows_done=done,
                rows_total=total,
                rows_per_second=rate,
                eta_seconds=eta,
                started_at=run.started_at if run else None,
            )

    def overview(self, company_id: int) -> SyncOverview:
        with self._sessions() as s:
            connection = s.get(SyncConnection, company_id)
            state = s.get(SyncState, company_id)
            schedule = s.get(SyncSchedule, company_id)
            rejections = s.scalar(select(func.count()).where(SyncRejection.company_id == company_id)) or 0
            return SyncOverview(
                connected=connection is not None and connection.status != "disconnected",
                connection_status=connection.status if connection else "disconnected",
                initial_status=state.initial_status if state else "pending",
                last_push_at=state.last_push_at if state else None,
                last_pull_at=state.last_pull_at if state else None,
                last_error=state.last_error if state else "",
                schedule=ScheduleView(run_at=schedule.run_at, status=schedule.status) if schedule else None,
                rejections=rejections,
            )

    def runs(self, company_id: int, limit: int = 50) -> list[RunView]:
        with self._sessions() as s:
            rows = s.scalars(
                select(SyncRun)
                .where(SyncRun.company_id == company_id)
                .order_by(SyncRun.id.desc())
                .limit(limit)
            ).all()
            return [
                RunView(
                    id=r.id,
                    kind=r.kind,
                    status=r.status,
                    started_at=r.started_at,
                    finished_at=r.finished_at,
                    rows_up=r.rows_up,
                    rows_down=r.rows_down,
                    bytes_up=r.bytes_up,
                    bytes_down=r.bytes_down,
                    error=r.error,
                )
                for r in rows
            ]

    def conflicts(self, company_id: int, days: int = CONFLICT_DAYS) -> list[ConflictView]:
        since = self._clock() - dt.timedelta(days=days)
        with self._sessions() as s:
            rows = s.scalars(
                select(SyncConflict)
                .where(SyncConflict.company_id == company_id, SyncConflict.created_at >= since)
                .order_by(SyncConflict.id.desc())
            ).all()
            return [
                ConflictView(
                    table=c.table_name,
                    uuid=c.uuid,
                    field=c.field,
                    business_value=c.business_value,
                    online_value=c.online_value,
                    resolution=c.resolution,
                    created_at=c.created_at,
                )
                for c in rows
            ]

    def schedule_initial(self, company_id: int, run_at: dt.datetime) -> ScheduleView:
        """Schedule the initial sync ("now" or a future time); stored, so it survives a restart."""
        if run_at.tzinfo is None:
            raise ValidationFailed({"run_at": "validation.date"})
        with self._sessions.begin() as s:
            if s.get(SyncConnection, company_id) is None:
                raise NotFound("sync.not_connected")
            schedule = s.get(SyncSchedule, company_id)
            if schedule is None:
                schedule = SyncSchedule(company_id=company_id, run_at=run_at)
                s.add(schedule)
            schedule.run_at, schedule.status = run_at, "scheduled"
            return ScheduleView(run_at=run_at, status="scheduled")

    def run_now(self, company_id: int) -> ScheduleView:
        """The answer to a missed scheduled time: start the initial sync at once."""
        return self.schedule_initial(company_id, self._clock())

    def trace_file(self, company_id: int) -> Path | None:
        path = trace_path(self._data_dir, company_id)
        return path if path.exists() else None

    def prune_conflicts(self) -> int:
        """Conflicts are kept 30 days (the history shows the last 7)."""
        with self._sessions.begin() as s:
            result = s.execute(
                delete(SyncConflict).where(SyncConflict.created_at < self._clock() - KEEP_CONFLICTS)
            )
            return int(getattr(result, "rowcount", 0) or 0)
