"""Sync conflicts as a person reads them (View › Sync history), and undoing one.

A conflict is kept as the sync recorded it (table, record UUID, field, both values in wire form,
who changed the online value and when, the resolution). Here it is read with the record's name
(a contact's name, an order's number), the field's label and kind and both values as Python values,
so the page can format them in the reader's language.

``apply_online_value`` takes the losing online value after all: it writes it to the record as a new
local change (through the ORM, so the change tracking queues it and it syncs like any other), and
marks the conflict as applied. ``count`` is the number of the last days' conflicts (Sync tab, focus
area).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import SyncConflict
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import Conflict, NotFound
from services.local.changes import ChangeHub
from services.local.registers.listing import title_of
from services.local.registers.specs import REGISTERS, RegisterSpec
from services.records.fields import BOOL, DATE, DATETIME, DECIMAL, INTEGER, MONEY, clean_values

DAYS = 7
BUSINESS_WINS = "business_wins"


@dataclass(frozen=True, kw_only=True, slots=True)
class ConflictEntry:
    id: int
    table: str
    uuid: str
    record: str  # the record's name ("" when it no longer exists here)
    field: str
    label: str  # translation key of the field's label ("" for a whole record)
    kind: str  # the field's kind, for formatting the values
    business_value: Any
    online_value: Any
    online_by: str
    online_at: dt.datetime | None
    resolution: str
    created_at: dt.datetime
    applied_at: dt.datetime | None
    can_apply: bool  # the online value can still be applied after all


class ConflictHistory:
    def __init__(
        self, sessions: sessionmaker[Session], changes: ChangeHub | None = None, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self._sessions, self._changes, self._clock = sessions, changes, clock

    def count(self, company_id: int, days: int = DAYS) -> int:
        """How many conflicts the sync recorded for the company in the last ``days`` days."""
        since = self._clock() - dt.timedelta(days=days)
        with self._sessions() as s:
            query = select(func.count()).where(
                SyncConflict.company_id == company_id, SyncConflict.created_at >= since
            )
            return int(s.scalar(query) or 0)

    def conflicts(
        self, company_id: int, *, table: str | None = None, record: str | None = None, days: int = DAYS
    ) -> list[ConflictEntry]:
        """The last ``days`` days' conflicts, newest first, of one table and one record if given."""
        since = self._clock() - dt.timedelta(days=days)
        query = select(SyncConflict).where(
            SyncConflict.company_id == company_id, SyncConflict.created_at >= since
        )
        if table:
            query = query.where(SyncConflict.table_name == table)
        if record:
            query = query.where(SyncConflict.uuid == record)
        with self._sessions() as s:
            rows = s.scalars(query.order_by(SyncConflict.id.desc()).limit(500)).all()
            names: dict[tuple[str, str], str | None] = {}
            return [_entry(s, company_id, row, names) for row in rows]

    def apply_online_value(self, company_id: int, conflict_id: int) -> ConflictEntry:
        """Write the conflict's online value to the record (a new local change that syncs)."""
        with self._sessions.begin() as s:
            row = s.scalar(
                select(SyncConflict).where(
                    SyncConflict.id == conflict_id, SyncConflict.company_id == company_id
                )
            )
            if row is None:
                raise NotFound()
            spec = REGISTERS.get(row.table_name)
            if spec is None or row.resolution != BUSINESS_WINS or row.applied_at is not None:
                raise Conflict("edits.conflicts.cannot_apply")
            model: Any = spec.model
            record = s.scalar(select(model).where(model.company_id == company_id, model.uuid == row.uuid))
            if record is None:
                raise NotFound("edits.conflicts.record_gone")
            setattr(record, row.field, _value(spec, row.field, row.online_value))
            row.applied_at = self._clock()
            s.flush()
            entry = _entry(s, company_id, row, {})
        if self._changes is not None:
            self._changes.publish(company_id, table=entry.table, uuids=[entry.uuid])
        return entry


def _entry(
    s: Session, company_id: int, row: SyncConflict, names: dict[tuple[str, str], str | None]
) -> ConflictEntry:
    spec = REGISTERS.get(row.table_name)
    key = (row.table_name, row.uuid)
    if key not in names:
        names[key] = _name(s, spec, company_id, row.uuid) if spec is not None else None
    field = next((f for f in spec.fields if f.name == row.field), None) if spec is not None else None
    kind = field.kind if field is not None else ""
    return ConflictEntry(
        id=row.id,
        table=row.table_name,
        uuid=row.uuid,
        record=names[key] or "",
        field=row.field,
        label=field.label if field is not None else "",
        kind=kind,
        business_value=_parsed(kind, row.business_value),
        online_value=_parsed(kind, row.online_value),
        online_by=row.online_by,
        online_at=row.online_at,
        resolution=row.resolution,
        created_at=row.created_at,
        applied_at=row.applied_at,
        can_apply=row.resolution == BUSINESS_WINS and row.applied_at is None and names[key] is not None,
    )


def _name(s: Session, spec: RegisterSpec, company_id: int, uuid: str) -> str | None:
    model: Any = spec.model
    record = s.scalar(select(model).where(model.company_id == company_id, model.uuid == uuid))
    return None if record is None else title_of(spec, record)


def _value(spec: RegisterSpec, field: str, text: str) -> Any:
    """The stored (wire) text of a value as the record's field takes it."""
    kind = spec.field(field).kind
    if kind == BOOL:
        return text in ("True", "true", "1")
    if kind == DATETIME:
        return _parsed(kind, text)
    return clean_values(spec.fields, {field: text}, partial=True)[field]


def _parsed(kind: str, text: str) -> Any:
    """A stored value for display: numbers, dates and times as such; anything else as text."""
    if text == "":
        return None
    try:
        if kind in (MONEY, DECIMAL):
            return Decimal(text)
        if kind == INTEGER:
            return int(Decimal(text))
        if kind == DATE:
            return dt.date.fromisoformat(text)
        if kind == DATETIME:
            return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
        if kind == BOOL:
            return text in ("True", "true", "1")
    except (ValueError, InvalidOperation):
        return text
    return text
