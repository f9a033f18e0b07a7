"""Random edits on both sides for fault scenarios, recorded in the ledger as they succeed."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import delete, select, update

from models.local import Activity, Contact, ContactPerson
from services.errors import NotFound, ValidationFailed
from tests.sync.faults import Client, Ledger, World

LOCAL_MODELS = {"contacts": Contact, "contact_persons": ContactPerson, "activities": Activity}


class Edits:
    def __init__(self, world: World, client: Client, ledger: Ledger, rng: random.Random) -> None:
        self.world, self.client, self.ledger, self.rng = world, client, ledger, rng
        self.count = 0

    def _pick(self, table: str) -> str | None:
        live = self.ledger.live(table)
        return self.rng.choice(live) if live else None

    def _values(self, table: str, parent: str | None) -> dict[str, Any]:
        tag = f"{self.rng.randint(0, 10**6)}"
        if table == "contacts":
            return {"name": f"Kunde {tag}", "city": self.rng.choice(["Berlin", "Bonn", "Ulm"])}
        if table == "contact_persons":
            return {"contact_uuid": parent, "last_name": f"Person {tag}"}
        start = dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.UTC) + dt.timedelta(
            minutes=self.rng.randint(0, 10**5)
        )
        return {"contact_uuid": parent, "subject": f"Termin {tag}", "start_at": start}

    def random(self) -> None:
        """One edit on a random side."""
        (self.local if self.rng.random() < 0.5 else self.online)()

    def local(self) -> None:
        op = self.rng.choices(["insert", "update", "delete"], weights=[4, 4, 2])[0]
        table = self.rng.choice(["contacts", "contact_persons", "activities"])
        model: Any = LOCAL_MODELS[table]
        with self.client.sessions.begin() as s:
            if op == "insert":
                parent = None if table == "contacts" else self._pick("contacts")
                if table != "contacts" and (
                    parent is None or s.scalar(select(Contact.id).where(Contact.uuid == parent)) is None
                ):
                    return
                row = model(company_id=self.client.company_id, **self._values(table, parent))
                s.add(row)
                s.flush()
                self.ledger.add(table, row.uuid, {} if parent is None else {"contact_uuid": parent})
            elif (target := self._pick(table)) is not None:
                if op == "update":
                    field = (
                        "city"
                        if table == "contacts"
                        else ("position" if table == "contact_persons" else "notes")
                    )
                    s.execute(
                        update(model)
                        .where(model.uuid == target)
                        .values({field: f"lokal {self.rng.random():.6f}"})
                    )
                else:
                    if s.execute(delete(model).where(model.uuid == target)).rowcount:  # type: ignore[attr-defined]
                        self.ledger.delete(table, target)
        self.count += 1

    def online(self) -> None:
        op = self.rng.choices(["insert", "update", "delete"], weights=[4, 4, 2])[0]
        table = self.rng.choice(["contacts", "contact_persons", "activities"])
        tenant = self.client.connection.tenant_id
        try:
            if op == "insert":
                parent = None if table == "contacts" else self._pick("contacts")
                if table != "contacts" and parent is None:
                    return
                made = self.world.online.apply_online_change(
                    tenant, table=table, uuid=None, fields=self._values(table, parent)
                )
                self.ledger.add(table, made.uuid, {} if parent is None else {"contact_uuid": parent})
            elif (target := self._pick(table)) is not None:
                if op == "update":
                    field = (
                        "phone"
                        if table == "contacts"
                        else ("email" if table == "contact_persons" else "subject")
                    )
                    self.world.online.apply_online_change(
                        tenant, table=table, uuid=target, fields={field: f"online {self.rng.random():.6f}"}
                    )
                else:
                    self.world.online.apply_online_change(
                        tenant, table=table, uuid=target, fields=None, delete=True
                    )
                    self.ledger.delete(table, target)
        except (NotFound, ValidationFailed):
            return  # the row (or its parent) is already gone on this side: nothing happened
        self.count += 1
