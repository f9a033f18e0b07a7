"""Routers join the app without wrapping its lifespan once more each time."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, FastAPI

from main import include


async def test_including_routers_keeps_the_apps_lifespan_as_it_was() -> None:
    app = FastAPI()
    before = app.router.lifespan_context
    for n in range(300):  # the in-process UI test app registers its routers again for every test
        router = APIRouter()
        router.add_api_route(f"/r{n}", lambda: {"ok": True})
        include(app, router)
    assert app.router.lifespan_context is before
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/r0")).status_code == (await client.get("/r299")).status_code == 200


def test_plain_include_router_would_wrap_it() -> None:
    app = FastAPI()
    before = app.router.lifespan_context
    app.include_router(APIRouter())
    assert app.router.lifespan_context is not before  # why ``include`` exists
