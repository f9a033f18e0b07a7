"""Changes made on the online side (Online Desktop UI): the one way they enter synced tables.

Each change takes the tenant's next sequence number as its first write, like every sync write,
so the Business Software side pulls it in commit order. The changed fields are remembered
(``sync_field_changes``) so that a later push of the same field is recognised as a conflict.
References must point to live rows of the same tenant; a delete cascades like the local foreign
keys.

Several rows that belong together (a sales order and its lines) are one change too
(``apply_online_transaction``): they share one sequence number, so no pull page splits them and
the Business Software applies them in one local transaction.

A change runs in its own transaction, or inside one the caller opened (``session``): an Online
Desktop save resolves who is asking and what their role allows in the same transaction that
writes. The caller may read (and lock the tenant row) before, but must not write before the
change. Waiting pulls are woken only after that transaction commits: a pull woken earlier would
not see the change yet, and one that is rolled back wakes nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import Session, sessionmaker

from models.types import new_uuid
from services.errors import NotFound, ValidationFailed
from services.sync.protocol.messages import ProtocolError
from services.sync.protocol.tables import TABLES, TableSpec, column_to_wire
from services.sync.protocol.validate import check_row
from services.sync.server import store as store
from services.sync.server.notify import TenantNotifier

_WAKE_AFTER_COMMIT = "sync.wake_after_commit"  # Session.info key: (notifier, tenant) pairs to wake


@dataclass(frozen=True, kw_only=True, slots=True)
class OnlineChange:
    table: str
    uuid: str
    seq: int
    deleted: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class RowChange:
    """One row of a change of several rows: create or update (``fields``), or delete."""

    table: str
    uuid: str | None
    fields: dict[str, Any] | None = None
    delete: bool = False
    must_exist: bool = False


def _defaults(spec: TableSpec) -> dict[str, Any]:
    """Column defaults as wire values (used when a new row leaves a field out)."""
    return {c.name: c.default for c in spec.columns if c.has_default}


def apply_online_change(
    sessions: sessionmaker[Session],
    *,
    notifier: TenantNotifier,
    tenant_id: int,
    table: str,
    uuid: str | None,
    fields: dict[str, Any] | None,
    delete: bool = False,
    must_exist: bool = False,
    session: Session | None = None,
    by: str = "",
) -> OnlineChange:
    """Create (uuid None, or unknown unless ``must_exist``), update (the given fields) or delete
    one synced row; in ``session``'s open transaction when given, else in a transaction of its own.
    ``by`` names who changes it (shown with conflicts)."""
    spec = TABLES.get(table)
    if spec is None:
        raise NotFound("sync.unknown_table")
    if session is not None:
        return _apply(
            session, notifier, spec, tenant_id, uuid, fields, delete=delete, must_exist=must_exist, by=by
        )
    with sessions.begin() as s:
        return _apply(s, notifier, spec, tenant_id, uuid, fields, delete=delete, must_exist=must_exist, by=by)


def apply_online_transaction(
    sessions: sessionmaker[Session],
    *,
    notifier: TenantNotifier,
    tenant_id: int,
    changes: Sequence[RowChange],
    session: Session | None = None,
    by: str = "",
) -> list[OnlineChange]:
    """Several rows written as one transaction under one sequence number, in the given order
    (parents before the children that refer to them); any refused row refuses them all."""
    specs = [TABLES.get(c.table) for c in changes]
    if any(spec is None for spec in specs):
        raise NotFound("sync.unknown_table")
    if session is not None:
        return _apply_all(session, notifier, tenant_id, changes, by=by)
    with sessions.begin() as s:
        return _apply_all(s, notifier, tenant_id, changes, by=by)


def _apply_all(
    s: Session, notifier: TenantNotifier, tenant_id: int, changes: Sequence[RowChange], *, by: str = ""
) -> list[OnlineChange]:
    seq = store.bump_seq(s.connection(), tenant_id)
    done = [
        _write(
            s,
            TABLES[c.table],
            tenant_id,
            seq,
            c.uuid,
            c.fields,
            delete=c.delete,
            must_exist=c.must_exist,
            by=by,
        )
        for c in changes
    ]
    _wake_after_commit(s, notifier, tenant_id)
    return done


def _apply(
    s: Session,
    notifier: TenantNotifier,
    spec: TableSpec,
    tenant_id: int,
    uuid: str | None,
    fields: dict[str, Any] | None,
    *,
    delete: bool,
    must_exist: bool,
    by: str = "",
) -> OnlineChange:
    seq = store.bump_seq(s.connection(), tenant_id)
    result = _write(s, spec, tenant_id, seq, uuid, fields, delete=delete, must_exist=must_exist, by=by)
    _wake_after_commit(s, notifier, tenant_id)
    return result


def _write(
    s: Session,
    spec: TableSpec,
    tenant_id: int,
    seq: int,
    uuid: str | None,
    fields: dict[str, Any] | None,
    *,
    delete: bool,
    must_exist: bool,
    by: str = "",
) -> OnlineChange:
    conn = s.connection()
    if delete:
        if uuid is None or not store.tombstone(conn, spec=spec, tenant_id=tenant_id, seq=seq, uuids=[uuid]):
            raise NotFound()
        result = OnlineChange(table=spec.name, uuid=uuid, seq=seq, deleted=True)
    else:
        if must_exist and uuid is None:
            raise NotFound()
        result = _upsert(
            conn, spec, tenant_id, seq, uuid or new_uuid(), fields or {}, must_exist=must_exist, by=by
        )
    return result


def _wake_after_commit(s: Session, notifier: TenantNotifier, tenant_id: int) -> None:
    pending: set[tuple[TenantNotifier, int]] | None = s.info.get(_WAKE_AFTER_COMMIT)
    if pending is None:
        pending = s.info[_WAKE_AFTER_COMMIT] = set()
        event.listen(s, "after_commit", _wake)
        event.listen(s, "after_rollback", _forget)
    pending.add((notifier, tenant_id))


def _wake(s: Session) -> None:
    pending: set[tuple[TenantNotifier, int]] = s.info.get(_WAKE_AFTER_COMMIT, set())
    woken = list(pending)
    pending.clear()
    for notifier, tenant_id in woken:
        notifier.notify(tenant_id)


def _forget(s: Session) -> None:
    s.info.get(_WAKE_AFTER_COMMIT, set()).clear()


def _upsert(
    conn: Connection,
    spec: TableSpec,
    tenant_id: int,
    seq: int,
    uuid: str,
    fields: dict[str, Any],
    *,
    must_exist: bool,
    by: str = "",
) -> OnlineChange:
    unknown = set(fields) - set(spec.column_names)
    if unknown:
        raise ValidationFailed(dict.fromkeys(sorted(unknown), "validation.choice"))
    wire = {k: column_to_wire(spec.column(k).kind, [v])[0] for k, v in fields.items()}
    current = store.fetch_rows(conn, spec=spec, tenant_id=tenant_id, uuids=[uuid]).get(uuid)
    if (current is None and must_exist) or (current is not None and current[0]):
        raise NotFound()  # unknown here (perhaps another tenant's) or deleted
    if current is None:
        row = {**_defaults(spec), **wire}
        changed = list(spec.column_names)
    else:
        row = {c.name: column_to_wire(c.kind, [v])[0] for c, v in zip(spec.columns, current[2:], strict=True)}
        changed = [k for k, v in wire.items() if row[k] != v]
        row.update(wire)
    try:
        check_row(spec, row)
    except ProtocolError as exc:
        column = exc.message.split(":")[0].split(".")[-1]
        raise ValidationFailed({column: "sync.invalid_value"}) from None
    _check_references(conn, spec, tenant_id, row)
    store.upsert_rows(
        conn, spec=spec, tenant_id=tenant_id, seq=seq, rows=[[uuid, *(row[c] for c in spec.column_names)]]
    )
    store.record_fields(conn, tenant_id=tenant_id, table=spec.name, uuid=uuid, fields=changed, seq=seq, by=by)
    return OnlineChange(table=spec.name, uuid=uuid, seq=seq, deleted=False)


def _check_references(conn: Connection, spec: TableSpec, tenant_id: int, row: dict[str, Any]) -> None:
    for ref in spec.refs:
        target = row[ref.column]
        if target is None:
            continue
        found = store.fetch_rows(conn, spec=TABLES[ref.target], tenant_id=tenant_id, uuids=[target]).get(
            target
        )
        if found is None or found[0]:
            raise ValidationFailed({ref.column: "sync.reference_missing"})
