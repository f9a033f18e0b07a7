"""Schema honesty: schemathesis runs against both API schemas of a real server and finds no 5xx
and no status code the schema does not document (a bounded number of examples per operation)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from models.online import OnlineId
from services.config import Settings
from services.container import build_services
from services.secrets.passwords import hash_password
from services.sync.protocol.messages import request_fields
from tests.live_server import ROOT, LiveServer
from tests.services.local.licensing_factories import create_company
from tests.sync.helpers import licence_key

PASSWORD = "Blue-Tomato-Sunrise-7"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
EXAMPLES = "12"
HOOKS = "tests.security.schemathesis_hooks"


def _credentials(server: LiveServer) -> dict[str, str]:
    """An API user's token, an Online ID login token and a sync connection token."""
    services = build_services(Settings(data_dir=server.data_dir, computer_name="TEST-PC"))
    try:
        assert services.db.online is not None
        company = create_company(services)
        secret = services.require_local().api_users.create_api_user(company.id, "schema-check").secret
        with services.db.online.begin() as s:
            s.add(OnlineId(email="anna@example.com", password_hash=hash_password(PASSWORD), status="active"))
    finally:
        services.db.dispose()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        local = client.post("/api/local/v1/login", json={"name": "schema-check", "secret": secret})
        online = client.post(
            "/api/online/v1/id/login", json={"email": "anna@example.com", "password": PASSWORD}
        )
        online_token = online.json()["token"]
        connection = client.post(
            "/api/online/v1/sync/connections",
            json={
                **request_fields(""),
                "tenant": None,
                "company": {"name": "Schema AG"},
                "licence": licence_key(),
            },
            headers={"Authorization": f"Bearer {online_token}"},
        )
    assert local.status_code == online.status_code == connection.status_code == 200, connection.text
    return {
        "ST_LOCAL_TOKEN": local.json()["token"],
        "ST_ONLINE_ID_TOKEN": online_token,
        "ST_CONNECTION_TOKEN": connection.json()["token"],
    }


def _run(
    workdir: Path, server: LiveServer, schema: str, env: dict[str, str], *filters: str
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{server.url}{schema}", "--url", server.url,
        "--checks", CHECKS, "--max-examples", EXAMPLES, "--seed", "20261201",
        "--phases", "examples,coverage,fuzzing",
        "--workers", "1", "--no-shrink", "--request-timeout", "20", "--warnings", "off", *filters,
    ]  # fmt: skip
    return subprocess.run(
        # In a folder of its own: schemathesis keeps a cache in its working directory.
        command, cwd=workdir, env={**os.environ, **env, "SCHEMATHESIS_HOOKS": HOOKS, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


SCHEMAS = ("/api/local/v1/openapi.json", "/api/online/v1/openapi.json")
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _operations(server: LiveServer, schema_path: str, *, logout: bool) -> int:
    """How many operations the published schema has (the logout ones, or all others)."""
    paths = httpx.get(server.url + schema_path, timeout=30).json()["paths"]
    return sum(
        1
        for path, item in paths.items()
        for method in item
        if method in METHODS and ("logout" in path) == logout
    )


def test_both_api_schemas_hold_under_schemathesis(live_server: LiveServer, tmp_path: Path) -> None:
    if shutil.which("schemathesis", path=os.path.dirname(sys.executable)) is None:
        pytest.fail("schemathesis is missing: install the dev extras (pip install -e '.[dev]')")
    env = _credentials(live_server)
    started = time.monotonic()
    runs = [
        _run(tmp_path, live_server, "/api/local/v1/openapi.json", env, "--exclude-path-regex", "logout"),
        _run(tmp_path, live_server, "/api/online/v1/openapi.json", env, "--exclude-path-regex", "logout"),
        # Last, as they end the sessions the other runs use.
        _run(tmp_path, live_server, "/api/local/v1/openapi.json", env, "--include-path-regex", "logout"),
        _run(tmp_path, live_server, "/api/online/v1/openapi.json", env, "--include-path-regex", "logout"),
    ]
    for run in runs:
        assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    tested = [int(m.group(1)) for run in runs for m in [re.search(r"Tested: (\d+)", run.stdout)] if m]
    expected = [_operations(live_server, path, logout=False) for path in SCHEMAS]
    expected += [_operations(live_server, path, logout=True) for path in SCHEMAS]
    assert min(expected) >= 1 and tested == expected, (tested, expected)  # every operation of both schemas
    assert "5xx" not in live_server.log(), live_server.log()
    print(f"schemathesis: {time.monotonic() - started:.1f} s")
