"""The sync trace log: one file per company database, downloadable from the sync history.

It records what the agent did and why (pages, retries, conflicts, verify results) in plain text,
rotated so that it never grows without bound.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 2


def trace_path(data_dir: Path, company_id: int) -> Path:
    return data_dir / "logs" / f"sync-company-{company_id}.log"


def trace_logger(data_dir: Path, company_id: int) -> logging.Logger:
    """The company's trace logger (also propagates to the process log at WARNING and above)."""
    logger = logging.getLogger(f"sync.trace.{company_id}")
    path = trace_path(data_dir, company_id)
    if not any(getattr(h, "baseFilename", None) == str(path.resolve()) for h in logger.handlers):
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        handler.setLevel(logging.INFO)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return logger
