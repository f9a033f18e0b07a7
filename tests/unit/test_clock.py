"""The application's clock can run ahead of the system clock (``CLOCK_OFFSET_SECONDS``)."""

from __future__ import annotations

import datetime as dt

from models.types import utcnow
from services.clock import SYSTEM_CLOCK, shifted_clock
from services.online.workspace.access import WorkspaceHeader
from ui.online.frame import staleness_text


def test_no_offset_is_the_system_clock_itself() -> None:
    assert shifted_clock(0) is SYSTEM_CLOCK


def test_an_offset_moves_the_clock_ahead_by_that_much() -> None:
    before = utcnow()
    moved = shifted_clock(7200)()
    assert dt.timedelta(hours=2) <= moved - before < dt.timedelta(hours=2, seconds=5)


def test_the_staleness_notice_counts_by_the_clock_that_read_the_header() -> None:
    now = dt.datetime(2030, 1, 15, 12, 0, tzinfo=dt.UTC)
    header = WorkspaceHeader(
        tenant_uuid="t",
        company="Müller GmbH",
        role="standard",
        last_sync_at=now - dt.timedelta(hours=3),
        stale=True,
        checked_at=now,
    )
    assert staleness_text(header) == "Last synchronised 3 hours ago"
