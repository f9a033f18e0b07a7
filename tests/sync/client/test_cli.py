"""`main.py sync connect` and `main.py sync run` against a real Online Desktop process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select, text

from models.local import SyncConnection
from models.online import OnlineId
from services.config import Settings
from services.container import build_services
from services.db import make_engine, make_session_factory
from services.secrets.passwords import hash_password
from services.secrets.sealing import TokenSeal
from services.sync.server.service import SyncServer
from tests.conftest import ADMIN_PASSWORD
from tests.live_server import ROOT, ServerFactory, server_environment
from tests.sync.local_helpers import create_company, fill, local_summary, online_summary

PASSWORD = "Lila-Laune-Baer-42"


def test_connect_and_run_synchronise_a_company_until_ctrl_c(
    start_server: ServerFactory, tmp_path: Path
) -> None:
    online = start_server("--role", "online")
    online_db = make_session_factory(make_engine(f"sqlite:///{online.data_dir / 'online.sqlite3'}"))
    with online_db.begin() as s:
        s.add(OnlineId(email="chefin@example.com", password_hash=hash_password(PASSWORD), status="active"))
    client_dir = tmp_path / "client"
    local = build_services(Settings(data_dir=client_dir, role="local", computer_name="TEST-PC"))
    assert local.db.local is not None and local.db.local_engine is not None
    company = create_company(local.db.local, "Schmidt KG")
    fill(local.db.local, company, contacts=40)
    local.require_local().licensing.ensure_demo_licence()  # as the first start installs it

    env = server_environment({"ONLINE_ID_PASSWORD": PASSWORD}, admin_password=ADMIN_PASSWORD)
    base = [sys.executable, "main.py", "--data-dir", str(client_dir), "--online-url", online.url, "sync"]
    connect = subprocess.run(
        [*base, "connect", "--company", "Schmidt KG", "--online-id", "chefin@example.com"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert connect.returncode == 0, connect.stderr
    with local.db.local() as s:
        connection = s.scalars(select(SyncConnection)).one()
    assert connection.connected_by == "chefin@example.com"

    runner = subprocess.Popen(
        [*base, "run", "--company", "Schmidt KG"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        server = SyncServer(online_db)
        ctx = server.connections.authenticate(TokenSeal(local.secret_key).open(connection.sealed_token))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with local.db.local() as s:
                status = s.execute(text("SELECT initial_status FROM sync_states")).scalar()
            if status == "done":
                break
            time.sleep(0.2)
        assert local_summary(local.db.local_engine, company) == online_summary(server, ctx.tenant_id)
    finally:
        runner.send_signal(signal.SIGINT)
        output, _ = runner.communicate(timeout=30)
    assert runner.returncode == 0
    assert b"sync stopped" in output
    local.db.dispose()
    assert os.path.exists(client_dir / "logs" / f"sync-company-{company}.log")
