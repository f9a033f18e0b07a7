"""Synced copies of company data, per tenant (references are record UUIDs, no foreign keys)."""

from __future__ import annotations

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.collation import keep_sort_keys, sort_key_column
from models.fields import (
    ActivityFields,
    ContactFields,
    ContactPersonFields,
    EmployeeFields,
    ProductFields,
    SalesOrderFields,
    SalesOrderLineFields,
)
from models.online.base import OnlineBase, SyncedRow


def _seq_index(table: str) -> Index:
    return Index(f"ix_{table}_tenant_seq", "tenant_id", "seq")


def _list_index(table: str, name: str, *columns: str) -> Index:
    """A list's sort order as an index over the live rows: a page is read in index order, and the
    count and the page's keys come from the index alone (``uuid`` is the tie-breaker)."""
    return Index(f"ix_{table}_list_{name}", "tenant_id", "deleted", *columns, "uuid")


class OnlineContact(SyncedRow, ContactFields, OnlineBase):
    __tablename__ = "online_contacts"
    # Sorted by name through the sort key on SQLite; PostgreSQL sorts and indexes the name with
    # ICU collations instead (migrations lists_02 and lists_03).
    __table_args__ = (
        _seq_index(__tablename__),
        _list_index(__tablename__, "name", "name_sort"),
        _list_index(__tablename__, "number", "number"),
        _list_index(__tablename__, "city", "city"),
    )
    name_sort: Mapped[str] = sort_key_column("name")


class OnlineContactPerson(SyncedRow, ContactPersonFields, OnlineBase):
    __tablename__ = "online_contact_persons"
    __table_args__ = (_seq_index(__tablename__),)
    contact_uuid: Mapped[str] = mapped_column(String(36), index=True)


class OnlineProduct(SyncedRow, ProductFields, OnlineBase):
    __tablename__ = "online_products"
    __table_args__ = (_seq_index(__tablename__),)


class OnlineEmployee(SyncedRow, EmployeeFields, OnlineBase):
    __tablename__ = "online_employees"
    __table_args__ = (_seq_index(__tablename__),)


class OnlineSalesOrder(SyncedRow, SalesOrderFields, OnlineBase):
    __tablename__ = "online_sales_orders"
    __table_args__ = (
        _seq_index(__tablename__),
        # The dashboard: sales per month, the top customers and the open quotes and orders, from
        # the index alone (migration lists_03).
        Index(
            "ix_online_sales_orders_dashboard",
            "tenant_id",
            "deleted",
            "status",
            "order_date",
            "total",
            "contact_uuid",
        ),
        _list_index(__tablename__, "date", "order_date"),
        _list_index(__tablename__, "number", "number"),
        _list_index(__tablename__, "total", "total"),
        _list_index(__tablename__, "status", "status", "order_date"),
        _list_index(__tablename__, "status_number", "status", "number"),
        _list_index(__tablename__, "status_total", "status", "total"),
    )
    contact_uuid: Mapped[str] = mapped_column(String(36), index=True)
    employee_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)
    contact_person_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # The customer's searched text (``CUSTOMER_TEXT``), kept by the database itself so the sales
    # search finds a customer's documents in one index: triggers of migration lists_03 on
    # PostgreSQL, of ``services.online.workspace.search_index`` on SQLite. Never synchronised.
    customer_search: Mapped[str] = mapped_column(
        Text, default="", server_default="", info={"derived": "customer"}
    )


class OnlineSalesOrderLine(SyncedRow, SalesOrderLineFields, OnlineBase):
    __tablename__ = "online_sales_order_lines"
    __table_args__ = (_seq_index(__tablename__),)
    order_uuid: Mapped[str] = mapped_column(String(36), index=True)
    product_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)


class OnlineActivity(SyncedRow, ActivityFields, OnlineBase):
    __tablename__ = "online_activities"
    __table_args__ = (
        _seq_index(__tablename__),
        Index("ix_online_activities_tenant_start", "tenant_id", "start_at"),
    )
    contact_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    employee_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)


keep_sort_keys(OnlineContact)

# Same order as models.local.SYNCED_MODELS; the local table name is the key of the sync protocol.
SYNCED_ONLINE_MODELS = {
    "employees": OnlineEmployee,
    "contacts": OnlineContact,
    "contact_persons": OnlineContactPerson,
    "products": OnlineProduct,
    "sales_orders": OnlineSalesOrder,
    "sales_order_lines": OnlineSalesOrderLine,
    "activities": OnlineActivity,
}
