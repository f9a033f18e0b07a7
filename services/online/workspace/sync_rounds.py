"""The sync rounds of a company account on one day: the list behind the dashboard's sync health.

Each round is one exchange of rows with a Business Software (``models.online.SyncRound``): a
snapshot page or a push it uploaded, a page of changes it pulled, with the computer it came from.
Days are UTC days, as the dashboard counts them. Every member sees them, as they see the chart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.online import Connection, SyncRound
from services.online.workspace.access import resolve_context

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True, kw_only=True, slots=True)
class RoundRow:
    at: dt.datetime
    computer: str  # the connection's computer name ("" when the connection is gone)
    kind: str  # snapshot | push | pull
    rows_up: int  # from Business Software
    rows_down: int  # to Business Software


@dataclass(frozen=True, kw_only=True, slots=True)
class RoundsPage:
    day: dt.date
    rows: tuple[RoundRow, ...]  # newest first
    total: int  # rounds of the day
    rows_up: int  # of the whole day
    rows_down: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


class WorkspaceSyncRounds:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def day(
        self, online_id_id: int, tenant_uuid: str, *, day: dt.date, page: int = 1, page_size: int = PAGE_SIZE
    ) -> RoundsPage:
        """One page of the rounds of ``day`` (UTC), newest first, with the day's totals."""
        page_size = max(1, min(page_size, MAX_PAGE_SIZE))
        start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        r = SyncRound
        with self._sessions() as s:
            ctx = resolve_context(s, online_id_id=online_id_id, tenant_uuid=tenant_uuid)
            within = (r.tenant_id == ctx.tenant_id, r.at >= start, r.at < start + dt.timedelta(days=1))
            total, up, down = s.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(r.rows_up), 0),
                    func.coalesce(func.sum(r.rows_down), 0),
                ).where(*within)
            ).one()
            page = max(1, min(page, max(1, -(-int(total) // page_size))))
            found = s.execute(
                select(r.at, Connection.computer_name, r.kind, r.rows_up, r.rows_down)
                .outerjoin(Connection, Connection.id == r.connection_id)
                .where(*within)
                .order_by(r.at.desc(), r.id.desc())
                .offset((page - 1) * page_size)
                .limit(page_size)
            ).all()
        rows = tuple(
            RoundRow(at=at, computer=computer or "", kind=kind, rows_up=int(u), rows_down=int(d))
            for at, computer, kind, u, d in found
        )
        return RoundsPage(
            day=day,
            rows=rows,
            total=int(total),
            rows_up=int(up),
            rows_down=int(down),
            page=page,
            page_size=page_size,
        )
