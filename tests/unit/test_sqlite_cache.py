"""A bulk write's larger SQLite page cache and checkpoint threshold last until its connection goes
back to the pool."""

from __future__ import annotations

from pathlib import Path

from services.db import enlarge_cache, make_engine


def test_the_cache_shrinks_again_when_the_connection_is_returned(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with engine.connect() as conn:
        default = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        checkpoint = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()
        enlarge_cache(conn, 65536, checkpoint_pages=8192)
        enlarge_cache(conn, 32768)  # a second page of the same transaction: the first size is kept
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -32768
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 8192
    with engine.connect() as conn:  # the pool hands out the same connection again
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == default
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == checkpoint
    engine.dispose()
