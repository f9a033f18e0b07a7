"""The deep health check a load balancer calls: database and Redis reachability, 503 when one is down."""

from __future__ import annotations

import os

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from services.api.online.health import health_router
from services.db import make_engine, make_session_factory

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def client(sessions: sessionmaker[Session], **options: object) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(health_router(lambda: sessions, **options))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_the_deep_check_names_database_redis_and_wake_ups(
    online_sessions: sessionmaker[Session],
) -> None:
    async with client(online_sessions, wakeups=lambda: "listening") as http:
        shallow = await http.get("/api/online/v1/health")
        deep = await http.get("/api/online/v1/health", params={"deep": "1"})

    assert shallow.status_code == 200 and shallow.json() == {"status": "ok", "protocol_version": 1}
    assert deep.status_code == 200
    assert deep.json() == {
        "status": "ok",
        "protocol_version": 1,
        "database": "ok",
        "redis": "not configured",
        "wakeups": "listening",
    }


async def test_redis_out_of_reach_answers_503(online_sessions: sessionmaker[Session]) -> None:
    async with client(online_sessions, redis_url=DEAD_REDIS) as http:
        deep = await http.get("/api/online/v1/health?deep=1")

    assert deep.status_code == 503
    assert deep.json()["redis"] == "unreachable" and deep.json()["database"] == "ok"


async def test_a_reachable_redis_is_reported(online_sessions: sessionmaker[Session]) -> None:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    async with client(online_sessions, redis_url=url) as http:
        deep = await http.get("/api/online/v1/health?deep=1")

    assert deep.status_code == 200 and deep.json()["redis"] == "ok"


async def test_a_database_out_of_reach_answers_503() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    try:
        async with client(make_session_factory(engine)) as http:
            deep = await http.get("/api/online/v1/health?deep=1")
    finally:
        engine.dispose()

    assert deep.status_code == 503
    assert deep.json()["status"] == "unavailable" and deep.json()["database"] == "unreachable"
