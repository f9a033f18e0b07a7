"""Contacts and products as the local REST API reads and writes them, always within one company.

Every query filters by the caller's company id, so a UUID of another company's record is simply
"not found". Writes go through the ORM in one transaction each, so the sync's change tracking
sees them like any other change made in Business Software.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from models.fields import CONTACT_KINDS
from models.local import Company, Contact, Product
from services.errors import NotFound, ValidationFailed

CONTACT_FIELDS = (
    "number", "name", "kind", "street", "postal_code", "city", "country",
    "phone", "email", "website", "notes",
)  # fmt: skip
PRODUCT_FIELDS = ("number", "name", "description", "unit", "price", "active")
MAX_PAGE = 500
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


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordPage(Generic[R]):
    items: tuple[R, ...]
    total: int
    limit: int
    offset: int


def contact_record(row: Contact) -> ContactRecord:
    return ContactRecord(
        uuid=row.uuid, updated_at=row.updated_at, **{f: getattr(row, f) for f in CONTACT_FIELDS}
    )


def product_record(row: Product) -> ProductRecord:
    return ProductRecord(
        uuid=row.uuid, updated_at=row.updated_at, **{f: getattr(row, f) for f in PRODUCT_FIELDS}
    )


def _validate_contact(values: dict[str, Any], creating: bool) -> None:
    errors: dict[str, str] = {}
    if (creating or "name" in values) and not str(values.get("name") or "").strip():
        errors["name"] = "validation.required"
    if "kind" in values and values["kind"] not in CONTACT_KINDS:
        errors["kind"] = "validation.choice"
    email = str(values.get("email") or "")
    if email and ("@" not in email or " " in email):
        errors["email"] = "validation.email"
    if errors:
        raise ValidationFailed(errors)


def _validate_product(values: dict[str, Any], creating: bool) -> None:
    errors: dict[str, str] = {}
    for field in ("number", "name"):
        if (creating or field in values) and not str(values.get(field) or "").strip():
            errors[field] = "validation.required"
    if "price" in values and Decimal(values["price"]) < 0:
        errors["price"] = "validation.negative"
    if errors:
        raise ValidationFailed(errors)


class _Register(Generic[R]):
    """Company-scoped list/get/create/update/delete of one register."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        model: type[Contact] | type[Product],
        to_record: Callable[[Any], R],
        validate: Callable[[dict[str, Any], bool], None],
    ) -> None:
        self._sessions, self._model, self._to_record, self._validate = sessions, model, to_record, validate

    def list(self, company_id: int, *, search: str = "", limit: int = 100, offset: int = 0) -> RecordPage[R]:
        m = self._model
        limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
        stmt = select(m).where(m.company_id == company_id)
        if search.strip():
            pattern = f"%{search.strip().lower()}%"
            stmt = stmt.where(or_(func.lower(m.name).like(pattern), func.lower(m.number).like(pattern)))
        with self._sessions() as s:
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.order_by(m.name, m.id).limit(limit).offset(offset))
            return RecordPage(
                items=tuple(self._to_record(r) for r in rows), total=total, limit=limit, offset=offset
            )

    def get(self, company_id: int, uuid: str) -> R:
        with self._sessions() as s:
            return self._to_record(self._own(s, company_id, uuid))

    def create(self, company_id: int, values: dict[str, Any]) -> R:
        self._validate(values, True)
        with self._sessions.begin() as s:
            if s.get(Company, company_id) is None:
                raise NotFound("company.not_found")
            row = self._model(company_id=company_id, **values)
            s.add(row)
            s.flush()
            return self._to_record(row)

    def update(self, company_id: int, uuid: str, values: dict[str, Any]) -> R:
        self._validate(values, False)
        with self._sessions.begin() as s:
            row = self._own(s, company_id, uuid)
            for field, value in values.items():
                setattr(row, field, value)
            s.flush()
            return self._to_record(row)

    def delete(self, company_id: int, uuid: str) -> None:
        with self._sessions.begin() as s:
            s.delete(self._own(s, company_id, uuid))

    def _own(self, s: Session, company_id: int, uuid: str) -> Any:
        m = self._model
        row = s.scalar(select(m).where(m.company_id == company_id, m.uuid == uuid))
        if row is None:
            raise NotFound()
        return row


class ApiRecordService:
    """The registers the local REST API exposes."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.contacts: _Register[ContactRecord] = _Register(
            sessions, Contact, contact_record, _validate_contact
        )
        self.products: _Register[ProductRecord] = _Register(
            sessions, Product, product_record, _validate_product
        )
