"""Records of a company account opened and edited online: contacts and activities (PRODUCT.md §3).

A save is one transaction: the caller's membership and role are resolved inside it (after the
tenant row is locked, see ``access.resolve_context``), then the change is written through the sync
server's online changes, which take the account's next sequence number so that the Business
Software pulls it. The fields are cleaned with the same rules as in the Business Software;
references must point to live records of the same account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.online import OnlineActivity, OnlineContactPerson, OnlineId, OnlineSalesOrder
from models.online.base import OnlineBase
from services.errors import NotFound, ValidationFailed
from services.online.workspace.access import EDITABLE_MODULES, TenantContext, resolve_context
from services.online.workspace.lists import LIST_VIEWS, record_label
from services.online.workspace.numbers import number_contact
from services.records.defaults import next_full_hour
from services.records.edits import Edit, EditConflict, RecordDeleted, merge
from services.records.fields import Field, clean_values
from services.records.forms import ACTIVITY_FIELDS, CONTACT_FIELDS
from services.records.views import RegisterRow
from services.sync.server import store
from services.sync.server.online_changes import OnlineChange

EDITABLE: dict[str, tuple[tuple[Field, ...], str]] = {
    "contacts": (CONTACT_FIELDS, EDITABLE_MODULES["contacts"]),
    "activities": (ACTIVITY_FIELDS, EDITABLE_MODULES["activities"]),
}
RELATED_LIMIT = 50
RELATED: tuple[tuple[str, type[OnlineBase], str, tuple[str, ...], Callable[[Any], tuple[Any, ...]]], ...] = (
    ("contact_persons", OnlineContactPerson, "contacts",
     ("last_name", "first_name", "position", "phone", "email"), lambda m: (m.last_name, m.first_name)),
    ("activities", OnlineActivity, "activities", ("start_at", "subject", "kind", "done"),
     lambda m: (m.start_at.desc(),)),
    ("sales_orders", OnlineSalesOrder, "sales", ("number", "status", "order_date", "total"),
     lambda m: (m.order_date.desc(), m.number.desc())),
)  # fmt: skip


class ApplyChange(Protocol):
    """``SyncServer.apply_online_change``: writes one synced row inside the caller's transaction
    (``session``) and wakes the account's waiting pulls after it commits."""

    def __call__(
        self,
        tenant_id: int,
        *,
        table: str,
        uuid: str | None,
        fields: dict[str, Any] | None,
        delete: bool = False,
        must_exist: bool = False,
        session: Session | None = None,
        by: str = "",
    ) -> OnlineChange: ...


class WorkspaceRecords:
    def __init__(self, sessions: sessionmaker[Session], apply_change: ApplyChange) -> None:
        self._sessions, self._apply_change = sessions, apply_change

    def new_values(self, register: str) -> dict[str, Any]:
        """What a new record's form starts with: an activity is a task at the next full hour, as in
        the Business Software."""
        _editable(register)
        if register == "activities":
            return {"start_at": next_full_hour(), "kind": "task"}
        return {}

    def contact(self, online_id_id: int, tenant_uuid: str, *, uuid: str) -> dict[str, Any]:
        """One live contact's editable values."""
        return self.record(online_id_id, tenant_uuid, register="contacts", uuid=uuid)[0]

    def record(
        self, online_id_id: int, tenant_uuid: str, *, register: str, uuid: str
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """One live record's editable values, and the names of the records it refers to."""
        fields, module = _editable(register)
        with self._sessions() as s:
            ctx = resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module=module, level="read"
            )
            row = _live(s, ctx, register, uuid)
            values = {f.name: getattr(row, f.name) for f in fields}
            labels = {
                f.name: label
                for f in fields
                if f.ref is not None and values[f.name]
                for label in [record_label(s, tenant_id=ctx.tenant_id, register=f.ref, uuid=values[f.name])]
                if label
            }
            return values, labels

    def edit_record(self, online_id_id: int, tenant_uuid: str, *, register: str, uuid: str) -> RegisterRow:
        """One live record for its form: values, names of referenced records, and the version (the
        record's sync sequence) that a save of the form is guarded by (``save_edit``)."""
        fields, module = _editable(register)
        with self._sessions() as s:
            ctx = resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module=module, level="read"
            )
            return _loaded(s, ctx, register, fields, uuid)

    def latest_change(
        self, online_id_id: int, tenant_uuid: str, *, register: str, uuid: str
    ) -> tuple[RegisterRow, str]:
        """The record as ``edit_record`` gives it, and who made its latest change: the person of the
        latest online edit at the record's sequence, else the Business Software."""
        fields, module = _editable(register)
        with self._sessions() as s:
            ctx = resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module=module, level="read"
            )
            row = _loaded(s, ctx, register, fields, uuid)
            changes = store.field_changes(
                s.connection(), tenant_id=ctx.tenant_id, table=register, uuids=[uuid]
            )
            authors = store.field_authors(
                s.connection(), tenant_id=ctx.tenant_id, table=register, uuids=[uuid]
            )
            latest = [
                authors[key][0] for key, seq in changes.items() if seq == row.version and key in authors
            ]
            return row, next((by for by in latest if by), BUSINESS_SOFTWARE)

    def save_edit(
        self, online_id_id: int, tenant_uuid: str, *, register: str, uuid: str, edit: Edit
    ) -> RegisterRow:
        """Write only the fields the person changed (``services.records.edits``), in one transaction
        with the role check, guarded by the record's sequence: ``EditConflict`` (with who changed
        theirs and when) when someone else changed one of the same fields, ``RecordDeleted`` when
        the record is gone."""
        fields, module = _editable(register)
        cleaned = clean_values(fields, edit.changes, partial=True)
        with self._sessions.begin() as s:
            ctx = resolve_context(
                s,
                online_id_id=online_id_id,
                tenant_uuid=tenant_uuid,
                module=module,
                level="full",
                for_write=True,
            )
            try:
                row = _live(s, ctx, register, uuid)
            except NotFound:
                raise RecordDeleted() from None
            current = {f.name: getattr(row, f.name) for f in fields}
            try:
                values = merge(
                    edit, cleaned=cleaned, current=current, version=row.seq, changed_at=row.updated_at
                )
            except EditConflict as conflict:
                raise _with_author(s, ctx.tenant_id, register, uuid, conflict) from None
            _checked(register, {**current, **values})
            if register == "contacts":
                number_contact(s, tenant_id=ctx.tenant_id, uuid=uuid, fields=values)
            by = _name_of(s, online_id_id)
            self._apply_change(
                ctx.tenant_id, table=register, uuid=uuid, fields=values, must_exist=True, session=s, by=by
            )
            s.expire_all()
            return _loaded(s, ctx, register, fields, uuid)

    def contact_related(
        self, online_id_id: int, tenant_uuid: str, *, uuid: str
    ) -> dict[str, list[dict[str, Any]]]:
        """A contact's persons, activities (newest first) and sales orders (newest first), as far
        as the caller's role lets them read each module."""
        with self._sessions() as s:
            ctx = resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module="contacts", level="read"
            )
            _live(s, ctx, "contacts", uuid)  # the contact exists in this account
            related: dict[str, list[dict[str, Any]]] = {}
            for key, model, module, columns, order in RELATED:
                if not ctx.can(module):
                    continue
                m: Any = model
                rows = s.scalars(
                    select(m)
                    .where(m.tenant_id == ctx.tenant_id, m.contact_uuid == uuid, m.deleted.is_(False))
                    .order_by(*order(m))
                    .limit(RELATED_LIMIT)
                ).all()
                related[key] = [{c: getattr(r, c) for c in columns} for r in rows]
            return related

    def save_contact(
        self, online_id_id: int, tenant_uuid: str, *, uuid: str | None, values: dict[str, Any]
    ) -> str:
        return self.save_record(online_id_id, tenant_uuid, register="contacts", uuid=uuid, values=values)

    def save_record(
        self,
        online_id_id: int,
        tenant_uuid: str,
        *,
        register: str,
        uuid: str | None,
        values: dict[str, Any],
    ) -> str:
        """Create (``uuid`` None) or change a contact or an activity online; returns its UUID.

        One transaction: the role is checked and the change written together, so a membership
        revoked meanwhile stops the write. An existing record must be live in this account."""
        fields, module = _editable(register)
        with self._sessions.begin() as s:
            ctx = resolve_context(
                s,
                online_id_id=online_id_id,
                tenant_uuid=tenant_uuid,
                module=module,
                level="full",
                for_write=True,
            )
            cleaned = _checked(register, clean_values(fields, values))
            if register == "contacts":  # numbered like in the Business Software
                number_contact(s, tenant_id=ctx.tenant_id, uuid=uuid, fields=cleaned)
            change = self._apply_change(
                ctx.tenant_id, table=register, uuid=uuid, fields=cleaned, must_exist=uuid is not None,
                session=s, by=_name_of(s, online_id_id),
            )  # fmt: skip
            return change.uuid

    def create_record(
        self, online_id_id: int, tenant_uuid: str, *, register: str, values: dict[str, Any]
    ) -> RegisterRow:
        """Create a record (also one deleted meanwhile, again) and answer it for its form."""
        uuid = self.save_record(online_id_id, tenant_uuid, register=register, uuid=None, values=values)
        return self.edit_record(online_id_id, tenant_uuid, register=register, uuid=uuid)


BUSINESS_SOFTWARE = "Business Software"  # who changed a field that no online edit recorded


def _loaded(
    s: Session, ctx: TenantContext, register: str, fields: tuple[Field, ...], uuid: str
) -> RegisterRow:
    row = _live(s, ctx, register, uuid)
    values = {f.name: getattr(row, f.name) for f in fields}
    labels = {
        f.name: label
        for f in fields
        if f.ref is not None and values[f.name]
        for label in [record_label(s, tenant_id=ctx.tenant_id, register=f.ref, uuid=values[f.name])]
        if label
    }
    return RegisterRow(id=0, uuid=uuid, values=values, labels=labels, version=int(row.seq))


def _name_of(s: Session, online_id_id: int) -> str:
    person = s.get(OnlineId, online_id_id)
    return (person.full_name or person.email) if person is not None else ""


def _with_author(
    s: Session, tenant_id: int, register: str, uuid: str, conflict: EditConflict
) -> EditConflict:
    """The conflict with who changed theirs online and when; a field no online edit recorded was
    last written by the Business Software (its pushes win and clear the online record)."""
    authors = store.field_authors(s.connection(), tenant_id=tenant_id, table=register, uuids=[uuid])
    found = [authors[(uuid, c.field)] for c in conflict.conflicts if (uuid, c.field) in authors]
    by, at = max(found, key=lambda a: a[1]) if found else (BUSINESS_SOFTWARE, "")
    when = conflict.changed_at
    if at:
        when = dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC)
    return EditConflict(conflict.conflicts, version=conflict.version, changed_at=when, changed_by=by)


def _checked(register: str, values: dict[str, Any]) -> dict[str, Any]:
    if register == "activities":
        start, end = values.get("start_at"), values.get("end_at")
        if start is not None and end is not None and end < start:
            raise ValidationFailed({"end_at": "registers.validation.end_before_start"})
    return values


def _live(s: Session, ctx: TenantContext, register: str, uuid: str) -> Any:
    model: Any = LIST_VIEWS[register].model
    row = s.scalar(
        select(model).where(model.tenant_id == ctx.tenant_id, model.uuid == uuid, model.deleted.is_(False))
    )
    if row is None:
        raise NotFound()
    return row


def _editable(register: str) -> tuple[tuple[Field, ...], str]:
    try:
        return EDITABLE[register]
    except KeyError:
        raise NotFound() from None
