"""Contacts and products as the local REST API reads and writes them, always within one company.

Every query filters by the caller's company id, so a UUID of another company's record is simply
"not found". Writes go through the ORM in one transaction each, so the sync's change tracking
sees them like any other change made in Business Software, and through the register rules of
the Business Software forms (``services.local.registers``): the same field checks, required
fields, unique numbers and automatic numbering.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company, Contact, Product
from services.errors import NotFound
from services.local.changes import ChangeHub
from services.local.registers import rules
from services.local.registers.specs import CONTACTS, PRODUCTS, RegisterSpec
from services.records.edits import check_version
from services.records.fields import clean_values
from services.records.sorting import order_column

CONTACT_FIELDS = (
    "number", "name", "kind", "street", "postal_code", "city", "country",
    "phone", "email", "website", "notes",
)  # fmt: skip
PRODUCT_FIELDS = ("number", "name", "description", "unit", "price", "active")
MAX_PAGE = 500
API = "API"  # how changes through the local API are named to those who see them
R = TypeVar("R")


@dataclass(frozen=True, kw_only=True, slots=True)
class ContactRecord:
    uuid: str
    number: str
    name: str
    kind: str
    street: str
    postal_code: str
    city: str
    country: str
    phone: str
    email: str
    website: str
    notes: str
    updated_at: dt.datetime
    version: int = 1


@dataclass(frozen=True, kw_only=True, slots=True)
class ProductRecord:
    uuid: str
    number: str
    name: str
    description: str
    unit: str
    price: Decimal
    active: bool
    updated_at: dt.datetime
    version: int = 1


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordPage(Generic[R]):
    items: tuple[R, ...]
    total: int
    limit: int
    offset: int


def contact_record(row: Contact) -> ContactRecord:
    return ContactRecord(
        uuid=row.uuid,
        updated_at=row.updated_at,
        version=row.version,
        **{f: getattr(row, f) for f in CONTACT_FIELDS},
    )


def product_record(row: Product) -> ProductRecord:
    return ProductRecord(
        uuid=row.uuid,
        updated_at=row.updated_at,
        version=row.version,
        **{f: getattr(row, f) for f in PRODUCT_FIELDS},
    )


class _Register(Generic[R]):
    """Company-scoped list/get/create/update/delete of one register."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        spec: RegisterSpec,
        to_record: Callable[[Any], R],
        changes: ChangeHub | None = None,
    ) -> None:
        self._sessions, self._spec, self._to_record = sessions, spec, to_record
        self._model: Any = spec.model
        self._changes = changes

    def _published(self, company_id: int, uuid: str) -> None:
        if self._changes is not None:
            self._changes.publish(company_id, table=self._spec.name, uuids=[uuid], by=API)

    def list(self, company_id: int, *, search: str = "", limit: int = 100, offset: int = 0) -> RecordPage[R]:
        m = self._model
        limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
        stmt = select(m).where(m.company_id == company_id)
        if search.strip():
            pattern = f"%{search.strip().lower()}%"
            stmt = stmt.where(or_(func.lower(m.name).like(pattern), func.lower(m.number).like(pattern)))
        with self._sessions() as s:
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            # Names in the Unicode root order, along the sort key's index where the register has one.
            name = order_column(m, "name", language="en", dialect=s.get_bind().dialect.name)
            rows = s.scalars(stmt.order_by(name, m.id).limit(limit).offset(offset))
            return RecordPage(
                items=tuple(self._to_record(r) for r in rows), total=total, limit=limit, offset=offset
            )

    def get(self, company_id: int, uuid: str) -> R:
        with self._sessions() as s:
            return self._to_record(self._own(s, company_id, uuid))

    def create(self, company_id: int, values: dict[str, Any]) -> R:
        cleaned = clean_values(self._spec.fields, values)
        with self._sessions.begin() as s:
            if s.get(Company, company_id) is None:
                raise NotFound("company.not_found")
            row = self._model(company_id=company_id)
            record = self._save(s, company_id, row, cleaned)
            uuid = row.uuid
        self._published(company_id, uuid)
        return record

    def update(self, company_id: int, *, uuid: str, values: dict[str, Any], if_match: int | None = None) -> R:
        """Change only the fields given; with ``if_match`` only while the record is at that version
        (``VersionMismatch`` otherwise, nothing written)."""
        cleaned = clean_values(self._spec.fields, values, partial=True)
        with self._sessions.begin() as s:
            row = self._own(s, company_id, uuid)
            check_version(if_match, row.version)
            record = self._save(s, company_id, row, cleaned)
        self._published(company_id, uuid)
        return record

    def _save(self, s: Session, company_id: int, row: Any, cleaned: dict[str, Any]) -> R:
        rules.before_save(s, spec=self._spec, company_id=company_id, obj=row, values=cleaned)
        for field, value in cleaned.items():
            setattr(row, field, value)
        s.add(row)
        s.flush()
        return self._to_record(row)

    def delete(self, company_id: int, uuid: str, *, if_match: int | None = None) -> None:
        with self._sessions.begin() as s:
            row = self._own(s, company_id, uuid)
            check_version(if_match, row.version)
            rules.before_delete(s, spec=self._spec, obj=row)
            s.delete(row)
        self._published(company_id, uuid)

    def _own(self, s: Session, company_id: int, uuid: str) -> Any:
        m = self._model
        row = s.scalar(select(m).where(m.company_id == company_id, m.uuid == uuid))
        if row is None:
            raise NotFound()
        return row


class ApiRecordService:
    """The registers the local REST API exposes."""

    def __init__(self, sessions: sessionmaker[Session], changes: ChangeHub | None = None) -> None:
        self.contacts: _Register[ContactRecord] = _Register(sessions, CONTACTS, contact_record, changes)
        self.products: _Register[ProductRecord] = _Register(sessions, PRODUCTS, product_record, changes)
