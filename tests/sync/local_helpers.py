"""Business Software side helpers for sync tests: a company with data, connected to a tenant."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.local import (
    Activity,
    Company,
    Contact,
    ContactPerson,
    Employee,
    Product,
    SalesOrder,
    SalesOrderLine,
    SyncConnection,
)
from services.sync.client.snapshot import LocalSnapshot
from services.sync.protocol.messages import CompanyInfo, VerifyRequest, request_fields
from services.sync.protocol.tables import TABLE_ORDER
from services.sync.server.connections import ConnectionContext, ConnectionCreated
from services.sync.server.service import SyncServer
from tests.sealing import TEST_SEAL


def create_company(sessions: sessionmaker[Session], name: str = "Müller GmbH") -> int:
    with sessions.begin() as s:
        company = Company(name=name)
        s.add(company)
        s.flush()
        return company.id


def connect_company(
    sessions: sessionmaker[Session], server: SyncServer, company_id: int, online_url: str = "http://online"
) -> ConnectionCreated:
    """Create the tenant and connection online and store the connection locally (like `sync connect`)."""
    info = CompanyInfo(name=f"Firma {company_id}")
    created = server.connections.create_connection(online_id_id=None, company=info)
    with sessions.begin() as s:
        s.add(
            SyncConnection(
                company_id=company_id,
                online_url=online_url,
                tenant_uuid=created.tenant_uuid,
                sealed_token=TEST_SEAL.seal(created.token),
            )
        )
    return created


def fill(sessions: sessionmaker[Session], company_id: int, *, contacts: int, seed: int = 1) -> None:
    """Some of every register, linked like real data."""
    rng = random.Random(seed)
    c = company_id
    with sessions.begin() as s:
        employees = [Employee(company_id=c, last_name=f"Mitarbeiter {i}", first_name="Max") for i in range(3)]
        products = [
            Product(
                company_id=c,
                number=f"P{i}",
                name=f"Produkt {i}",
                price=Decimal(rng.randint(100, 99999)) / 100,
            )
            for i in range(5)
        ]
        s.add_all(employees + products)
        s.flush()
        for i in range(contacts):
            contact = Contact(
                company_id=c, number=f"K{i}", name=f"Kunde {i}", city=rng.choice(["Berlin", "Köln"])
            )
            s.add(contact)
            s.flush()
            s.add(ContactPerson(company_id=c, contact_uuid=contact.uuid, last_name=f"Person {i}"))
            order = SalesOrder(
                company_id=c,
                contact_uuid=contact.uuid,
                employee_uuid=rng.choice(employees).uuid,
                number=f"A{i}",
                order_date=dt.date(2024, 1 + i % 12, 1 + i % 28),
                total=Decimal("10.50"),
            )
            s.add(order)
            s.flush()
            s.add(
                SalesOrderLine(
                    company_id=c,
                    order_uuid=order.uuid,
                    product_uuid=rng.choice(products).uuid,
                    quantity=Decimal("2.5"),
                    unit_price=Decimal("4.20"),
                )
            )
            start = dt.datetime(2024, 3, 1, 9, i % 60, tzinfo=dt.UTC)
            s.add(
                Activity(
                    company_id=c,
                    contact_uuid=contact.uuid,
                    subject=f"Anruf {i}",
                    start_at=start,
                    done=i % 2 == 1,
                )
            )


def local_summary(engine: Engine, company_id: int) -> dict[str, tuple[int, int]]:
    return LocalSnapshot(engine, company_id).summary().tables


def online_summary(server: SyncServer, tenant_id: int) -> dict[str, tuple[int, int]]:
    """Counts and checksums of the tenant's live rows, as the verify call reports them."""
    context = ConnectionContext(
        connection_id=0, tenant_id=tenant_id, tenant_uuid="-", last_round_trip_at=None
    )
    answer = server.verify(context, VerifyRequest(**request_fields("-"), tables=list(TABLE_ORDER)))
    return {name: (t.count, t.checksum) for name, t in answer.tables.items()}
