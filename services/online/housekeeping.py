"""Removal of Online ID bookkeeping that can no longer matter, so the tables do not grow forever.

- sessions that ended or expired more than a week ago (kept that long for looking back);
- link nonces older than the longest link lifetime plus a day (their links are refused as
  expired by the signature alone, before the nonce is looked up);
- login throttle counters that the throttle itself would already forget (quiet for an hour and
  not locked);
- sync rounds older than a month (the dashboard's sync health lists the last 14 days).

Runs hourly in the Online Desktop process (main.py); every round is one short transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import delete, or_, text
from sqlalchemy.orm import Session, sessionmaker

from models.online import LoginThrottle, OnlineSession, SyncRound, TokenUse
from services.clock import SYSTEM_CLOCK, Clock
from services.online.throttle import ACCOUNT_POLICY, ADDRESS_POLICY
from services.online.tokens import LIFETIMES

log = logging.getLogger(__name__)
SESSIONS_KEPT = dt.timedelta(days=7)
NONCES_KEPT = max(LIFETIMES.values()) + dt.timedelta(days=1)
THROTTLES_KEPT = max(ACCOUNT_POLICY.forget_after, ADDRESS_POLICY.forget_after)
ROUNDS_KEPT = dt.timedelta(days=31)
EVERY_SECONDS = 3600.0


@dataclass(frozen=True, kw_only=True, slots=True)
class Removed:
    sessions: int
    nonces: int
    throttles: int
    rounds: int = 0


class OnlineHousekeeping:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock = SYSTEM_CLOCK) -> None:
        self._sessions, self._clock = sessions, clock

    def run_once(self) -> Removed:
        now = self._clock()
        with self._sessions.begin() as s:
            ended = s.execute(
                delete(OnlineSession).where(
                    or_(
                        OnlineSession.expires_at < now - SESSIONS_KEPT,
                        OnlineSession.ended_at < now - SESSIONS_KEPT,
                    )
                )
            )
            nonces = s.execute(delete(TokenUse).where(TokenUse.created_at < now - NONCES_KEPT))
            throttles = s.execute(
                delete(LoginThrottle).where(
                    LoginThrottle.last_failure_at < now - THROTTLES_KEPT,
                    or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
                )
            )
            rounds = s.execute(delete(SyncRound).where(SyncRound.at < now - ROUNDS_KEPT))
            if s.get_bind().dialect.name == "sqlite":
                # Fresh statistics for the query planner (PostgreSQL's autovacuum does this): the
                # list searches through the trigram indexes need them to start from the matches.
                s.execute(text("PRAGMA analysis_limit=1000"))
                s.execute(text("ANALYZE"))
            return Removed(
                sessions=_count(ended),
                nonces=_count(nonces),
                throttles=_count(throttles),
                rounds=_count(rounds),
            )

    async def run_forever(self, every: float = EVERY_SECONDS) -> None:
        while True:
            try:
                removed = await asyncio.to_thread(self.run_once)
                if removed.sessions or removed.nonces or removed.throttles or removed.rounds:
                    log.info("housekeeping removed %s", removed)
            except Exception:  # logged; the next round tries again
                log.exception("housekeeping failed")
            await asyncio.sleep(every)


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
