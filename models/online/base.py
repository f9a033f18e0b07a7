"""Declarative base of the Online Desktop database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from models.types import UTCDateTime, naming_metadata, utcnow


class OnlineBase(DeclarativeBase):
    metadata = naming_metadata()


# Indexes that exist only where the database can have them (PostgreSQL trigram indexes) and are
# therefore created by their migrations alone; autogenerate leaves them out of its comparison.
# The contacts' name sorts by ICU collations on PostgreSQL, by the indexed sort key column
# elsewhere (migrations lists_02, lists_03): each index exists on one kind of database only.
MIGRATION_ONLY_INDEXES = frozenset(
    {
        "ix_online_contacts_search",
        "ix_online_contacts_list_name",
        "ix_online_contacts_list_name_bs_de",
        "ix_online_contacts_list_name_bs_root",
        "ix_online_sales_orders_search_number",
        "ix_online_sales_orders_search_customer",
    }
)


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's filter for autogenerate and schema comparisons."""
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)


class SyncedRow:
    """Columns of every synced copy of company data.

    Keyed by (tenant, uuid); ``seq`` is the tenant sequence number of the row's last change, so
    "changes after cursor N" is an index range scan; deleted rows stay as tombstones.
    """

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
