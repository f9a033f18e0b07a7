"""Old Online ID bookkeeping goes; what can still matter stays."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from models.online import LoginThrottle, OnlineId, OnlineSession, TokenUse
from services.clock import FrozenClock
from services.container import Services
from services.online.housekeeping import OnlineHousekeeping, Removed


def count(services: Services, model: type) -> int:
    assert services.db.online is not None
    with services.db.online() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_ended_sessions_old_nonces_and_forgotten_throttles_are_removed_in_time(
    online: Services, clock: FrozenClock
) -> None:
    assert online.db.online is not None
    now = clock()
    with online.db.online.begin() as s:
        person = OnlineId(email="anna@example.com", status="active")
        s.add(person)
        s.flush()
        for i, (expires, ended) in enumerate(
            [(now + dt.timedelta(hours=1), None), (now - dt.timedelta(days=8), None),
             (now + dt.timedelta(days=1), now - dt.timedelta(days=9)), (now - dt.timedelta(days=2), None)]
        ):  # fmt: skip
            s.add(
                OnlineSession(token_hash=f"h{i}", online_id_id=person.id, expires_at=expires, ended_at=ended)
            )
        s.add(TokenUse(nonce="new", purpose="verify", subject="1", created_at=now - dt.timedelta(days=2)))
        s.add(TokenUse(nonce="old", purpose="invitation", subject="2", created_at=now - dt.timedelta(days=9)))
        s.add(LoginThrottle(key="account:a", failures=3, last_failure_at=now - dt.timedelta(hours=2)))
        s.add(
            LoginThrottle(
                key="account:b", failures=9, last_failure_at=now - dt.timedelta(hours=2),
                locked_until=now + dt.timedelta(minutes=5),
            )
        )  # fmt: skip
        s.add(LoginThrottle(key="address:c", failures=1, last_failure_at=now - dt.timedelta(minutes=5)))

    assert online.online.housekeeping.run_once() == Removed(sessions=2, nonces=1, throttles=1)
    assert (count(online, OnlineSession), count(online, TokenUse), count(online, LoginThrottle)) == (2, 1, 2)
    assert online.online.housekeeping.run_once() == Removed(sessions=0, nonces=0, throttles=0)
    clock.advance(days=7)  # a week on: what ended more than a week ago goes, the rest stays
    assert online.online.housekeeping.run_once() == Removed(sessions=1, nonces=1, throttles=2)
    assert count(online, OnlineSession) == 1 and isinstance(online.online.housekeeping, OnlineHousekeeping)
