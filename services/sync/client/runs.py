"""Writing the sync history: one row per run (initial, continuous session, verify, re-sync)."""

from __future__ import annotations

import json

from sqlalchemy import Engine

from services.errors import ServiceError
from services.i18n import catalogue
from services.sync.client.db import write_tx
from services.sync.client.snapshot import now_text

STOPPED = "wizard2.run.stopped"  # the process stopped the run (shutdown, another sync computer)
UNEXPECTED = "wizard2.run.unexpected"
MISMATCH = "wizard2.run.mismatch"  # verify: the tables whose counts or checksums differ
RESYNCED = "wizard2.run.resynced"  # re-sync: the tables uploaded again (a note, not an error)


def error_record(error: BaseException | str, **params: str) -> str:
    """What the history keeps of a failure: a translation key with its parameters (JSON), so every
    screen says it in the reader's language; the technical detail goes to the trace log only."""
    if isinstance(error, ServiceError):
        key, values = error.key, {k: str(v) for k, v in error.params.items()}
    else:
        text = error if isinstance(error, str) else (str(error.args[0]) if error.args else "")
        key, values = (text, {}) if text in catalogue() else (UNEXPECTED, {})
    return json.dumps({"key": key, "params": {**values, **params}}, ensure_ascii=False, sort_keys=True)


def start_run(engine: Engine, *, company_id: int, kind: str) -> int:
    with write_tx(engine) as conn:
        cur = conn.execute(
            "INSERT INTO sync_runs (company_id, kind, status, started_at, rows_up, rows_down, bytes_up, "
            "bytes_down, "
            "error) VALUES (?, ?, 'running', ?, 0, 0, 0, 0, '')",
            (company_id, kind, now_text()),
        )
        return int(cur.lastrowid or 0)


def finish_run(engine: Engine, *, run_id: int, status: str, error: str = "") -> None:
    with write_tx(engine) as conn:
        conn.execute(
            "UPDATE sync_runs SET status = ?, error = ?, finished_at = ? WHERE id = ?",
            (status, error[:2000], now_text(), run_id),
        )


def add_to_run(
    engine: Engine, run_id: int, *, rows_up: int = 0, rows_down: int = 0, bytes_up: int = 0
) -> None:
    with write_tx(engine) as conn:
        conn.execute(
            "UPDATE sync_runs SET rows_up = rows_up + ?, rows_down = rows_down + ?, bytes_up = bytes_up + ? "
            "WHERE id = ?",
            (rows_up, rows_down, bytes_up, run_id),
        )


def interrupt_stale_runs(engine: Engine, company_id: int) -> None:
    """Runs still 'running' from a process that died are marked interrupted."""
    with write_tx(engine) as conn:
        conn.execute(
            "UPDATE sync_runs SET status = 'interrupted', finished_at = COALESCE(finished_at, ?) "
            "WHERE company_id = ? AND status = 'running'",
            (now_text(), company_id),
        )


def set_connection_status(engine: Engine, *, company_id: int, status: str) -> None:
    """connected | needs_reconnect | disconnected (models.local.SyncConnection.status).

    The agent's view never overrides a disconnect the user made meanwhile."""
    with write_tx(engine) as conn:
        conn.execute(
            "UPDATE sync_connections SET status = ?, updated_at = ? WHERE company_id = ? "
            "AND status != 'disconnected'",
            (status, now_text(), company_id),
        )


def record_error(engine: Engine, *, company_id: int, error: str) -> None:
    with write_tx(engine) as conn:
        conn.execute("UPDATE sync_states SET last_error = ? WHERE company_id = ?", (error[:2000], company_id))
