"""Failed-login throttling per account and per client address, stored in the online database.

Counters are keyed by the typed e-mail address (not the Online ID), so an address without an
account is throttled exactly like one with an account and a lockout reveals nothing. After
``free_failures`` failures every further failure locks the key for a delay that doubles each
time, up to ``max_delay``; a quiet ``forget_after`` period starts the count afresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.online import LoginThrottle
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import ServiceError


@dataclass(frozen=True, kw_only=True, slots=True)
class ThrottlePolicy:
    free_failures: int
    base_delay: dt.timedelta = dt.timedelta(seconds=30)
    max_delay: dt.timedelta = dt.timedelta(minutes=15)
    forget_after: dt.timedelta = dt.timedelta(hours=1)

    def delay_after(self, failures: int) -> dt.timedelta | None:
        """30 s at the limit, then 60 s, 120 s, ... capped; None below the limit."""
        over = failures - self.free_failures
        if over < 0:
            return None
        return min(self.base_delay * (2 ** min(over, 20)), self.max_delay)


# An office behind one address may have many people: the address limit is more generous.
ACCOUNT_POLICY = ThrottlePolicy(free_failures=5)
ADDRESS_POLICY = ThrottlePolicy(free_failures=20)


class TooManyAttempts(ServiceError):
    """Logins for this address or from this client are paused; ``seconds`` says for how long."""

    key = "id.login.throttled"
    status_code = 429


class LoginThrottler:
    """Reads and updates throttle counters inside the caller's transaction."""

    def __init__(
        self,
        *,
        clock: Clock = SYSTEM_CLOCK,
        account: ThrottlePolicy = ACCOUNT_POLICY,
        address: ThrottlePolicy = ADDRESS_POLICY,
    ) -> None:
        self._clock = clock
        self._policies = {"account": account, "address": address}

    @staticmethod
    def keys(email: str, client_address: str) -> dict[str, str]:
        keys = {"account": f"account:{email}"}
        if client_address:
            keys["address"] = f"address:{client_address}"
        return keys

    def ensure_allowed(self, s: Session, keys: dict[str, str]) -> None:
        """Raise TooManyAttempts while any of the keys is locked."""
        now = self._clock()
        rows = s.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys.values())))
        until = max((r.locked_until for r in rows if r.locked_until and r.locked_until > now), default=None)
        if until is not None:
            seconds = max(1, int((until - now).total_seconds() + 0.999))
            raise TooManyAttempts(seconds=seconds, minutes=max(1, (seconds + 59) // 60))

    def record_failure(self, s: Session, keys: dict[str, str]) -> None:
        now = self._clock()
        for kind, key in keys.items():
            policy = self._policies[kind]
            row = self._row_for_update(s, key)
            if now - row.last_failure_at > policy.forget_after:
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            delay = policy.delay_after(row.failures)
            row.locked_until = now + delay if delay else None

    def record_success(self, s: Session, keys: dict[str, str]) -> None:
        """A correct password clears the account's counter (not the address's: one known account
        must not reset the count of an address that guesses others)."""
        s.execute(delete(LoginThrottle).where(LoginThrottle.key == keys["account"]))

    def _row_for_update(self, s: Session, key: str) -> LoginThrottle:
        """Create the row if missing without racing a concurrent first failure, then lock it."""
        values = {"key": key, "failures": 0, "last_failure_at": self._clock()}
        dialect = s.get_bind().dialect.name
        if dialect == "postgresql":
            s.execute(postgresql.insert(LoginThrottle).values(values).on_conflict_do_nothing())
        else:
            s.execute(sqlite.insert(LoginThrottle).values(values).on_conflict_do_nothing())
        row = s.scalar(
            select(LoginThrottle)
            .where(LoginThrottle.key == key)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        assert row is not None
        return row
