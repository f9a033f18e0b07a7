"""A deployment of the Online Desktop for tests and the load benchmark: PostgreSQL, Redis, instances
A and B (`main.py --role online`) and HAProxy with ``deploy/haproxy.cfg`` on free loopback ports.

    with running_cluster(tmp_path) as cluster:
        cluster.url           # the balancer
        cluster.instances["a"].url, cluster.kill("a"), cluster.start("a")
        cluster.online        # a session factory on the deployment's database (to look inside)

The database is fresh and dropped afterwards; the instances start at the same moment and migrate
it themselves (the advisory lock makes them take turns). Redis is a ``redis-server`` of its own
(or ``TEST_REDIS_URL`` when redis-server is missing). Everything started here ends with the
test process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.db import make_engine, make_session_factory
from tests.live_server import (
    HEALTH_PATH,
    ROOT,
    LiveServer,
    ServerFactory,
    _end_with_the_test_run,
    free_port,
    wait_until_ready,
)
from tests.online_db import fresh_postgres_database, postgres_server_url

SECRET = "scale-tests-deployment-secret-0123456789-abcdef"
HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
ADMIN_PASSWORD = "Scale-Out-Admin-2024!"


def missing() -> list[str]:
    """What this machine lacks for a cluster (empty: everything is there)."""
    lacking = []
    if shutil.which("haproxy") is None:
        lacking.append("haproxy (apt-get install haproxy)")
    if postgres_server_url() is None:
        lacking.append("PostgreSQL (TEST_POSTGRES_URL)")
    if shutil.which("redis-server") is None and not os.environ.get("TEST_REDIS_URL"):
        lacking.append("Redis (redis-server or TEST_REDIS_URL)")
    return lacking


def require_cluster() -> None:
    """Skip when HAProxy, PostgreSQL or Redis is missing; under CI=true that is a failure."""
    lacking = missing()
    if not lacking:
        return
    reason = "the cluster tests need " + ", ".join(lacking)
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@dataclass
class Cluster:
    base: Path
    database_url: str
    redis_url: str
    factory: ServerFactory
    ports: dict[str, int]
    balancer_port: int
    engine: Engine
    online: sessionmaker[Session]
    instances: dict[str, LiveServer] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.balancer_port}"

    def env(self, name: str) -> dict[str, str]:
        return {
            "ONLINE_DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": SECRET,
            "PUBLIC_URL": self.url,
            "TRUSTED_PROXIES": "127.0.0.1",
            "COMPUTER_NAME": f"instance-{name}",
        }

    def start(self, name: str, *, wait: bool = True) -> LiveServer:
        data_dir = self.base / f"instance-{name}"
        server = self.factory(
            "--role", "online", env=self.env(name), data_dir=data_dir, port=self.ports[name], wait=wait
        )
        self.instances[name] = server
        return server

    def kill(self, name: str) -> None:
        self.instances[name].kill()

    def serving(self, timeout: float = 30.0) -> set[str]:
        """Wait until the balancer sends new browsers to every running instance; their names."""
        wanted = {name for name, server in self.instances.items() if server.running}
        seen: set[str] = set()
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=5.0) as http:
            while time.monotonic() < deadline and seen != wanted:
                try:
                    http.cookies.clear()  # a new browser each time
                    answer = http.get(self.url + "/id/login")
                    if answer.status_code == 200 and "ODSERVER" in answer.cookies:
                        seen.add(answer.cookies["ODSERVER"])
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
        return seen

    def log(self) -> str:
        return "\n\n".join(f"--- {name} ---\n{server.log(80)}" for name, server in self.instances.items())


@contextmanager
def running_cluster(base: Path, *, names: tuple[str, ...] = ("a", "b")) -> Iterator[Cluster]:
    """PostgreSQL, Redis, the instances ``names`` and HAProxy; with one name, HAProxy's two
    server lines both point at that one instance (the same path, one process)."""
    server = postgres_server_url()
    assert server is not None
    base.mkdir(parents=True, exist_ok=True)
    factory = ServerFactory(base_dir=base / "servers", admin_password=ADMIN_PASSWORD)
    factory.base_dir.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen[bytes]] = []
    with fresh_postgres_database(server) as database_url:
        engine = make_engine(database_url)
        try:
            redis_url = _redis(base, processes)
            cluster = Cluster(
                base=base,
                database_url=database_url,
                redis_url=redis_url,
                factory=factory,
                ports={name: free_port() for name in names},
                balancer_port=free_port(),
                engine=engine,
                online=make_session_factory(engine),
                processes=processes,
            )
            for name in names:
                cluster.start(name, wait=False)  # at the same moment: both migrate the new database
            for name in names:
                wait_until_ready(cluster.instances[name], timeout=120)
            _balancer(cluster, processes)
            yield cluster
        finally:
            factory.stop_all()
            for process in reversed(processes):
                process.terminate()
                process.wait(10)
            engine.dispose()


def _spawn(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=_end_with_the_test_run,
        )  # fmt: skip


def _redis(base: Path, processes: list[subprocess.Popen[bytes]]) -> str:
    if shutil.which("redis-server") is None:
        return os.environ["TEST_REDIS_URL"]
    port = free_port()
    (base / "redis").mkdir(exist_ok=True)
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(base / "redis")]  # fmt: skip
    processes.append(_spawn(command, base / "redis.log"))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        done = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True)
        if done.stdout.strip() == "PONG":
            return f"redis://127.0.0.1:{port}/0"
        time.sleep(0.1)
    raise RuntimeError(f"redis-server did not answer:\n{(base / 'redis.log').read_text()}")


def _balancer(cluster: Cluster, processes: list[subprocess.Popen[bytes]]) -> None:
    ports = list(cluster.ports.values())
    env = {
        **os.environ,
        "OD_LISTEN": f"127.0.0.1:{cluster.balancer_port}",
        "OD_INSTANCE_A": f"127.0.0.1:{ports[0]}",
        "OD_INSTANCE_B": f"127.0.0.1:{ports[-1]}",
    }
    log = cluster.base / "haproxy.log"
    process = _spawn(["haproxy", "-db", "-f", str(HAPROXY_CONFIG)], log, env)
    processes.append(process)
    deadline = time.monotonic() + 30
    with httpx.Client(timeout=3.0) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"haproxy exited:\n{log.read_text()}")
            try:
                if http.get(cluster.url + HEALTH_PATH + "?deep=1").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise RuntimeError(f"haproxy did not answer:\n{log.read_text()}")
