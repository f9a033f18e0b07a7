"""The calendar of a company account: its activities in a span of days, in time order."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.online import OnlineActivity
from services.errors import ValidationFailed
from services.online.workspace.access import resolve_context
from services.records.views import RegisterRow

MAX_SPAN = dt.timedelta(days=62)


class WorkspaceCalendar:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def activities_between(
        self, online_id_id: int, tenant_uuid: str, *, start: dt.datetime, end: dt.datetime, limit: int = 500
    ) -> list[RegisterRow]:
        """The account's activities starting in [start, end), in time order (one read transaction)."""
        if end <= start or end - start > MAX_SPAN:
            raise ValidationFailed({"range": "validation.choice"})
        with self._sessions() as s:
            ctx = resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module="activities", level="read"
            )
            found = s.scalars(
                select(OnlineActivity)
                .where(
                    OnlineActivity.tenant_id == ctx.tenant_id,
                    OnlineActivity.deleted.is_(False),
                    OnlineActivity.start_at >= start,
                    OnlineActivity.start_at < end,
                )
                .order_by(OnlineActivity.start_at, OnlineActivity.uuid)
                .limit(limit)
            ).all()
            return [
                RegisterRow(
                    id=i,
                    uuid=a.uuid,
                    values={"subject": a.subject, "kind": a.kind, "start_at": a.start_at, "done": a.done},
                )
                for i, a in enumerate(found)
            ]
