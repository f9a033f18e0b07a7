"""Company registers: list, read, create, change and delete records of the open company.

Every method takes the company id from the caller's session and filters by it: a record of
another company is simply "not found". Each public method is one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.errors import NotFound, ValidationFailed
from services.local.changes import ChangeHub
from services.local.registers import rules
from services.local.registers.listing import fetch_page, row_of, title_of
from services.local.registers.specs import REGISTERS, RegisterSpec
from services.records.edits import Edit, RecordDeleted, merge
from services.records.fields import REF, clean_values
from services.records.views import ListPage, Option, RegisterRow

MAX_CHILDREN = 500


def spec_of(register: str) -> RegisterSpec:
    spec = REGISTERS.get(register)
    if spec is None:
        raise NotFound("registers.unknown")
    return spec


class RegisterService:
    """The registers of company databases (contacts, products, sales orders, activities, employees)."""

    def __init__(self, sessions: sessionmaker[Session], changes: ChangeHub | None = None) -> None:
        self._sessions = sessions
        self._changes = changes

    def _published(self, company_id: int, register: str, row: RegisterRow, by: str) -> RegisterRow:
        """Tell open screens of the company (after the commit) that the record changed."""
        if self._changes is not None:
            self._changes.publish(company_id, table=register, uuids=[row.uuid], by=by)
        return row

    def list_rows(
        self,
        company_id: int,
        register: str,
        *,
        search: str = "",
        sort: str | None = None,
        descending: bool = False,
        page: int = 1,
        page_size: int = 25,
        language: str = "en",
    ) -> ListPage:
        """One page of a register, searched and sorted on the server (fast at 100,000+ rows);
        names sort in ``language``'s order."""
        spec = spec_of(register)
        with self._sessions() as s:
            return fetch_page(
                s, spec=spec, company_id=company_id, search=search, sort=sort, descending=descending,
                page=page, page_size=page_size, language=language,
            )  # fmt: skip

    def list_children(self, company_id: int, *, register: str, parent_id: int) -> tuple[RegisterRow, ...]:
        """The parts of one record (contact persons of a contact, lines of an order)."""
        spec = spec_of(register)
        assert spec.parent and spec.parent_field, "not a child register"
        model: Any = spec.model
        with self._sessions() as s:
            parent = _load(s, spec_of(spec.parent), company_id, parent_id)
            read_only = rules.is_read_only(s, spec=spec_of(spec.parent), obj=parent)
            query = (
                select(model)
                .where(model.company_id == company_id, getattr(model, spec.parent_field) == parent.uuid)
                .order_by(getattr(model, spec.default_sort), model.id)
                .limit(MAX_CHILDREN)
            )
            return tuple(_with_labels(s, spec, obj, read_only) for obj in s.scalars(query))

    def get_row(self, company_id: int, *, register: str, row_id: int) -> RegisterRow:
        spec = spec_of(register)
        with self._sessions() as s:
            obj = _load(s, spec, company_id, row_id)
            return _with_labels(s, spec, obj, rules.is_read_only(s, spec=spec, obj=obj))

    def create_row(
        self,
        company_id: int,
        *,
        register: str,
        values: Mapping[str, Any],
        parent_id: int | None = None,
        by: str = "",
    ) -> RegisterRow:
        """Validate and add a record (a child record needs its parent's id)."""
        spec = spec_of(register)
        cleaned = clean_values(spec.fields, values)
        with self._sessions.begin() as s:
            obj: Any = spec.model(company_id=company_id)
            if spec.parent and spec.parent_field:
                if parent_id is None:
                    raise NotFound("registers.not_found")
                parent = _load(s, spec_of(spec.parent), company_id, parent_id)
                rules.check_parent_writable(s, spec=spec_of(spec.parent), parent=parent)
                setattr(obj, spec.parent_field, parent.uuid)
            row = self._save(s, spec, company_id, obj, cleaned)
        return self._published(company_id, register, row, by)

    def update_row(
        self, company_id: int, *, register: str, row_id: int, values: Mapping[str, Any], by: str = ""
    ) -> RegisterRow:
        """Validate and change the given fields of a record (unconditionally: see ``save_edit``)."""
        spec = spec_of(register)
        cleaned = clean_values(spec.fields, values, partial=True)
        with self._sessions.begin() as s:
            row = self._save(s, spec, company_id, _load(s, spec, company_id, row_id), cleaned)
        return self._published(company_id, register, row, by)

    def save_edit(
        self, company_id: int, *, register: str, row_id: int, edit: Edit, by: str = ""
    ) -> RegisterRow:
        """Write only the fields the person changed, in one transaction guarded by the row version:
        ``EditConflict`` when someone else changed one of them meanwhile (nothing written),
        ``RecordDeleted`` when the record is gone (see ``services.records.edits``)."""
        spec = spec_of(register)
        cleaned = clean_values(spec.fields, edit.changes, partial=True)
        with self._sessions.begin() as s:
            try:
                obj = _load(s, spec, company_id, row_id)
            except NotFound:
                raise RecordDeleted() from None
            current = {f.name: getattr(obj, f.name) for f in spec.fields}
            values = merge(
                edit, cleaned=cleaned, current=current, version=obj.version, changed_at=obj.updated_at
            )
            row = self._save(s, spec, company_id, obj, values)
        return self._published(company_id, register, row, by)

    def delete_row(self, company_id: int, *, register: str, row_id: int, by: str = "") -> None:
        spec = spec_of(register)
        with self._sessions.begin() as s:
            obj = _load(s, spec, company_id, row_id)
            uuid = obj.uuid
            rules.before_delete(s, spec=spec, obj=obj)
            s.delete(obj)
            s.flush()
            rules.after_delete(s, spec=spec, obj=obj)
        if self._changes is not None:
            self._changes.publish(company_id, table=register, uuids=[uuid], by=by)

    def new_values(self, register: str) -> dict[str, Any]:
        """What a new record's form starts with (an order is dated today)."""
        spec = spec_of(register)
        return rules.defaults(spec)

    def options(self, company_id: int, *, register: str, search: str = "", limit: int = 20) -> list[Option]:
        """Records to choose from (for example the product of an order line), found by search."""
        spec = spec_of(register)
        with self._sessions() as s:
            found = fetch_page(s, spec=spec, company_id=company_id, search=search, page_size=limit)
        return [
            Option(uuid=r.uuid, label=" ".join(str(r.values[c]) for c in spec.title if r.values[c]))
            for r in found.rows
        ]

    @staticmethod
    def _save(
        s: Session, spec: RegisterSpec, company_id: int, obj: Any, cleaned: dict[str, Any]
    ) -> RegisterRow:
        _check_references(s, spec, company_id, cleaned)
        rules.before_save(s, spec=spec, company_id=company_id, obj=obj, values=cleaned)
        for name, value in cleaned.items():
            setattr(obj, name, value)
        s.add(obj)
        s.flush()
        rules.after_save(s, spec=spec, obj=obj)
        return _with_labels(s, spec, obj, rules.is_read_only(s, spec=spec, obj=obj))


def _load(s: Session, spec: RegisterSpec, company_id: int, row_id: int) -> Any:
    """A record of this company, or NotFound (also for another company's record)."""
    model: Any = spec.model
    obj = s.scalar(select(model).where(model.id == row_id, model.company_id == company_id))
    if obj is None:
        raise NotFound("registers.not_found")
    return obj


def _check_references(s: Session, spec: RegisterSpec, company_id: int, cleaned: dict[str, Any]) -> None:
    """A referenced record must exist in the same company."""
    errors = {}
    for field in spec.fields:
        uuid = cleaned.get(field.name)
        if field.kind == REF and uuid and field.ref:
            model: Any = spec_of(field.ref).model
            if s.scalar(select(model.id).where(model.uuid == uuid, model.company_id == company_id)) is None:
                errors[field.name] = "validation.choice"
    if errors:
        raise ValidationFailed(errors)


def _with_labels(s: Session, spec: RegisterSpec, obj: Any, read_only: bool) -> RegisterRow:
    """The row with the display names of the records it points to."""
    row = row_of(spec, obj=obj)
    labels = {}
    for field in spec.fields:
        uuid = getattr(obj, field.name)
        if field.kind == REF and uuid and field.ref:
            ref_spec = spec_of(field.ref)
            model: Any = ref_spec.model
            target = s.scalar(select(model).where(model.uuid == uuid))
            labels[field.name] = title_of(ref_spec, target) if target is not None else ""
    values = {**row.values, **rules.computed_values(spec, obj)}
    return RegisterRow(
        id=row.id, uuid=row.uuid, values=values, labels=labels, read_only=read_only, version=obj.version
    )
