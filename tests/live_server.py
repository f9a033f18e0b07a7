"""A real ``python main.py`` process on a free loopback port, for browser, sync and identity tests.

Tests use it through the fixtures in ``tests/conftest.py``:

- ``live_server``: one server (role ``all``) on a fresh data directory, admin password
  ``tests.conftest.ADMIN_PASSWORD``; ``.url``, ``.data_dir``, ``.process``, ``.log()``.
- ``start_server``: a factory for tests that need several servers, a role, extra environment
  or a restart on the same port and data directory::

      online = start_server("--role", "online", env={"ONLINE_DATABASE_URL": url, "SECRET_KEY": key})
      local = start_server("--role", "local", "--online-url", online.url)
      local.kill()                                   # fault injection: no clean shutdown
      local = start_server("--role", "local", "--online-url", online.url,
                           data_dir=local.data_dir, port=local.port)

Every server started by the factory is stopped when the test ends, and its log is attached to
the report of a failing test. The child gets a copy of the test's environment without
``PYTEST_CURRENT_TEST`` (NiceGUI would ignore the port), without NiceGUI's internal variables and
without the application's own settings variables (so a developer's shell cannot point a test
server at a real database); pass ``env`` to set them on purpose.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from services.config import Settings

ROOT = Path(__file__).resolve().parent.parent
HEALTH_PATH = "/api/online/v1/health"
# Variables that would make the child behave unlike a fresh server started on the command line.
_INTERNAL_VARIABLES = ("PYTEST_CURRENT_TEST", "NICEGUI_USER_SIMULATION", "NICEGUI_SCREEN_TEST_PORT")


def free_port() -> int:
    """A port nobody listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _end_with_the_test_run() -> None:
    """In the child, before exec: get SIGTERM when the test process dies (Linux), so no server outlives it.

    The signal follows the *thread* that started the child: start servers from the test's own
    thread, not from a short-lived worker thread.
    """
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def server_environment(extra: Mapping[str, str] | None = None, *, admin_password: str) -> dict[str, str]:
    """The child's environment: the test's, minus what would change how main.py starts."""
    settings_variables = {name.upper() for name in Settings.model_fields}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _INTERNAL_VARIABLES and not key.startswith("NICEGUI_") and key not in settings_variables
    }
    env.update(
        {
            "INITIAL_ADMIN_PASSWORD": admin_password,
            "COMPUTER_NAME": "TEST-PC",
            "PYTHONUNBUFFERED": "1",
            "SAMPLE_DEMO_DATA": "false",  # the sample company starts empty unless a test asks
        }
    )
    env.update(extra or {})
    return env


@dataclass
class LiveServer:
    """One running ``main.py`` process."""

    url: str
    port: int
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self, tail: int = 200) -> str:
        """The last lines the server printed (stdout and stderr)."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return ""
        return "\n".join(lines[-tail:])

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Shut down cleanly (SIGTERM), or kill when it does not stop in time."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """Kill at once, like a crash or a pulled plug (no shutdown handlers run)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)


class ServerStartFailed(RuntimeError):
    """The server exited or did not answer in time; the message carries its log."""


@dataclass
class ServerFactory:
    """Starts servers for one test and stops all of them afterwards."""

    base_dir: Path
    admin_password: str
    # Migrated empty databases copied into each new data directory (None: the server migrates).
    templates: Path | None = None
    servers: list[LiveServer] = field(default_factory=list)

    def __call__(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        data_dir: Path | None = None,
        port: int | None = None,
        ready_path: str | None = None,
        timeout: float = 60.0,
        wait: bool = True,
    ) -> LiveServer:
        """Start ``main.py --port P --data-dir D *args`` and wait until ``ready_path`` answers.

        ``ready_path`` defaults to the Online Desktop health check, or ``/login`` for
        ``--role local`` (which serves no online API). With ``wait=False`` it returns at once
        (several servers starting at the same moment); call ``wait_until_ready`` then.
        """
        index = len(self.servers)
        if data_dir is None:
            data_dir = self.base_dir / f"server-{index}"
            self._prepare(data_dir)
        port = port or free_port()
        log_path = self.base_dir / f"server-{index}.log"
        command = [sys.executable, "main.py", "--port", str(port), "--data-dir", str(data_dir), *args]
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=server_environment(env, admin_password=self.admin_password),
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_end_with_the_test_run,
            )
        server = LiveServer(
            url=f"http://127.0.0.1:{port}", port=port, data_dir=data_dir, process=process, log_path=log_path
        )
        self.servers.append(server)
        if ready_path is None:
            ready_path = "/login" if _role(args) == "local" else HEALTH_PATH
        if wait:
            wait_until_ready(server, ready_path, timeout)
        return server

    def _prepare(self, data_dir: Path) -> None:
        if self.templates is None:
            return
        data_dir.mkdir(parents=True, exist_ok=True)
        for template in self.templates.glob("*.sqlite3"):
            shutil.copyfile(template, data_dir / template.name)

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()


def _role(args: tuple[str, ...]) -> str:
    for i, arg in enumerate(args):
        if arg == "--role" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--role="):
            return arg.split("=", 1)[1]
    return "all"


def wait_until_ready(server: LiveServer, path: str = HEALTH_PATH, timeout: float = 60.0) -> None:
    """Poll until the server answers 200 on ``path``; fail with its log when it dies or hangs."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise ServerStartFailed(
                    f"server exited with code {server.process.returncode} before answering:\n{server.log()}"
                )
            try:
                if client.get(server.url + path).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    server.kill()
    raise ServerStartFailed(f"server did not answer {path} within {timeout:.0f} s:\n{server.log()}")
