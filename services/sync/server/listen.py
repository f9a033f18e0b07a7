"""The one ``LISTEN`` connection of an instance on PostgreSQL: other instances' writes wake ours.

Every write transaction to a tenant sends ``NOTIFY`` on the deployment's channel with the tenant
id as payload (``store.bump_seq``; PostgreSQL delivers it at commit, and not at all on rollback).
A daemon thread holds one autocommit psycopg connection that listens on that channel and hands
each tenant id to the instance's ``TenantNotifier``, which wakes that tenant's waiting pulls and
subscribed pages. When the connection breaks (database restart, network), the notifier falls
back to re-reading the database every 0.2 s, the thread reconnects with a growing pause, and on
success wakes everyone once, because notifications sent meanwhile are lost.
"""

from __future__ import annotations

import logging
import threading

import psycopg
from psycopg import sql
from sqlalchemy import make_url

from services.sync.server.notify import TenantNotifier, wake_channel

log = logging.getLogger(__name__)
RECEIVE_SECONDS = 1.0  # how often the thread looks up from waiting to see whether it should stop
RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)


class PostgresWakeups:
    def __init__(
        self, url: str, notifier: TenantNotifier, *, application_name: str = "online-desktop"
    ) -> None:
        parsed = make_url(url)
        self.channel = wake_channel(parsed.database)
        self._conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        self._application_name = f"{application_name} listen"[:63]
        self._notifier = notifier
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.received = 0

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="postgres-wakeups", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._notifier.set_cross_instance(False)

    def state(self) -> str:
        """For the deep health check: "listening" or "reconnecting" (pulls re-read meanwhile)."""
        return "listening" if self._notifier.cross_instance else "reconnecting"

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._listen()
                failures = 0
            except (psycopg.Error, OSError) as exc:
                pause = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                log.warning("wake-ups from other instances paused (%s); reconnecting in %.1f s", exc, pause)
                self._stop.wait(pause)
            finally:
                self._notifier.set_cross_instance(False)

    def _listen(self) -> None:
        with psycopg.connect(
            self._conninfo,
            autocommit=True,
            connect_timeout=5,
            application_name=self._application_name,
            keepalives=1,
            keepalives_idle=10,
            keepalives_interval=5,
            keepalives_count=3,
        ) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self._notifier.set_cross_instance(True)
            self._notifier.notify_all()  # whatever was sent before we listened is not delivered
            log.info("listening for other instances' writes on %s", self.channel)
            while not self._stop.is_set():
                for note in conn.notifies(timeout=RECEIVE_SECONDS):
                    self._deliver(note.payload)

    def _deliver(self, payload: str) -> None:
        try:
            tenant_id = int(payload)
        except ValueError:
            log.warning("ignored a wake-up with payload %r", payload[:40])
            return
        self.received += 1
        self._notifier.notify(tenant_id)
