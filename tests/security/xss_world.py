"""Data for the browser XSS test: the corpus in every text field a person can fill, on both sides.

Everything is saved through the services the forms and the sync use, so it passes the same
validation a person's input does. E-mail fields refuse the corpus (``test_email_addresses``);
they get valid addresses, except synced employees' addresses online, which hold the original
exploit (``a@x.example":x="…"``) as data written before addresses were validated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from models.online import OnlineId
from services.config import Settings
from services.container import Services, build_services
from services.local.registers.specs import REGISTERS
from services.records.fields import (
    DATE,
    DATETIME,
    DECIMAL,
    EMAIL,
    INTEGER,
    MONEY,
    REF,
    TEXT,
    TEXTAREA,
)
from services.secrets.passwords import hash_password
from services.sync.protocol.messages import CompanyInfo
from tests.live_server import LiveServer
from tests.security.corpus import XSS_CORPUS

PASSWORD = "Blue-Tomato-Sunrise-7"
OWNER = "anna@example.com"
HOSTILE_EMAILS = tuple(f'poc{i}@x.example":x="alert({i})"' for i in range(len(XSS_CORPUS)))
LOCAL_REGISTERS = ("contacts", "products", "employees", "activities", "sales_orders")
CHILDREN = {"contacts": "contact_persons", "sales_orders": "sales_order_lines"}


@dataclass
class World:
    company_ids: list[int] = field(default_factory=list)
    local_rows: dict[str, list[int]] = field(default_factory=dict)
    user_ids: list[int] = field(default_factory=list)
    tenants: list[str] = field(default_factory=list)


def fit(text: str, limit: int | None) -> str:
    return text if limit is None else text[:limit]


def filled(spec_name: str, payload: str, i: int, refs: dict[str, str]) -> dict[str, Any]:
    """Values for every field of a register: the payload in each text field."""
    start = dt.datetime.now().astimezone().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    values: dict[str, Any] = {}
    for f in REGISTERS[spec_name].fields:
        if f.kind in (TEXT, TEXTAREA):
            values[f.name] = fit(payload, f.max_length)
        elif f.kind == EMAIL:
            values[f.name] = f"person{i}@example.com"
        elif f.kind == DATE:
            values[f.name] = dt.date.today().isoformat()
        elif f.kind == DATETIME:
            values[f.name] = start.isoformat()
        elif f.kind in (DECIMAL, MONEY, INTEGER):
            values[f.name] = "1"
        elif f.kind == REF and f.ref in refs:
            values[f.name] = refs[f.ref]
    return values


def plant(server: LiveServer) -> World:
    services = build_services(Settings(data_dir=server.data_dir, computer_name="TEST-PC"))
    try:
        world = World()
        _plant_local(services, world)
        _plant_online(services, world)
        return world
    finally:
        services.db.dispose()


def _plant_local(services: Services, world: World) -> None:
    auth, companies = services.require_local().auth, services.require_local().companies
    registers, users = services.require_local().registers, services.require_local().users
    admin = auth.login("admin", _admin_password()).user.id
    for i, payload in enumerate(XSS_CORPUS):
        registration = {k: fit(payload, n) for k, n in (("street", 200), ("postal_code", 20), ("city", 100),
                        ("country", 100), ("phone", 50), ("registration_number", 50))}  # fmt: skip
        values = {"name": payload, "email": f"firma{i}@example.com", **registration}
        world.company_ids.append(companies.create_company(values).id)
    target = world.company_ids[0]
    for i, payload in enumerate(XSS_CORPUS):
        refs: dict[str, str] = {}
        for name in LOCAL_REGISTERS:
            row = registers.create_row(target, register=name, values=filled(name, payload, i, refs))
            refs[name] = row.uuid
            world.local_rows.setdefault(name, []).append(row.id)
            if name in CHILDREN:
                registers.create_row(
                    target,
                    register=CHILDREN[name],
                    values=filled(CHILDREN[name], payload, i, refs),
                    parent_id=row.id,
                )
        user = users.create_user(
            admin,
            company_id=target,
            values={"username": fit(payload, 100) + str(i), "full_name": payload},
            password="Long-Enough-Pass-42",
        )
        world.user_ids.append(user.id)
        services.require_local().api_users.create_api_user(target, fit(payload, 90) + str(i))
        services.require_local().integrations.register_integration(target, fit(payload, 90) + str(i))
        services.require_local().network.register_computer(fit(payload, 90) + str(i))
    services.require_local().licensing.update_holder(
        {"name": XSS_CORPUS[0], "contact_person": XSS_CORPUS[1], "phone": XSS_CORPUS[2][:50]}
    )


def _plant_online(services: Services, world: World) -> None:
    assert services.db.online is not None
    with services.db.online.begin() as s:
        owner = OnlineId(
            email=OWNER, full_name=XSS_CORPUS[3], password_hash=hash_password(PASSWORD), status="active"
        )
        s.add(owner)
        s.flush()
        owner_id = owner.id
    server, workspace = services.require_online().sync_server, services.require_online().workspace
    for payload in XSS_CORPUS:
        info = {k: fit(payload, n) for k, n in (("name", 200), ("street", 200), ("city", 100))}
        created = server.connections.create_connection(online_id_id=owner_id, company=CompanyInfo(**info))
        world.tenants.append(created.tenant_uuid)
    tenant = world.tenants[0]
    tenant_id = workspace.access.context(owner_id, tenant).tenant_id
    for i, payload in enumerate(XSS_CORPUS):
        contact = workspace.records.save_record(
            owner_id, tenant, register="contacts", uuid=None, values=filled("contacts", payload, i, {})
        )
        workspace.records.save_record(
            owner_id,
            tenant,
            register="activities",
            uuid=None,
            values=filled("activities", payload, i, {"contacts": contact}),
        )
        server.apply_online_change(tenant_id, table="employees", uuid=None, fields={
            "first_name": fit(payload, 100), "last_name": fit(payload, 100), "position": fit(payload, 100),
            "email": HOSTILE_EMAILS[i], "phone": fit(payload, 50),
        })  # fmt: skip
        server.apply_online_change(tenant_id, table="products", uuid=None, fields={
            "number": f"P-{i}", "name": fit(payload, 200), "description": payload, "unit": fit(payload, 20),
        })  # fmt: skip


def _admin_password() -> str:
    from tests.conftest import ADMIN_PASSWORD

    return ADMIN_PASSWORD
