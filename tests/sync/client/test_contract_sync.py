"""A licence change in Business Software reaches the company account with the next sync."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from models.online import AuditEntry, Tenant
from services.container import Services
from services.sync.client.agent import SyncAgent
from services.sync.server.service import SyncServer
from tests.sync.client.test_agent import local, make_agent, online, wait_for  # noqa: F401  (fixtures)
from tests.sync.helpers import licence_key
from tests.sync.local_helpers import connect_company, create_company


def contract_of(services: Services, tenant_id: int) -> tuple[int, str, str]:
    assert services.db.online is not None
    with services.db.online() as s:
        tenant = s.get(Tenant, tenant_id)
        assert tenant is not None
        return tenant.seats, tenant.modules, tenant.licence_number


async def test_the_running_sync_carries_a_new_licence_to_the_account(
    services: Services,
    local: tuple[sessionmaker[Session], Engine],  # noqa: F811
    online: SyncServer,  # noqa: F811
    make_agent: Callable[..., SyncAgent],  # noqa: F811
) -> None:
    sessions, _engine = local
    licensing = services.require_local().licensing
    licensing.install_key(licence_key(seats=4, holder="Müller GmbH", number="BS-00000100"))
    company = create_company(sessions)
    created = connect_company(sessions, online, company)
    agent = make_agent(company, created.token, created.tenant_uuid)
    agent.contract._every = 0.05  # poll fast in the test
    stop = asyncio.Event()
    running = asyncio.ensure_future(agent.continuous(stop))
    try:
        await wait_for(lambda: contract_of(services, created.tenant_id)[2] == "BS-00000100")
        assert contract_of(services, created.tenant_id)[:2] == (4, "contacts,activities,sales,products")

        licensing.install_key(
            licence_key(seats=12, modules=("contacts", "sales"), holder="Müller GmbH", number="BS-00000101")
        )
        await wait_for(
            lambda: contract_of(services, created.tenant_id) == (12, "contacts,sales", "BS-00000101")
        )
    finally:
        stop.set()
        await running
    assert services.db.online is not None
    with services.db.online() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.tenant_id == created.tenant_id).order_by(AuditEntry.id)
        ).all()
    assert actions.count("contract_change") == 2  # the connection had no contract yet, then the renewal
