"""Online Desktop health check: Business Software's prerequisite 10 calls it over HTTP."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

PROTOCOL_VERSION = 1


def health_router(online: Callable[[], sessionmaker[Session] | None]) -> APIRouter:
    router = APIRouter(prefix="/api/online/v1", tags=["health"])

    @router.get("/health")
    def health() -> dict[str, object]:
        """200 with the protocol version when the service and its database answer."""
        factory = online()
        if factory is None:
            return {"status": "unavailable"}
        with factory() as s:
            s.execute(text("SELECT 1"))
        return {"status": "ok", "protocol_version": PROTOCOL_VERSION}

    return router
