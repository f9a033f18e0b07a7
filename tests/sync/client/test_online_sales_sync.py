"""An order written online arrives in Business Software whole: header and lines in one pull page,
applied in one local transaction, with the totals Business Software computes for the same lines."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Product, SalesOrder, SalesOrderLine
from models.online import Membership, OnlineId
from services.container import Services
from services.local.registers import rules
from services.online.workspace.sales_views import LineEdit, SalesEdit
from services.sync.client.agent import SyncAgent
from services.sync.server.service import SyncServer
from tests.sync.client.test_agent import local, make_agent, online  # noqa: F401  (fixtures)
from tests.sync.local_helpers import connect_company, create_company, fill, local_summary, online_summary


async def test_an_online_order_with_five_lines_arrives_in_business_software_whole_with_equal_totals(
    services: Services,
    local: tuple[sessionmaker[Session], Engine],  # noqa: F811
    online: SyncServer,  # noqa: F811
    make_agent: Callable[..., SyncAgent],  # noqa: F811
) -> None:
    sessions, engine = local
    company = create_company(sessions)
    fill(sessions, company, contacts=3)
    created = connect_company(sessions, online, company)
    agent = make_agent(company, created.token, created.tenant_uuid)
    agent.options = dataclasses.replace(agent.options, pull_limit=2)  # pages smaller than the order
    await agent.initial_sync()
    assert services.db.online is not None
    with services.db.online.begin() as s:
        seller = OnlineId(email="verkauf@example.com", status="active")
        s.add(seller)
        s.flush()
        s.add(Membership(tenant_id=created.tenant_id, online_id_id=seller.id, role="standard"))
        seller_id = seller.id
    with sessions() as s:
        products = [p.uuid for p in s.scalars(select(Product).where(Product.company_id == company))]
        customer = s.scalars(select(SalesOrder.contact_uuid).where(SalesOrder.company_id == company)).first()
    lines = [
        {"product_uuid": products[i], "quantity": q, "unit_price": p, "discount_percent": d, "vat_rate": v}
        for i, (q, p, d, v) in enumerate(
            [("3", "12.49", "0", "19"), ("1.333", "0.35", "0", "7"), ("7", "3.99", "12.5", "19"),
             ("2", "1999.99", "3", "19"), ("0.5", "7.45", "0", "0")]
        )
    ]  # fmt: skip
    sales = services.online.workspace.sales
    uuid = sales.save(
        seller_id,
        created.tenant_uuid,
        uuid=None,
        edit=SalesEdit(
            changes={"contact_uuid": customer, "status": "order", "our_reference": "OD-1"},
            lines=tuple(LineEdit(changes=line) for line in lines),
        ),
    )
    online_doc = sales.document(seller_id, created.tenant_uuid, uuid=uuid)

    cursor = agent.store.state().cursor
    page = (await agent.pull_once(cursor)).answer
    tables = {c.table: len(c.data[0]) for c in page.changes}
    assert tables == {"sales_orders": 1, "sales_order_lines": 5}  # one transaction, never split
    await asyncio.to_thread(agent.store.apply_page, page, after=cursor)

    with sessions() as s:
        order = s.scalars(select(SalesOrder).where(SalesOrder.uuid == uuid)).one()
        local_lines = s.scalars(
            select(SalesOrderLine).where(SalesOrderLine.order_uuid == uuid).order_by(SalesOrderLine.position)
        ).all()
        local_totals = rules.order_figures(s, uuid)
    assert (order.status, order.our_reference, order.number) == ("order", "OD-1", online_doc.values["number"])
    assert [line.quantity for line in local_lines] == [Decimal(line["quantity"]) for line in lines]
    assert [line.vat_rate for line in local_lines] == [Decimal(line["vat_rate"]) for line in lines]
    assert order.total == online_doc.totals.net == local_totals.net
    assert local_totals == online_doc.totals
    assert [
        rules.line_total(x.quantity, unit_price=x.unit_price, discount_percent=x.discount_percent)
        for x in local_lines
    ] == [line.line_total for line in online_doc.lines]
    assert local_summary(engine, company) == online_summary(online, created.tenant_id)
