"""A small Online Desktop deployment on this machine (`make cluster`, `cluster-status`, `cluster-stop`).

    python deploy/cluster.py start|status|stop

Uses the PostgreSQL server that runs here (CLUSTER_DATABASE_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/online_desktop_cluster; the database is created when
missing), starts its own Redis (port CLUSTER_REDIS_PORT, default 6390; or uses REDIS_URL when
set), two `main.py --role online` instances (ports 8101, 8102) sharing one secret
(cluster/secret_key, made once), and HAProxy (deploy/haproxy.cfg) on 127.0.0.1:8100
(CLUSTER_PORT; the instances use the two ports after it). Everything it starts is recorded in
cluster/ (pid files, logs, data directories) and stopped again by `stop`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg
from psycopg import sql
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "cluster"
HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
HEALTH = "/api/online/v1/health?deep=1"
DATABASE = os.environ.get(
    "CLUSTER_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/online_desktop_cluster"
)
PORT = int(os.environ.get("CLUSTER_PORT", "8100"))
REDIS_PORT = int(os.environ.get("CLUSTER_REDIS_PORT", "6390"))
INSTANCES = {"a": PORT + 1, "b": PORT + 2}


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "status"
    if action == "start":
        return start()
    if action == "stop":
        return stop()
    if action == "status":
        return status()
    print(__doc__)
    return 2


def start() -> int:
    STATE.mkdir(mode=0o700, exist_ok=True)
    if running("haproxy"):
        print("The cluster runs already (make cluster-status; make cluster-stop).")
        return status()
    for program in ("haproxy", "redis-server"):
        if shutil.which(program) is None and not (program == "redis-server" and os.environ.get("REDIS_URL")):
            print(f"{program} is missing: apt-get install {program.split('-')[0]}", file=sys.stderr)
            return 1
    try:
        ensure_database(DATABASE)
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL does not answer at {DATABASE}: {exc}", file=sys.stderr)
        return 1
    redis_url = os.environ.get("REDIS_URL") or start_redis()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NICEGUI_")},
        "ROLE": "online",
        "ONLINE_DATABASE_URL": DATABASE,
        "REDIS_URL": redis_url,
        "SECRET_KEY_FILE": str(secret_file()),
        "PUBLIC_URL": f"http://127.0.0.1:{PORT}",
        "TRUSTED_PROXIES": "127.0.0.1",
        "MAILBOX_ENABLED": os.environ.get("MAILBOX_ENABLED", "true"),  # loopback only: /mail for trying
        "PYTHONUNBUFFERED": "1",
    }
    for name, port in INSTANCES.items():
        command = [sys.executable, "main.py", "--port", str(port), "--data-dir", str(STATE / name)]
        spawn(name, command, {**env, "COMPUTER_NAME": f"instance-{name}"})
    for name, port in INSTANCES.items():
        if not wait_healthy(f"http://127.0.0.1:{port}", name):
            print(f"instance {name} did not start; see {STATE / (name + '.log')}", file=sys.stderr)
            stop()
            return 1
    spawn("haproxy", ["haproxy", "-db", "-f", str(HAPROXY_CONFIG)], haproxy_env(PORT, INSTANCES))
    if not wait_healthy(f"http://127.0.0.1:{PORT}", "haproxy"):
        print(f"HAProxy did not start; see {STATE / 'haproxy.log'}", file=sys.stderr)
        stop()
        return 1
    print(f"Online Desktop cluster: http://127.0.0.1:{PORT}/online  (HAProxy)")
    for name, port in INSTANCES.items():
        print(f"  instance {name}: http://127.0.0.1:{port}  log cluster/{name}.log")
    print(f"  PostgreSQL: {DATABASE}\n  Redis: {redis_url}")
    print(f"Connect a Business Software: python main.py --role local --online-url http://127.0.0.1:{PORT}")
    print("Stop it with: make cluster-stop")
    return 0


def haproxy_env(port: int, instances: dict[str, int]) -> dict[str, str]:
    ports = list(instances.values())
    return {
        **os.environ,
        "OD_LISTEN": f"127.0.0.1:{port}",
        "OD_INSTANCE_A": f"127.0.0.1:{ports[0]}",
        "OD_INSTANCE_B": f"127.0.0.1:{ports[-1]}",
    }


def ensure_database(url: str) -> None:
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if found is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(parsed.database or "")))


def secret_file() -> Path:
    path = STATE / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path


def start_redis() -> str:
    (STATE / "redis").mkdir(mode=0o700, exist_ok=True)
    command = ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", str(STATE / "redis")]  # fmt: skip
    spawn("redis", command, dict(os.environ))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        done = subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True)
        if done.stdout.strip() == "PONG":
            break
        time.sleep(0.2)
    return f"redis://127.0.0.1:{REDIS_PORT}/0"


def spawn(name: str, command: list[str], env: dict[str, str]) -> None:
    fd = os.open(STATE / f"{name}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "ab") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    (STATE / f"{name}.pid").write_text(str(process.pid))


def pid_of(name: str) -> int | None:
    try:
        return int((STATE / f"{name}.pid").read_text())
    except (FileNotFoundError, ValueError):
        return None


def running(name: str) -> bool:
    pid = pid_of(name)
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_healthy(url: str, name: str, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=3.0) as http:
        while time.monotonic() < deadline:
            if not running(name):
                return False
            try:
                if http.get(url + HEALTH).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.3)
    return False


def stop() -> int:
    for name in ("haproxy", *INSTANCES, "redis"):
        pid = pid_of(name)
        if pid is None:
            continue
        if running(name):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            while running(name) and time.monotonic() < deadline:
                time.sleep(0.1)
            if running(name):
                os.kill(pid, signal.SIGKILL)
            print(f"stopped {name} (pid {pid})")
        (STATE / f"{name}.pid").unlink(missing_ok=True)
    return 0


def status() -> int:
    healthy = True
    with httpx.Client(timeout=3.0) as http:
        for name, port in {"haproxy": PORT, **INSTANCES}.items():
            state = "stopped"
            if running(name):
                try:
                    answer = http.get(f"http://127.0.0.1:{port}{HEALTH}")
                    state = f"{answer.status_code} {answer.text}"
                except httpx.TransportError as exc:
                    state = f"not answering ({exc})"
            healthy = healthy and state.startswith("200")
            print(f"{name:8} http://127.0.0.1:{port}  {state}")
    print(f"{'redis':8} {'running' if running('redis') else 'not started here'}")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
