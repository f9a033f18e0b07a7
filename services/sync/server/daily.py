"""Rows synchronised per company account and day (``sync_daily_rows``), for the sync health of
the Online Desktop's dashboard, and each exchange that moved them (``sync_rounds``), the list
behind it. Counted inside the transaction that moves the rows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from services.sync.protocol.messages import PullResponse
from services.sync.server import store


def count_rows(
    conn: Connection, tenant_id: int, *, up: int = 0, down: int = 0, connection_id: int, kind: str
) -> None:
    """Add to today's counters (UTC) and record the round (``kind``: snapshot, push or pull) of
    the connection; one upsert and one insert, both databases."""
    if not up and not down:
        return
    p = store.ph(conn)
    conn.exec_driver_sql(
        "INSERT INTO sync_daily_rows (tenant_id, day, rows_up, rows_down) "
        f"VALUES ({p}, {p}, {p}, {p}) ON CONFLICT (tenant_id, day) DO UPDATE SET "
        "rows_up = sync_daily_rows.rows_up + excluded.rows_up, "
        "rows_down = sync_daily_rows.rows_down + excluded.rows_down",
        (tenant_id, dt.datetime.now(dt.UTC).date(), up, down),
    )
    conn.exec_driver_sql(
        "INSERT INTO sync_rounds (tenant_id, connection_id, kind, rows_up, rows_down, at) "
        f"VALUES ({p}, {p}, {p}, {p}, {p}, {p})",
        (tenant_id, connection_id, kind, up, down, store.now_text()),
    )


def count_pulled(
    sessions: sessionmaker[Session], *, tenant_id: int, connection_id: int, page: PullResponse
) -> None:
    """A pull page's rows (changed and deleted), in a short write of its own (a pull only reads)."""
    rows = sum(len(c.data[0]) if c.data else 0 for c in page.changes) + sum(
        len(c.deleted) for c in page.changes
    )
    if rows:
        with sessions.begin() as s:
            count_rows(s.connection(), tenant_id, down=rows, connection_id=connection_id, kind="pull")
