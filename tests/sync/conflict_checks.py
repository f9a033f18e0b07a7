"""The conflict scenario: edits on both sides of the same records before either side syncs.

Expected (PRODUCT.md §4): the same field changed on both sides keeps the Business Software value
and is logged with both values; different fields merge without a conflict; a delete on either
side wins over an edit on the other, and the lost edit is logged.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import delete, select, text, update

from models.local import Contact
from tests.sync.faults import Client, Ledger, ScenarioFailed, World, check, settle

MODES = ("same_field", "different_fields", "deleted_locally", "deleted_online")


async def run_conflicts(
    world: World,
    rng: random.Random,
    prepared: Callable[..., tuple[Client, Ledger]],
    with_agent: Callable[..., Awaitable[None]],
) -> dict[str, Any]:
    client, ledger = prepared(world, rng, (6, 15))
    await with_agent(client, None, lambda: settle(world, client))  # initial sync first
    targets = rng.sample(ledger.live("contacts"), k=min(6, len(ledger.live("contacts"))))
    plan = {uuid: rng.choice(MODES) for uuid in targets}
    tenant = client.connection.tenant_id
    local_first = rng.random() < 0.5
    for uuid, mode in plan.items():
        steps = [
            lambda u=uuid, m=mode: _local(client, ledger, u, m),
            lambda u=uuid, m=mode: _online(world, tenant, ledger, u, m),
        ]
        for step in steps if local_first else reversed(steps):
            step()
    await with_agent(client, None, lambda: settle(world, client))
    _expect(world, client, plan)
    return {**check(world, client, ledger), "conflicts": sum(m != "different_fields" for m in plan.values())}


def _local(client: Client, ledger: Ledger, uuid: str, mode: str) -> None:
    with client.sessions.begin() as s:
        if mode == "deleted_locally":
            s.execute(delete(Contact).where(Contact.uuid == uuid))
            ledger.delete("contacts", uuid)
        elif mode == "different_fields":
            s.execute(update(Contact).where(Contact.uuid == uuid).values(city="Lokalstadt"))
        else:
            s.execute(update(Contact).where(Contact.uuid == uuid).values(name=f"Lokal {uuid[-6:]}"))


def _online(world: World, tenant: int, ledger: Ledger, uuid: str, mode: str) -> None:
    if mode == "deleted_online":
        world.online.apply_online_change(tenant, table="contacts", uuid=uuid, fields=None, delete=True)
        ledger.delete("contacts", uuid)
    elif mode == "different_fields":
        world.online.apply_online_change(tenant, table="contacts", uuid=uuid, fields={"phone": "+49 30 999"})
    else:
        world.online.apply_online_change(
            tenant, table="contacts", uuid=uuid, fields={"name": f"Online {uuid[-6:]}"}
        )


def _expect(world: World, client: Client, plan: dict[str, str]) -> None:
    with client.sessions() as s:
        rows = {c.uuid: c for c in s.scalars(select(Contact).where(Contact.uuid.in_(list(plan))))}
        logged = {
            (u, f, b, o, r)
            for u, f, b, o, r in s.execute(
                text("SELECT uuid, field, business_value, online_value, resolution FROM sync_conflicts")
            )
        }
    for uuid, mode in plan.items():
        row, mine = rows.get(uuid), {entry for entry in logged if entry[0] == uuid}
        if mode == "same_field":
            wanted = (uuid, "name", f"Lokal {uuid[-6:]}", f"Online {uuid[-6:]}", "business_wins")
            if row is None or row.name != wanted[2] or wanted not in mine:
                raise ScenarioFailed(f"same field on both sides: {uuid} -> {row and row.name}, logged {mine}")
        elif mode == "different_fields":
            if row is None or (row.city, row.phone) != ("Lokalstadt", "+49 30 999") or mine:
                raise ScenarioFailed(
                    f"different fields must merge silently: {uuid} -> {row and (row.city, row.phone)}, {mine}"
                )
        elif row is not None or not any(entry[4] == mode for entry in mine):
            raise ScenarioFailed(f"{mode}: {uuid} still there ({row is not None}) or not logged ({mine})")
