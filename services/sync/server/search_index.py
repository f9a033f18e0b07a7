"""PostgreSQL: the contacts search's trigram index (GIN) during a snapshot upload.

Every new contact adds some forty trigrams to the index. GIN first collects new entries in a
pending list and merges them into the index when the list outgrows ``gin_pending_list_limit``
(4 MB): during an initial sync that merge ran every page or two and halved the contacts rate.
Snapshot pages therefore raise the limit for their own transaction (``defer_merge``), and when the
snapshot is finished the list is merged once, in a background thread (``merge_later``), which
also spares the first search and the next small write from doing it; the same thread then
gathers the snapshot's tables' statistics. Searches stay correct meanwhile: they read the pending
list too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, text

log = logging.getLogger(__name__)
SNAPSHOT_PENDING_LIMIT_KB = 1024 * 1024  # 1 GB: a whole snapshot's entries wait for one merge
GIN_INDEXES = (
    "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_am a ON a.oid = c.relam "
    "JOIN pg_index i ON i.indexrelid = c.oid JOIN pg_class t ON t.oid = i.indrelid "
    "WHERE a.amname = 'gin' AND t.relname LIKE 'online\\_%' AND pg_table_is_visible(t.oid)"
)


def defer_merge(dbapi_cursor: Any) -> None:
    """Inside a snapshot page's transaction: leave new index entries in the pending list."""
    dbapi_cursor.execute(f"SET LOCAL gin_pending_list_limit = {SNAPSHOT_PENDING_LIMIT_KB}")


def merge_pending(engine: Engine) -> None:
    """Merge the pending lists of the synced tables' GIN indexes into the indexes."""
    with engine.connect() as conn:
        for (index,) in conn.execute(text(GIN_INDEXES)).all():
            conn.execute(text("SELECT gin_clean_pending_list(CAST(:i AS regclass))"), {"i": index})
            conn.commit()


def merge_later(engine: Engine, tables: Sequence[str] = ()) -> None:
    """``merge_pending`` in a background thread (after a snapshot finished), then fresh planner
    statistics and visibility map of the snapshot's ``tables`` (``VACUUM (ANALYZE)``, what
    autovacuum would do a while later): the lists read their counts and pages from the indexes
    alone, and plan their searches by the statistics, from the first page on. Failures are logged."""

    def run() -> None:
        try:
            merge_pending(engine)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for table in tables:
                    conn.exec_driver_sql(f'VACUUM (ANALYZE) "{table}"')
        except Exception:
            log.exception("merging the search index or analysing the tables failed (autovacuum will)")

    threading.Thread(target=run, name="gin-merge", daemon=True).start()
