"""Company data: the registers that are synchronised to the Online Desktop."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
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
from models.local.base import CompanyRow, LocalBase


class Contact(CompanyRow, ContactFields, LocalBase):
    __tablename__ = "contacts"
    # One index per sortable list column, so any page of a sorted list is read in index order
    # (the name by its sort key, see models.collation).
    __table_args__ = (
        Index("ix_contacts_company_name_sort", "company_id", "name_sort"),
        Index("ix_contacts_company_number", "company_id", "number"),
        Index("ix_contacts_company_city", "company_id", "city"),
        Index("ix_contacts_company_email", "company_id", "email"),
    )
    name_sort: Mapped[str] = sort_key_column("name")


class ContactPerson(CompanyRow, ContactPersonFields, LocalBase):
    __tablename__ = "contact_persons"
    contact_uuid: Mapped[str] = mapped_column(ForeignKey("contacts.uuid", ondelete="CASCADE"), index=True)


class Product(CompanyRow, ProductFields, LocalBase):
    __tablename__ = "products"
    __table_args__ = (Index("ix_products_company_number", "company_id", "number"),)


class Employee(CompanyRow, EmployeeFields, LocalBase):
    __tablename__ = "employees"


class SalesOrder(CompanyRow, SalesOrderFields, LocalBase):
    __tablename__ = "sales_orders"
    __table_args__ = (Index("ix_sales_orders_company_number", "company_id", "number"),)
    contact_uuid: Mapped[str] = mapped_column(ForeignKey("contacts.uuid", ondelete="CASCADE"), index=True)
    employee_uuid: Mapped[str | None] = mapped_column(
        ForeignKey("employees.uuid", ondelete="SET NULL"), nullable=True, index=True
    )
    # No foreign key (see migration 5a1e5d0c0a01): the register rules clear it with the person.
    contact_person_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)


class SalesOrderLine(CompanyRow, SalesOrderLineFields, LocalBase):
    __tablename__ = "sales_order_lines"
    order_uuid: Mapped[str] = mapped_column(ForeignKey("sales_orders.uuid", ondelete="CASCADE"), index=True)
    product_uuid: Mapped[str | None] = mapped_column(
        ForeignKey("products.uuid", ondelete="SET NULL"), nullable=True, index=True
    )


class Activity(CompanyRow, ActivityFields, LocalBase):
    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_company_start", "company_id", "start_at"),)
    contact_uuid: Mapped[str | None] = mapped_column(
        ForeignKey("contacts.uuid", ondelete="CASCADE"), nullable=True, index=True
    )
    employee_uuid: Mapped[str | None] = mapped_column(
        ForeignKey("employees.uuid", ondelete="SET NULL"), nullable=True, index=True
    )


keep_sort_keys(Contact)

# Synced registers in dependency order (parents before children): the initial sync's table order.
SYNCED_MODELS = (Employee, Contact, ContactPerson, Product, SalesOrder, SalesOrderLine, Activity)
