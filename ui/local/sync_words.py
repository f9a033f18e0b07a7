"""How sync facts read in words: the time since the last exchange, a run's duration, its bytes and
how it ended (shared by the focus area and the Sync tab)."""

from __future__ import annotations

import datetime as dt

from babel import dates

from services import i18n
from services.local.focus_area import FocusStatusView
from services.sync.client.activity import run_outcome
from services.sync.client.status import RunView
from ui.i18n import _, fmt_number, lang


def last_sync_text(status: FocusStatusView, now: dt.datetime | None = None) -> str:
    if not status.is_connected:
        return "–"
    if status.last_sync_at is None:
        return _("focus.status.never")
    delta = max((now or dt.datetime.now(dt.UTC)) - status.last_sync_at, dt.timedelta(0))
    if delta < dt.timedelta(minutes=1):
        return _("focus.status.just_now")
    return i18n.format_relative(delta, lang())


def duration_text(run: RunView) -> str:
    if run.status == "running" or run.finished_at is None:
        return _("synctab.still_running") if run.status == "running" else "–"
    delta = max(run.finished_at - run.started_at, dt.timedelta(0))
    if delta < dt.timedelta(seconds=1):
        return _("synctab.under_a_second")
    return dates.format_timedelta(delta, locale=lang(), format="short", threshold=1.5)


def bytes_text(value: int) -> str:
    if value < 1024:
        return _("synctab.bytes", size=fmt_number(value))
    if value < 1024 * 1024:
        return _("synctab.kilobytes", size=fmt_number(round(value / 1024, 1)))
    return _("synctab.megabytes", size=fmt_number(round(value / 1024 / 1024, 1)))


def outcome_text(run: RunView) -> str:
    outcome = run_outcome(kind=run.kind, status=run.status, error=run.error)
    if not outcome.key:
        return ""
    return _(outcome.key, tables=", ".join(_(f"sync.table.{t}") for t in outcome.tables))
