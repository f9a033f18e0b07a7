"""The service contract applied online: only its modules, its seats, read-only once expired."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from models.online import Tenant
from models.types import new_uuid
from services.container import Services
from services.online.users.invitations import SeatLimitReached
from services.online.workspace.access import ContractExpired, NotInContract
from services.sync.protocol.messages import CompanyInfo, Mutation, PushRequest
from services.sync.server.contract import ContractReader
from tests.services.online.test_online_workspace import contacts, member, person, workspace
from tests.sync.helpers import contact, fields, licence_key


def connected(online: Services, owner: int, **contract: object) -> tuple[int, str]:
    """A company account connected with a licence granting ``contract``: (tenant id, uuid)."""
    server = online.online.sync_server
    terms = ContractReader().read(licence_key(**contract))  # type: ignore[arg-type]
    created = server.connections.create_connection(
        online_id_id=owner, company=CompanyInfo(name="Vertrag GmbH"), contract=terms
    )
    return created.tenant_id, created.tenant_uuid


def expire(online: Services, tenant_id: int) -> None:
    assert online.db.online is not None
    with online.db.online.begin() as s:
        yesterday = dt.date.today() - dt.timedelta(days=1)
        s.execute(update(Tenant).where(Tenant.id == tenant_id).values(contract_valid_until=yesterday))


def test_modules_outside_the_contract_are_hidden_and_refused_by_the_services(online: Services) -> None:
    anna = person(online, "anna@example.com")
    tenant_id, tenant = connected(online, anna, modules=("contacts", "activities"))
    contacts(online, tenant_id, {"name": "Kunde AG"})
    page = workspace(online).access.open_page(anna, tenant)
    assert page.access["sales"] == page.access["products"] == "none"  # no tile, no list
    assert page.access["contacts"] == "full" and page.access["employees"] == "read"
    lists = workspace(online).lists
    assert lists.rows(anna, tenant, register="contacts").total == 1
    for register in ("sales_orders", "products"):
        with pytest.raises(NotInContract) as refused:
            lists.rows(anna, tenant, register=register)
        assert refused.value.key == "contract.module_not_included"
    with pytest.raises(NotInContract):
        workspace(online).access.open_page(anna, tenant, module="sales")
    [contact] = lists.rows(anna, tenant, register="contacts").rows
    related = workspace(online).records.contact_related(anna, tenant, uuid=contact.uuid)
    assert "sales_orders" not in related and "activities" in related


def test_invitations_stop_at_the_seats_of_the_licence(online: Services) -> None:
    anna = person(online, "anna@example.com")
    _tenant_id, tenant = connected(online, anna, seats=2)
    invitations = online.online.users.invitations
    invitations.invite(anna, tenant, email="ben@example.com", role="standard")
    with pytest.raises(SeatLimitReached):
        invitations.invite(anna, tenant, email="cleo@example.com", role="standard")
    assert online.online.users.directory.seats(anna, tenant).seats == 2


def test_an_expired_contract_makes_the_online_desktop_read_only_for_everyone(online: Services) -> None:
    anna, ben = person(online, "anna@example.com"), person(online, "ben@example.com")
    tenant_id, tenant = connected(online, anna)
    member(online, tenant_id, ben, "standard")
    [uuid] = contacts(online, tenant_id, {"name": "Kunde AG"})
    expire(online, tenant_id)

    records = workspace(online).records
    for who in (anna, ben):
        page = workspace(online).access.open_page(who, tenant)
        assert page.header.contract_expired and page.editable == frozenset()
        assert workspace(online).lists.rows(who, tenant, register="contacts").total == 1  # still readable
        with pytest.raises(ContractExpired) as refused:
            records.save_contact(who, tenant, uuid=uuid, values={"name": "Geändert"})
        assert refused.value.key == "contract.expired_read_only"
        with pytest.raises(ContractExpired):
            records.save_contact(who, tenant, uuid=None, values={"name": "Neu"})
    with pytest.raises(ContractExpired):
        online.online.users.invitations.invite(anna, tenant, email="cleo@example.com", role="standard")
    overview = online.online.users.directory.overview(anna, tenant)  # administrators still see it
    assert overview.grantable_roles == ()
    assert not any(r.may_invite or r.may_change_role or r.may_deactivate for r in overview.rows)
    assert records.contact(anna, tenant, uuid=uuid)["name"] == "Kunde AG"


def test_the_business_software_keeps_syncing_while_the_contract_is_expired(online: Services) -> None:
    anna = person(online, "anna@example.com")
    server = online.online.sync_server
    terms = ContractReader().read(licence_key())
    created = server.connections.create_connection(
        online_id_id=anna, company=CompanyInfo(name="Vertrag GmbH"), contract=terms
    )
    expire(online, created.tenant_id)
    ctx = server.connections.authenticate(created.token)
    mutation = Mutation(id=1, table="contacts", uuid=new_uuid(), op="upsert", base=0, values=contact())
    answer = server.push(ctx, PushRequest(**fields(ctx), mutations=[mutation]))
    assert (answer.applied, answer.rejections) == (1, [])
    assert workspace(online).lists.rows(anna, created.tenant_uuid, register="contacts").total == 1
