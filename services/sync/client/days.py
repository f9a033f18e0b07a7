"""Rows synchronised per day (``sync_days``), counted inside the transaction that moved them."""

from __future__ import annotations

import sqlite3

UPSERT = (
    "INSERT INTO sync_days (company_id, day, rows_up, rows_down) VALUES (?, date('now'), ?, ?) "
    "ON CONFLICT (company_id, day) DO UPDATE SET rows_up = rows_up + excluded.rows_up, "
    "rows_down = rows_down + excluded.rows_down"
)


def count_day(conn: sqlite3.Connection, company_id: int, *, rows_up: int = 0, rows_down: int = 0) -> None:
    """Add rows to today's (UTC) count of the company; nothing when no row moved."""
    if rows_up or rows_down:
        conn.execute(UPSERT, (company_id, rows_up, rows_down))
