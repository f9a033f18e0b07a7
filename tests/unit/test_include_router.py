"""Routers join the app without wrapping its lifespan once more each time."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from main import include


def test_including_routers_keeps_the_apps_lifespan_as_it_was() -> None:
    app = FastAPI()
    before = app.router.lifespan_context
    for n in range(300):  # the in-process UI test app registers its routers again for every test
        router = APIRouter()
        router.add_api_route(f"/r{n}", lambda: {})
        include(app, router)
    assert app.router.lifespan_context is before
    assert {f"/r{n}" for n in range(300)} <= {getattr(r, "path", "") for r in app.routes}


def test_plain_include_router_would_wrap_it() -> None:
    app = FastAPI()
    before = app.router.lifespan_context
    app.include_router(APIRouter())
    assert app.router.lifespan_context is not before  # why ``include`` exists
