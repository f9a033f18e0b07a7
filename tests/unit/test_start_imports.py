"""A server start imports no library that only some requests need (memory and start time)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.live_server import ROOT

# Loaded by the first use: sealing a token, calling the Online Desktop, sending mail over SMTP.
LATER = ("cryptography.fernet", "httpx", "aiosmtplib", "faker")
# Imported by NiceGUI's socket.io layer for features a server does not use: its client's HTTP
# libraries (lazy: loaded if ever used) and Redis (only with REDIS_URL); the PostgreSQL dialect
# (only with a PostgreSQL database); alembic (only while migrating, in the first start's child).
SERVER_UNUSED = ("requests", "aiohttp", "redis", "sqlalchemy.dialects.postgresql", "alembic", "mako")


def python(code: str, *, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATA_DIR", "ROLE")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
        env={**environment, **(env or {})},
    )
    return done.stdout.strip()


def test_the_composition_root_and_the_pages_import_no_library_needed_later() -> None:
    code = (
        "import sys, main, services.container, ui.app\n"
        f"print(','.join(name for name in {LATER!r} if name in sys.modules))"
    )
    assert python(code) == ""


def test_a_server_imports_the_web_stack_without_what_it_does_not_use(tmp_path: Path) -> None:
    code = (
        "import main\n"
        "from services.config import Settings\n"
        "from services.lean_imports import loaded\n"
        "main.import_web_stack(Settings())\n"
        "import services.container, ui.app\n"
        "from nicegui import optional_features\n"
        f"print([n for n in {LATER + SERVER_UNUSED!r} if loaded(n)], optional_features.has('redis'))\n"
        "import aiohttp, requests\n"  # a lazy one loads where it is used after all
        "print(aiohttp.ClientSession.__name__, requests.Session.__name__)"
    )
    assert python(code, env={"DATA_DIR": str(tmp_path)}).splitlines() == ["[] False", "ClientSession Session"]


def test_with_redis_configured_nicegui_keeps_its_storage_there(tmp_path: Path) -> None:
    code = (
        "import main\n"
        "from services.config import Settings\n"
        "from services.lean_imports import loaded\n"
        "main.import_web_stack(Settings(redis_url='redis://127.0.0.1:6379/0'))\n"
        "from nicegui import optional_features\n"
        "print(loaded('redis'), optional_features.has('redis'))"
    )
    assert python(code, env={"DATA_DIR": str(tmp_path)}) == "True True"


def test_the_first_start_migrates_and_fills_the_sample_company_in_a_child_process(tmp_path: Path) -> None:
    code = (
        "import sys, main\n"
        "from services.config import Settings\n"
        "settings = Settings()\n"
        "first = main.prepare_in_child(settings)\n"
        "print(first, main.prepare_in_child(settings), 'alembic' in sys.modules, 'faker' in sys.modules)"
    )
    env = {"DATA_DIR": str(tmp_path), "SAMPLE_DEMO_DATA": "true", "COMPUTER_NAME": "TEST-PC"}
    env.pop("INITIAL_ADMIN_PASSWORD", None)
    lines = python(code, env=env).splitlines()
    # the child printed the one-time password, the server process loaded neither alembic nor Faker
    assert lines[0].startswith("First start: log in as 'admin' with the one-time password ")
    assert lines[1] == "True False False False"
    with sqlite3.connect(tmp_path / "business.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM contacts").fetchone()[0] > 0
        assert db.execute("SELECT username FROM users").fetchall() == [("admin",)]
    code = (
        "import main\n"
        "from services.container import bootstrap, build_services\n"
        "from services.config import Settings\n"
        "from services.db import migrations_pending\n"
        "s = Settings()\n"
        "print(migrations_pending(local_url=s.local_db_url, online_url=s.online_db_url))"
    )
    assert python(code, env=env) == "False"


def test_when_the_child_fails_the_server_process_does_the_work_itself(tmp_path: Path) -> None:
    code = (
        "import main\n"
        "from services.config import Settings\n"
        "def fail(settings):\n"
        "    raise RuntimeError('no')\n"
        "main.start_services = fail\n"
        "settings = Settings()\n"
        "print(main.prepare_in_child(settings))\n"
        "from services.db import migrations_pending\n"
        "print(migrations_pending(local_url=settings.local_db_url, online_url=settings.online_db_url))"
    )
    assert python(code, env={"DATA_DIR": str(tmp_path)}).splitlines() == ["False", "True"]


def test_a_seal_opens_what_it_sealed_and_loads_cryptography_only_then() -> None:
    code = (
        "import sys\n"
        "from services.secrets.sealing import TokenSeal\n"
        "seal = TokenSeal('key')\n"
        "before = 'cryptography.fernet' in sys.modules\n"
        "assert TokenSeal('key').open(seal.seal('token')) == 'token'\n"
        "print(before, 'cryptography.fernet' in sys.modules)"
    )
    assert python(code, timeout=60).split() == ["False", "True"]
