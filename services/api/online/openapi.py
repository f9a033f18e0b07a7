"""The OpenAPI schema of the Online Desktop HTTP API, served at ``/api/online/v1/openapi.json``.

NiceGUI switches FastAPI's own schema off (its pages are not an API); this publishes the schema
of every path under ``/api/online/`` instead, built on first request so that routers included
later (sync, ...) are in it too. The sync routes read their bodies by hand (gzip, size limits)
and refer to their request schemas by name; those are added to the components here.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from services.api.online.health import PROTOCOL_VERSION
from services.api.online.sync import REQUEST_MODELS

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
            add_models(schema, REQUEST_MODELS)
            cache["schema"] = schema
        return cache["schema"]

    return router


def add_models(schema: dict[str, Any], models: list[type[BaseModel]]) -> None:
    """Put the models' JSON schemas (and those they use) into ``components.schemas``."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in models:
        found = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in found.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components[model.__name__] = found
