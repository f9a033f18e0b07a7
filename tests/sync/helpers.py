"""Small factories for sync tests: connections, wire rows, requests with the right versions."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from models.types import new_uuid
from services.licence_keys import ONLINE_MODULES, IssueRequest, issue_key
from services.sync.protocol.messages import CompanyInfo, request_fields
from services.sync.protocol.tables import TABLES
from services.sync.server.connections import ConnectionContext
from services.sync.server.service import SyncServer

_numbers = itertools.count(1)


def connect(server: SyncServer, name: str = "Müller GmbH") -> tuple[ConnectionContext, str]:
    """A new tenant with an active connection; returns its context and bearer token."""
    created = server.connections.create_connection(online_id_id=None, company=CompanyInfo(name=name))
    return server.connections.authenticate(created.token), created.token


def licence_key(
    *,
    seats: int = 5,
    modules: tuple[str, ...] = ONLINE_MODULES,
    valid_until: dt.date | None = None,
    holder: str = "Müller GmbH",
    number: str | None = None,
) -> str:
    """A vendor-signed licence key granting Online Desktop with this service contract."""
    return issue_key(
        IssueRequest(
            holder=holder,
            seats=seats,
            modules=modules,
            valid_until=valid_until or dt.date.today() + dt.timedelta(days=365),
            number=number,
        )
    )


def fields(ctx: ConnectionContext) -> dict[str, Any]:
    return request_fields(ctx.tenant_uuid)


def contact(**values: Any) -> dict[str, Any]:
    """A full contact row in wire form."""
    n = next(_numbers)
    row = {
        "number": f"K{n:05d}", "name": f"Kunde {n}", "kind": "company", "street": "Hauptstraße 1",
        "postal_code": "10115", "city": "Berlin", "country": "DE", "phone": "", "email": "",
        "website": "", "notes": "",
    }  # fmt: skip
    row.update(values)
    return row


def person(contact_uuid: str, **values: Any) -> dict[str, Any]:
    row = {"contact_uuid": contact_uuid, "first_name": "Eva", "last_name": "Schmidt", "position": "",
           "phone": "", "email": ""}  # fmt: skip
    row.update(values)
    return row


def columnar(table: str, rows: dict[str, dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Rows by uuid -> (columns, data) as a snapshot page carries them."""
    spec = TABLES[table]
    columns = ["uuid", *spec.column_names]
    data = [list(rows)] + [[row[c] for row in rows.values()] for c in spec.column_names]
    return columns, data


def many_contacts(count: int) -> dict[str, dict[str, Any]]:
    return {new_uuid(): contact() for _ in range(count)}
