"""Transactions on the Business Software database for the sync agent, on the raw SQLite driver.

The agent reads whole tables page by page and applies pulled pages in bulk; going through the
driver directly (``executemany``, tuples) keeps that fast, and ``BEGIN IMMEDIATE`` takes the
write lock up front so that a page is applied against a stable outbox (a local edit either
committed before, and is respected, or waits until after).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from services.write_gate import write_gate


@contextmanager
def write_tx(engine: Engine) -> Iterator[sqlite3.Connection]:
    """One write transaction: commits when the block ends, rolls back on any exception. This
    process's writers of the file queue first (``services.write_gate``)."""
    gate = write_gate(engine)
    held = gate.enter()
    try:
        raw = engine.raw_connection()
        try:
            conn: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            raw.close()
    finally:
        gate.leave(held)


@contextmanager
def read_tx(engine: Engine) -> Iterator[sqlite3.Connection]:
    """One read transaction: every query in the block sees the same committed state."""
    raw = engine.raw_connection()
    try:
        conn: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("ROLLBACK")
    finally:
        raw.close()


def placeholders(count: int) -> str:
    return ", ".join("?" * count)


def chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
