"""A sync run's recorded error in the reader's language (sync history, status window, focus area).

The agent records a translation key with its parameters (``services.sync.client.runs.error_record``);
table names are said with their translated names. A record from an older version (a technical
detail in English, or a bare key) is never shown raw.
"""

from __future__ import annotations

import json

from services.i18n import catalogue
from ui.i18n import _

TABLE_LISTS = ("wizard2.run.mismatch", "wizard2.run.resynced")


def run_error(stored: str) -> str:
    """The words for a stored error ("" when there is none)."""
    if not stored:
        return ""
    try:
        record = json.loads(stored)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        # before errors were recorded as keys: a bare key is said, a detail text is not shown
        return _(stored) if stored in catalogue() else _("wizard2.run.unexpected")
    key = str(record.get("key") or "wizard2.run.unexpected")
    params = record.get("params")
    words = {str(k): str(v) for k, v in params.items()} if isinstance(params, dict) else {}
    if key in TABLE_LISTS:
        words["tables"] = ", ".join(_(f"sync.table.{t}") for t in words.get("tables", "").split(",") if t)
    return _(key if key in catalogue() else "wizard2.run.unexpected", **words)
