"""Online Desktop health check: Business Software's prerequisite 10 and load balancers call it.

``GET /api/online/v1/health`` answers 200 when the service and its database answer.
``?deep=1`` (for a load balancer's health check) also names each dependency: the database, Redis
(when ``REDIS_URL`` is set) and the cross-instance wake-ups; it answers 503 when the database or
Redis cannot be reached, so the balancer sends no browser and no sync client to this instance.
The wake-ups are reported but never fail the check: without them, waiting pulls still find
changes by re-reading the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

PROTOCOL_VERSION = 1
CHECK_SECONDS = 2.0  # a dependency that takes longer counts as unreachable

log = logging.getLogger(__name__)
State = Literal["ok", "unreachable", "not configured"]


class HealthReport(BaseModel):
    status: Literal["ok", "unavailable"]
    protocol_version: int | None = None
    database: State | None = None
    redis: State | None = None
    wakeups: str | None = None


def health_router(
    online: Callable[[], sessionmaker[Session] | None],
    *,
    redis_url: str | None = None,
    wakeups: Callable[[], str] | None = None,
) -> APIRouter:
    """``wakeups`` reports how waiting pulls learn of other instances' writes (see notify.py)."""
    router = APIRouter(prefix="/api/online/v1", tags=["health"])
    redis_check = RedisCheck(redis_url) if redis_url else None

    @router.get(
        "/health",
        response_model=HealthReport,
        response_model_exclude_none=True,
        responses={503: {"model": HealthReport, "description": "a dependency cannot be reached (deep)"}},
    )
    def health(
        deep: bool = Query(False, description="also check the database, Redis and the wake-ups"),
    ) -> Any:
        """200 with the protocol version when the service and its database answer."""
        factory = online()
        if factory is None:
            return HealthReport(status="unavailable")
        if not deep:
            with factory() as s:
                s.execute(text("SELECT 1"))
            return HealthReport(status="ok", protocol_version=PROTOCOL_VERSION)
        database: State = "ok" if _database_answers(factory) else "unreachable"
        redis: State = "not configured" if redis_check is None else redis_check.state()
        healthy = database == "ok" and redis != "unreachable"
        report = HealthReport(
            status="ok" if healthy else "unavailable",
            protocol_version=PROTOCOL_VERSION,
            database=database,
            redis=redis,
            wakeups=wakeups() if wakeups is not None else "in-process",
        )
        return JSONResponse(report.model_dump(exclude_none=True), status_code=200 if healthy else 503)

    return router


def _database_answers(factory: sessionmaker[Session]) -> bool:
    try:
        with factory() as s:
            if s.get_bind().dialect.name == "postgresql":
                s.execute(text(f"SET LOCAL statement_timeout = {int(CHECK_SECONDS * 1000)}"))
            s.execute(text("SELECT 1"))
        return True
    except Exception as exc:
        log.warning("health check: the database does not answer: %s", exc)
        return False


class RedisCheck:
    """One small client for the checks (NiceGUI's storage keeps its own connections)."""

    def __init__(self, url: str) -> None:
        import redis

        self._client = redis.Redis.from_url(
            url, socket_connect_timeout=CHECK_SECONDS, socket_timeout=CHECK_SECONDS
        )

    def state(self) -> State:
        try:
            return "ok" if self._client.ping() else "unreachable"
        except Exception as exc:
            log.warning("health check: Redis does not answer: %s", exc)
            return "unreachable"
