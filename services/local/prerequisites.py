"""The prerequisites of connecting a company database to the Online Desktop (PRODUCT.md §2).

One call, ``check_prerequisites``, returns the eleven conditions in order, each with a status
(ok / failed / warning), a reason and how to fix it, as translation keys with parameters, so
the settings page, the connection wizard and the local API show the same list. Conditions 1–9
and 11 are read in one database transaction in a worker thread; condition 10 asks the Online
Desktop's health endpoint over HTTP at the same time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from models.types import utcnow
from services.config import Settings
from services.local.auth import LocalAuthService
from services.local.prerequisite_checks import Condition, LocalChecks, Status
from services.sync.client.http import HttpLink

__all__ = ["Condition", "PrerequisiteReport", "PrerequisiteService", "Status"]
HEALTH_PATH = "/api/online/v1/health"


@dataclass(frozen=True, kw_only=True, slots=True)
class PrerequisiteReport:
    company_id: int
    conditions: tuple[Condition, ...]
    checked_at: dt.datetime

    @property
    def ok(self) -> bool:
        """May the company connect? Nothing failed and it is not connected already (warnings do
        not block connecting)."""
        return not self.blocking

    @property
    def failed(self) -> tuple[Condition, ...]:
        """The conditions to repair (red)."""
        return tuple(c for c in self.conditions if c.status == "failed")

    @property
    def blocking(self) -> tuple[Condition, ...]:
        """What stands in the way of connecting: the failed conditions and an existing connection."""
        return tuple(c for c in self.conditions if c.status in ("failed", "connected"))

    @property
    def connected(self) -> bool:
        return any(c.status == "connected" for c in self.conditions)

    def condition(self, number: int) -> Condition:
        return next(c for c in self.conditions if c.number == number)


class PrerequisiteService:
    """Checks the eleven conditions for one company database and one caller."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        local_auth: LocalAuthService,
        http: HttpLink,
        *,
        health_timeout: float = 5.0,
    ) -> None:
        self._checks = LocalChecks(sessions, settings, local_auth)
        self._settings = settings
        self._http = http
        self._health_timeout = health_timeout

    async def check_prerequisites(
        self,
        company_id: int,
        *,
        user_id: int | None = None,
        session_token: str | None = None,
        api_session_id: int | None = None,
    ) -> PrerequisiteReport:
        """All eleven conditions, in the order of PRODUCT.md §2.

        ``user_id``/``session_token`` identify the Business Software user asking (conditions 4 and
        9); ``api_session_id`` the local API session asking (not counted against condition 8).
        """
        local, online = await asyncio.gather(
            asyncio.to_thread(
                self._checks.run,
                company_id,
                user_id=user_id,
                session_token=session_token,
                api_session_id=api_session_id,
            ),
            self.check_online_reachable(),
        )
        conditions = sorted([*local, online], key=lambda c: c.number)
        return PrerequisiteReport(company_id=company_id, conditions=tuple(conditions), checked_at=utcnow())

    async def check_online_reachable(self) -> Condition:
        """Condition 10: ``GET /api/online/v1/health`` answers 200 with status ok."""
        url = self._settings.online_base_url + HEALTH_PATH
        import httpx

        try:
            response = await self._http.client.get(url, timeout=self._health_timeout)
        except httpx.TimeoutException:
            return _c10_failed("prereq.c10.timeout", url=url, seconds=f"{self._health_timeout:g}")
        except httpx.ConnectError:  # said in words: the library's English text is not shown
            return _c10_failed("prereq.c10.refused", url=url)
        except httpx.HTTPError:
            return _c10_failed("wizard2.prereq.c10.broken", url=url)
        if response.status_code != 200:
            return _c10_failed("prereq.c10.bad_status", url=url, status=str(response.status_code))
        try:
            answer = response.json()
            healthy = isinstance(answer, dict) and answer.get("status") == "ok"
        except ValueError:
            healthy = False
        if not healthy:
            return _c10_failed("prereq.c10.unhealthy", url=url)
        return Condition(number=10, status="ok", reason_key="prereq.c10.ok", reason_params={"url": url})


def _c10_failed(reason: str, **params: str) -> Condition:
    return Condition(
        number=10, status="failed", reason_key=reason, reason_params=params, fix_key="prereq.c10.fix"
    )
