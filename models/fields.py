"""The fields of company data, shared by the local tables and their synced online copies.

A register's columns are declared once here; ``models.local`` adds the local key, company and
foreign keys, ``models.online`` adds tenant, sequence and tombstone. References between records
use the referenced record's UUID, so a row means the same thing on both sides.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.types import UTCDateTime

ORDER_STATUSES = ("quote", "order", "invoice")
ACTIVITY_KINDS = ("call", "meeting", "task", "email")
CONTACT_KINDS = ("company", "person")


class ContactFields:
    number: Mapped[str] = mapped_column(String(20), default="")
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="company")
    street: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class ContactPersonFields:
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100))
    position: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")


class ProductFields:
    number: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(20), default="")
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class EmployeeFields:
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    position: Mapped[str] = mapped_column(String(100), default="")


class SalesOrderFields:
    number: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="quote")
    order_date: Mapped[dt.date] = mapped_column(Date)
    delivery_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    our_reference: Mapped[str] = mapped_column(String(50), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    total: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))


class SalesOrderLineFields:
    position: Mapped[int] = mapped_column(default=1)
    description: Mapped[str] = mapped_column(String(200), default="")
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), default=Decimal("1"))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    discount_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("19.00"))


class ActivityFields:
    subject: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="task")
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
