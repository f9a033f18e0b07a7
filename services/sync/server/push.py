"""Applying a pushed batch of Business Software changes on the online side (one transaction).

Rules (PRODUCT.md §4, DESIGN.md "Sync protocol"):
- mutation ids at or below the connection's last applied id were applied before: skipped;
- per field: a field changed online after the mutation's base and changed by Business Software
  too is a conflict: Business Software wins and the conflict is logged with both values;
  fields changed on one side only merge;
- delete wins over edit: an edit of a row deleted online is dropped (and logged), a delete of a
  row edited online deletes it (and is logged);
- a row whose parent is deleted online is deleted too (like the local ON DELETE CASCADE); a
  reference to a deleted row with ON DELETE SET NULL becomes NULL;
- a mutation that does not fit its table is rejected alone; the rest of the batch applies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from services.sync.protocol.messages import ConflictInfo, Mutation, ProtocolError, Rejection
from services.sync.protocol.tables import TABLE_ORDER, TABLES, TableSpec, column_to_wire
from services.sync.protocol.validate import check_row
from services.sync.server import store as store
from services.sync.server.connections import ConnectionContext


@dataclass
class PushOutcome:
    applied: int = 0
    conflicts: list[ConflictInfo] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


def apply_mutations(conn: Connection, *, tenant_id: int, seq: int, mutations: list[Mutation]) -> PushOutcome:
    """Apply new mutations at sequence ``seq``: upserts parents first, then deletes."""
    outcome = PushOutcome()
    by_table: dict[str, list[Mutation]] = defaultdict(list)
    for m in mutations:
        rejection = _reject_reason(m)
        if rejection:
            outcome.rejections.append(
                Rejection(mutation_id=m.id, table=m.table, uuid=m.uuid, reason=rejection)
            )
        else:
            by_table[m.table].append(m)
    rows = {name: _last_per_uuid(by_table.get(name, [])) for name in TABLE_ORDER}
    for name in TABLE_ORDER:
        upserts = [m for m in rows[name] if m.op == "upsert"]
        if upserts:
            _apply_upserts(conn, tenant_id, seq, TABLES[name], upserts, outcome)
    for name in reversed(TABLE_ORDER):
        deletes = [m for m in rows[name] if m.op == "delete"]
        if deletes:
            _apply_deletes(conn, tenant_id, seq, TABLES[name], deletes, outcome)
    return outcome


def _last_per_uuid(mutations: list[Mutation]) -> list[Mutation]:
    """One mutation per row: the client sends one per local change, each with the row's values
    at push time; merged, they change the union of their fields since the oldest base."""
    merged: dict[str, Mutation] = {}
    for m in mutations:
        first = merged.get(m.uuid)
        if first is not None:
            m = m.model_copy(
                update={"base": min(first.base, m.base), "fields": sorted({*first.fields, *m.fields})}
            )
        merged[m.uuid] = m
    return list(merged.values())


def _reject_reason(m: Mutation) -> str:
    spec = TABLES.get(m.table)
    if spec is None:
        return f"unknown table {m.table!r}"
    if m.op == "delete":
        return ""
    unknown = set(m.fields) - set(spec.column_names)
    if unknown:
        return f"unknown fields {sorted(unknown)}"
    try:
        check_row(spec, m.values)
    except ProtocolError as exc:
        return exc.message
    return ""


def _wire_row(spec: TableSpec, raw: tuple[Any, ...]) -> dict[str, Any]:
    """A stored row (deleted, seq, *columns) as wire values by column name."""
    return {c.name: column_to_wire(c.kind, [v])[0] for c, v in zip(spec.columns, raw[2:], strict=True)}


def _apply_upserts(
    conn: Connection,
    tenant_id: int,
    seq: int,
    spec: TableSpec,
    mutations: list[Mutation],
    outcome: PushOutcome,
) -> None:
    existing = store.fetch_rows(conn, spec=spec, tenant_id=tenant_id, uuids=[m.uuid for m in mutations])
    online_changes = store.field_changes(
        conn, tenant_id=tenant_id, table=spec.name, uuids=[m.uuid for m in mutations]
    )
    authors = (
        store.field_authors(conn, tenant_id=tenant_id, table=spec.name, uuids=[m.uuid for m in mutations])
        if online_changes
        else {}
    )
    dead = _dead_references(conn, tenant_id, spec, mutations)
    rows: list[list[Any]] = []
    overwritten: list[tuple[str, str]] = []
    for m in mutations:
        current = existing.get(m.uuid)
        orphaned = any(r.on_delete == "CASCADE" and m.values[r.column] in dead[r.target] for r in spec.refs)
        if (current is not None and current[0]) or orphaned:
            outcome.conflicts.append(_conflict(spec, m, "*", None, "deleted_online"))
            continue
        values = dict(m.values)
        if current is not None:
            values = _merge(spec, m, _wire_row(spec, current), online_changes, outcome, authors)
            overwritten.extend((m.uuid, f) for f in m.fields)
        for ref in spec.refs:
            if ref.on_delete == "SET NULL" and values[ref.column] in dead[ref.target]:
                values[ref.column] = None
        rows.append([m.uuid, *(values[c] for c in spec.column_names)])
        outcome.applied += 1
    store.upsert_rows(conn, spec=spec, tenant_id=tenant_id, seq=seq, rows=rows)
    store.forget_fields(conn, tenant_id=tenant_id, table=spec.name, pairs=overwritten)


def _merge(
    spec: TableSpec,
    m: Mutation,
    online: dict[str, Any],
    online_changes: dict[tuple[str, str], int],
    outcome: PushOutcome,
    authors: dict[tuple[str, str], tuple[str, str]],
) -> dict[str, Any]:
    """Online values for fields Business Software did not change; its own values for the rest."""
    merged = dict(online)
    for name in m.fields:
        changed_online = online_changes.get((m.uuid, name), -1) > m.base
        if changed_online and online[name] != m.values[name]:
            by, at = authors.get((m.uuid, name), ("", ""))
            outcome.conflicts.append(
                _conflict(spec, m, name, online[name], "business_wins", m.values[name], by=by, at=at)
            )
        merged[name] = m.values[name]
    return merged


def _conflict(
    spec: TableSpec,
    m: Mutation,
    name: str,
    online_value: Any,
    resolution: str,
    business_value: Any = None,
    *,
    by: str = "",
    at: str = "",
) -> ConflictInfo:
    return ConflictInfo(
        table=spec.name,
        uuid=m.uuid,
        field=name,
        business_value=business_value,
        online_value=online_value,
        resolution=resolution,
        online_by=by,
        online_at=at,
    )


def _dead_references(
    conn: Connection, tenant_id: int, spec: TableSpec, mutations: list[Mutation]
) -> dict[str, set[str]]:
    """Referenced rows (by target table) that exist online only as tombstones."""
    dead: dict[str, set[str]] = defaultdict(set)
    for ref in spec.refs:
        targets = sorted({m.values[ref.column] for m in mutations if m.values[ref.column]})
        if targets:
            found = store.fetch_rows(conn, spec=TABLES[ref.target], tenant_id=tenant_id, uuids=targets)
            dead[ref.target].update(u for u, row in found.items() if row[0])
    return dead


def _apply_deletes(
    conn: Connection,
    tenant_id: int,
    seq: int,
    spec: TableSpec,
    mutations: list[Mutation],
    outcome: PushOutcome,
) -> None:
    uuids = [m.uuid for m in mutations]
    online_changes = store.field_changes(conn, tenant_id=tenant_id, table=spec.name, uuids=uuids)
    for m in mutations:
        edited = sorted(f for (u, f), s in online_changes.items() if u == m.uuid and s > m.base)
        for name in edited:
            outcome.conflicts.append(_conflict(spec, m, name, None, "deleted_locally"))
    store.tombstone(conn, spec=spec, tenant_id=tenant_id, seq=seq, uuids=uuids)
    outcome.applied += len(mutations)


def log_conflicts(conn: Connection, *, ctx: ConnectionContext, seq: int, conflicts: list[Any]) -> None:
    if not conflicts:
        return
    p = store.ph(conn)
    conn.exec_driver_sql(
        "INSERT INTO online_sync_conflicts (tenant_id, connection_id, table_name, uuid, field, "
        f"business_value, online_value, resolution, seq, created_at) VALUES ({', '.join([p] * 10)})",
        [
            (
                ctx.tenant_id,
                ctx.connection_id,
                c.table,
                c.uuid,
                c.field,
                _text(c.business_value),
                _text(c.online_value),
                c.resolution,
                seq,
                store.now_text(),
            )
            for c in conflicts
        ],
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)
