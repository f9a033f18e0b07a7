"""Declarative base of the Business Software (local) database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from models.types import UTCDateTime, naming_metadata, new_uuid, utcnow


class LocalBase(DeclarativeBase):
    metadata = naming_metadata()


class CompanyRow:
    """Columns of every row of company data: local key, stable UUID, owning company, last change.

    ``version`` counts the row's changes (1 when created). The ORM writes an update only while the
    version is still the one it read (``version_id_col``), and the sync's pull raises it too, so a
    form's save can tell that the record changed since it was loaded (``services.records.edits``).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

    @declared_attr
    def company_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
