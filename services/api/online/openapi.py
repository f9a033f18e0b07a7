"""The OpenAPI schema of the Online Desktop HTTP API, served at ``/api/online/v1/openapi.json``.

NiceGUI switches FastAPI's own schema off (its pages are not an API); this publishes the schema
of every path under ``/api/online/`` instead, built on first request so that routers included
later (sync, ...) are in it too.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi

from services.api.online.health import PROTOCOL_VERSION

PREFIX = "/api/online/"


def openapi_router(app: FastAPI) -> APIRouter:
    router = APIRouter()
    cache: dict[str, Any] = {}

    @router.get("/api/online/v1/openapi.json", include_in_schema=False)
    def openapi() -> dict[str, Any]:
        if "schema" not in cache:
            schema = get_openapi(
                title="Online Desktop API",
                version=f"{PROTOCOL_VERSION}",
                description="HTTP API of the Online Desktop: Online ID, health, synchronisation.",
                routes=app.routes,
            )
            schema["paths"] = {p: v for p, v in schema.get("paths", {}).items() if p.startswith(PREFIX)}
            cache["schema"] = schema
        return cache["schema"]

    return router
