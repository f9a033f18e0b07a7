"""Declarative base of the Business Software (local) database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from models.types import UTCDateTime, naming_metadata, new_uuid, utcnow


class LocalBase(DeclarativeBase):
    metadata = naming_metadata()


class CompanyRow:
    """Columns of every row of company data: local key, stable UUID, owning company, last change."""

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @declared_attr
    def company_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
