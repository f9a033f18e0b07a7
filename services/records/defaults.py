"""Starting values both sides give a new record, so a form opened in the Business Software and one
opened in the Online Desktop propose the same thing."""

from __future__ import annotations

import datetime as dt


def next_full_hour(now: dt.datetime | None = None) -> dt.datetime:
    """The start proposed for a new activity: the next full hour in this computer's time zone."""
    now = (now or dt.datetime.now()).astimezone()
    return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
