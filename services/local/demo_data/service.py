"""Fill a company database with demo data of size S, M or L, in bulk and in one transaction.

The old company data goes first (one DELETE per register), then every register is written with
large executemany batches through SQLAlchemy Core: half a million rows fit in well under a
minute, where one ORM object per row would take many.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company
from models.local.company_data import (
    SYNCED_MODELS,
    Activity,
    Contact,
    ContactPerson,
    Employee,
    Product,
    SalesOrder,
    SalesOrderLine,
)
from models.local.online_link import SyncConnection
from models.types import utcnow
from services.errors import Conflict, NotFound, ValidationFailed
from services.local.company import CompanyService
from services.local.demo_data.bulk import BulkInsert, indexes_suspended, roomy_cache, triggers_suspended
from services.local.demo_data.pools import pools_for, slug
from services.local.demo_data.rows import COLUMNS, Row, RowFactory
from services.local.demo_data.vocabulary import VOCABULARIES
from services.local.registers import fulltext
from services.local.views import CompanyView

TABLES = tuple(model.__tablename__ for model in SYNCED_MODELS)
SIZES = {"S": 1_000, "M": 50_000, "L": 500_000}
LOCALES = tuple(VOCABULARIES)
DEFAULT_SEED = 20240601
# Register names in the order they are written (parents first), as printed by the command.
REGISTERS = {
    "employees": Employee,
    "products": Product,
    "contacts": Contact,
    "contact_persons": ContactPerson,
    "sales_orders": SalesOrder,
    "sales_order_lines": SalesOrderLine,
    "activities": Activity,
}


@dataclass(frozen=True, kw_only=True, slots=True)
class DemoDataPlan:
    """How many rows of each independent register a size asks for (persons and lines follow)."""

    employees: int
    products: int
    contacts: int
    sales_orders: int
    activities: int

    @classmethod
    def for_size(cls, size: str) -> DemoDataPlan:
        if size not in SIZES:
            raise ValidationFailed({"size": "demo.unknown_size"})
        total = SIZES[size]
        # Contact persons add about 0.2 and order lines about 0.3 of the total on top of these.
        return cls(
            employees=max(5, total // 1_000),
            products=max(20, total // 100),
            contacts=total // 5,
            sales_orders=total * 12 // 100,
            activities=total * 17 // 100,
        )

    def expected_rows(self, register: str) -> int:
        """About how many rows the fill writes to ``register`` (at least)."""
        following = {"contact_persons": self.contacts, "sales_order_lines": 2 * self.sales_orders}
        return following.get(register) or getattr(self, register)


@dataclass(frozen=True, kw_only=True, slots=True)
class DemoDataReport:
    company_id: int
    size: str
    locale: str
    counts: Mapping[str, int]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


class DemoDataService:
    """Creates demo companies and (re)fills company databases with realistic data."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def fill(
        self, company_id: int, *, size: str, locale: str = "de", seed: int = DEFAULT_SEED
    ) -> DemoDataReport:
        """Replace the company's data by a fresh demo set; the same seed gives the same data."""
        started = time.perf_counter()
        plan = DemoDataPlan.for_size(size)
        if locale not in VOCABULARIES:
            raise ValidationFailed({"locale": "demo.unknown_locale"})
        with self._sessions.begin() as s:
            company = s.get(Company, company_id)
            if company is None:
                raise NotFound("company.not_found")
            link = s.get(SyncConnection, company_id)
            if link is not None and link.status != "disconnected":
                raise Conflict("demo.company_connected")
            factory = RowFactory(
                company_id=company_id, pools=pools_for(locale, seed), rng=random.Random(seed), now=utcnow()
            )
            connection = s.connection()
            with roomy_cache(connection), triggers_suspended(connection, TABLES):
                _delete_company_data(s, company_id)
                with indexes_suspended(connection, _mostly_filled(connection, plan)):
                    counts = _write_all(s, factory, plan, company.name)
                _reindex_company(connection, company_id)
        return DemoDataReport(
            company_id=company_id,
            size=size,
            locale=locale,
            counts=counts,
            seconds=time.perf_counter() - started,
        )

    def ensure_company(self, name: str, locale: str = "de", *, seed: int = DEFAULT_SEED) -> CompanyView:
        """The company called ``name`` (any case); created with registration info when missing."""
        with self._sessions() as s:
            existing = s.scalar(select(Company.id).where(func.lower(Company.name) == name.strip().lower()))
        companies = CompanyService(self._sessions)
        if existing is not None:
            return companies.get_company(existing)
        return companies.create_company(registration_for(name, locale=locale, seed=seed))

    def count_rows(self, company_id: int) -> dict[str, int]:
        """Rows per register of one company (what a fill left behind)."""
        tables: dict[str, Any] = {name: model.__table__ for name, model in REGISTERS.items()}
        with self._sessions() as s:
            return {
                name: s.execute(select(func.count()).where(table.c.company_id == company_id)).scalar_one()
                for name, table in tables.items()
            }


def registration_for(name: str, *, locale: str, seed: int = DEFAULT_SEED) -> dict[str, str]:
    """Plausible registration information for a demo company of ``locale``."""
    pools = pools_for(locale, seed)
    rng = random.Random(f"{seed}:{name}")
    postal_code, city = rng.choice(pools.places)
    street = rng.choice(pools.streets)
    v = pools.vocabulary
    return {
        "name": name.strip(),
        "street": f"{street} {rng.randint(1, 99)}" if locale == "de" else f"{rng.randint(1, 99)} {street}",
        "postal_code": postal_code,
        "city": city,
        "country": v.country,
        "phone": f"{v.phone_prefix} {rng.choice(v.area_codes)} {rng.randint(100000, 9999999)}",
        "email": f"info@{slug(name) or 'company'}.example",
        "registration_number": v.registration_number.format(n=rng.randint(10000, 99999999)),
    }


def _delete_company_data(s: Session, company_id: int) -> None:
    """Children before parents, one statement per register; search index entries first."""
    for table in fulltext.INDEXED:
        fulltext.forget_company(s.connection(), table=table, company_id=company_id)
    for model in reversed(SYNCED_MODELS):
        s.execute(delete(model).where(model.company_id == company_id))


def _reindex_company(connection: Connection, company_id: int) -> None:
    """The triggers that keep the search index current were suspended: index the new rows."""
    for table in fulltext.INDEXED:
        fulltext.index_company(connection, table=table, company_id=company_id)


def _write_all(s: Session, factory: RowFactory, plan: DemoDataPlan, company_name: str) -> dict[str, int]:
    """Insert every register, a chunk of rows at a time."""
    connection = s.connection()
    constants = {"company_id": factory.company_id, "updated_at": factory.now}
    inserts = {
        name: BulkInsert(connection, cast(Table, model.__table__), columns=COLUMNS[name], constants=constants)
        for name, model in REGISTERS.items()
    }
    counts = dict.fromkeys(REGISTERS, 0)
    for register, rows in _batches(factory, plan, f"{slug(company_name) or 'company'}.example"):
        counts[register] += inserts[register].execute(inserts[register].params(rows))
    return counts


def _mostly_filled(connection: Connection, plan: DemoDataPlan) -> list[str]:
    """The tables the fill writes more rows to than other companies hold in them (all of them in
    a new database): building their indexes afresh afterwards is the cheaper way."""
    tables = []
    for register, model in REGISTERS.items():
        table = model.__tablename__
        ours = plan.expected_rows(register)
        theirs = connection.exec_driver_sql(
            f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT ?)', (ours + 1,)
        ).scalar_one()
        if theirs <= ours:
            tables.append(table)
    return tables


def _batches(factory: RowFactory, plan: DemoDataPlan, mail_domain: str) -> Iterator[tuple[str, list[Row]]]:
    """(register, rows) in insert order: every referenced row comes before its references."""
    yield "employees", factory.employee_rows(plan.employees, mail_domain)
    yield "products", factory.product_rows(plan.products)
    for contacts, persons in factory.contact_chunks(plan.contacts):
        yield "contacts", contacts
        yield "contact_persons", persons
    for orders, lines in factory.order_chunks(plan.sales_orders, factory.now.date()):
        yield "sales_orders", orders
        yield "sales_order_lines", lines
    for activities in factory.activity_chunks(plan.activities):
        yield "activities", activities
