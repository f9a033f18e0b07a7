"""Engines, session factories and schema migrations for the two databases.

Run ``python -m services.db revision local|online "message"`` to autogenerate a migration.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, Engine, create_engine, event, exc, make_url
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker
from sqlalchemy.pool import NullPool

from services.files import private_sqlite_files
from services.write_gate import write_gate

if TYPE_CHECKING:  # alembic is imported only when a database needs migrating (it costs ~10 MB)
    from alembic.config import Config

Which = Literal["local", "online"]
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
IMMEDIATE = "sqlite_begin_immediate"
RESTORE_PRAGMAS = "sqlite_restore_pragmas"  # connection info: the settings to return to
# PostgreSQL advisory lock keys that serialise migrations of the same database across processes.
MIGRATION_LOCKS: dict[str, int] = {"local": 0x0D5C_0001, "online": 0x0D5C_0002}
PING_AFTER_IDLE = 1.0  # seconds in the pool after which a PostgreSQL connection is checked before use
RETURNED_AT = "returned_at"  # connection info: when it last went back to the pool (monotonic)
# SQLite: after this many seconds without a checkout or a checkin, the pool's idle connections
# are closed (``Databases.close_idle_connections``), and with them their page caches.
SQLITE_QUIET_SECONDS = 30.0


@dataclass(frozen=True, kw_only=True, slots=True)
class PoolSettings:
    """How a PostgreSQL engine holds its connections (``Settings.db_*``; SQLite ignores them).

    Each instance keeps up to ``size`` connections open and opens up to ``overflow`` more at peaks;
    a request waits ``timeout`` seconds for one, then fails. A connection that sat in the pool
    for more than ``PING_AFTER_IDLE`` seconds is checked before use, as ``pool_pre_ping`` does (a
    database restart costs no request), but one handed back a moment ago is not: under load a
    ping per checkout would add a round trip to every short transaction. Should such a connection
    have died meanwhile, its error invalidates the whole pool, so only that one request fails
    (sync clients retry it). Statements that run longer than ``statement_timeout`` seconds are
    cancelled (0: never). ``application_name`` names the instance in ``pg_stat_activity``.
    """

    size: int = 10
    overflow: int = 20
    timeout: float = 30.0
    statement_timeout: float = 60.0
    application_name: str = "online-desktop"


def make_engine(url: str, *, pool: PoolSettings | None = None, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection,
    PostgreSQL the pool of ``pool`` (see PoolSettings).

    A SQLite file is created owner-only (0600) before SQLite opens it, so its journal files are
    owner-only too.
    """
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            private_sqlite_files(Path(database))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "checkin", _restore_pragmas)
        _last_use[engine] = time.monotonic()
        event.listen(engine, "checkout", lambda *_: _used(engine))
        event.listen(engine, "checkin", lambda *_: _used(engine))
        # SQLAlchemy emits BEGIN itself, so that writers can use "BEGIN IMMEDIATE" (see WriterSession).
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    pool = pool or PoolSettings()
    options = f"-c statement_timeout={round(pool.statement_timeout * 1000)}"
    connect_args = {"application_name": pool.application_name[:63], "connect_timeout": 10, "options": options}
    sizing: dict[str, Any] = {}
    if "poolclass" not in kwargs:
        sizing = {"pool_size": pool.size, "max_overflow": pool.overflow, "pool_timeout": pool.timeout}
    engine = create_engine(
        url,
        connect_args={**connect_args, **kwargs.pop("connect_args", {})},
        **sizing,
        **kwargs,
    )
    event.listen(engine, "checkin", _returned)
    event.listen(engine, "checkout", _ping_if_idle(engine))
    return engine


_last_use: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()


def _used(engine: Engine) -> None:
    _last_use[engine] = time.monotonic()


def close_idle_connections(engine: Engine, *, quiet_seconds: float = SQLITE_QUIET_SECONDS) -> bool:
    """SQLite: close the connections idle in the pool when none was checked out or returned for
    ``quiet_seconds`` and none is out now; each holds a page cache of up to 2 MB and its prepared
    statements, which a quiet server does not need. The next use opens a connection again (well
    under a millisecond). True when it closed them; other databases: False."""
    last = _last_use.get(engine)
    if last is None or time.monotonic() - last < quiet_seconds:
        return False
    pool = engine.pool
    checked_out = getattr(pool, "checkedout", None)
    if checked_out is None or checked_out() or not getattr(pool, "checkedin", lambda: 0)():
        return False
    pool.dispose()  # closes only the connections in the pool; one checked out meanwhile stays open
    return True


def _returned(dbapi_conn: Any, record: Any) -> None:
    if record is not None:
        record.info[RETURNED_AT] = time.monotonic()


def _ping_if_idle(engine: Engine) -> Any:
    """A pool ``checkout`` listener: ping a connection that was idle (a new one needs none);
    a dead one is replaced (``DisconnectionError`` makes the pool take another)."""

    def ping(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(RETURNED_AT)
        if returned is None or time.monotonic() - returned < PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_conn, None):
                raise exc.DisconnectionError() from error
            raise

    return ping


def enlarge_cache(connection: Connection, kib: int, *, checkpoint_pages: int = 0) -> None:
    """SQLite: a page cache of ``kib`` KiB on this connection until it goes back to the pool (for
    a bulk write whose indexes outgrow the default 2 MB cache); then it shrinks again. With
    ``checkpoint_pages``, this connection also lets the write-ahead log grow to that many pages
    before it copies them into the database (fewer checkpoints, each page copied once)."""
    record = connection.connection
    dbapi: Any = record.dbapi_connection
    if RESTORE_PRAGMAS not in record.info:
        record.info[RESTORE_PRAGMAS] = {
            name: dbapi.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("cache_size", "wal_autocheckpoint")
        }
    dbapi.execute(f"PRAGMA cache_size = -{int(kib)}")
    if checkpoint_pages:
        dbapi.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint_pages)}")


def _restore_pragmas(dbapi_conn: Any, record: Any) -> None:
    values = record.info.pop(RESTORE_PRAGMAS, None) if record is not None else None
    if values and dbapi_conn is not None:
        for name, value in values.items():
            dbapi_conn.execute(f"PRAGMA {name} = {int(value)}")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # autocommit at the driver level; SQLAlchemy's "begin" starts txns
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class WriterSession(Session):
    """A session whose explicit transactions (``sessions.begin()``) take SQLite's write lock first.

    A deferred transaction that reads and then writes fails at once with "database is locked"
    when another connection committed in between (WAL snapshot conflict); BEGIN IMMEDIATE makes it
    wait for the busy timeout instead. Plain reads (``with sessions() as s``) stay deferred and
    never block writers. Other databases ignore the option. Writers of this process queue for the
    file first (``services.write_gate``) and leave when the transaction ended.
    """

    def begin(self, nested: bool = False) -> SessionTransaction:
        transaction = super().begin(nested)
        if not nested:
            bind = self.get_bind()
            gate = write_gate(bind) if isinstance(bind, Engine) else None
            if gate is not None:
                self.info[_GATE] = (transaction, gate, gate.enter())
            try:
                self.connection(execution_options={IMMEDIATE: True})
            except BaseException:
                _leave_gate(self, transaction)
                raise
        return transaction


_GATE = "write_gate"


@event.listens_for(WriterSession, "after_transaction_end")
def _leave_gate(session: Session, transaction: SessionTransaction) -> None:
    held = session.info.get(_GATE)
    if held is not None and held[0] is transaction:
        del session.info[_GATE]
        held[1].leave(held[2])


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions live for one user action; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False, class_=WriterSession)


@contextlib.contextmanager
def single_read(sessions: sessionmaker[Session]) -> Iterator[Connection]:
    """A connection for one short read that needs no transaction around it (one statement). On
    PostgreSQL it runs in autocommit: no BEGIN before it and no ROLLBACK when it goes back to the
    pool, two of the three round trips such a read costs in a session."""
    engine = sessions.kw["bind"]
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


def alembic_config(which: Which, url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS / which))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["which"] = which
    return cfg


def migrate(which: Which, engine: Engine, *, secret_key: str | None = None) -> None:
    """Bring a database to the newest schema (called at start-up and by tests).

    ``secret_key`` is the installation's: migrations that seal stored secrets need it.
    """
    if engine.url.get_backend_name() == "sqlite" and engine.url.database:
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    if at_head(which, engine):
        return
    from alembic import command

    cfg = alembic_config(which, engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        if engine.url.get_backend_name() == "postgresql":
            # Instances starting at the same moment migrate one after the other: the lock is held
            # until this transaction (every migration of the run) commits; a later one finds the
            # schema at head and does nothing. Migrations may run longer than a request may.
            conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCKS[which],))
        cfg.attributes["connection"] = conn
        cfg.attributes["secret_key"] = secret_key
        command.upgrade(cfg, "head")


_REVISION = re.compile(r"^revision(?::[^=]*)? = ['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision(?::[^=]*)? = (.*)$", re.MULTILINE)


def head_revision(which: Which) -> str | None:
    """The one head of the migration scripts, read from their text (without importing alembic or
    the scripts); None when it cannot be told that way (several heads, an unusual script)."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in (MIGRATIONS / which / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(source), _DOWN_REVISION.findall(source)
        if len(revision) != 1 or len(down) != 1:
            return None
        revisions.add(revision[0])
        downs.update(re.findall(r"['\"]([^'\"]+)['\"]", down[0]))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 and downs <= revisions else None


def at_head(which: Which, engine: Engine) -> bool:
    """Whether the database already stands at the newest migration (then ``migrate`` needs no
    alembic: a second start skips importing it)."""
    head = head_revision(which)
    if head is None:
        return False
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, "alembic_version"):
            return False
        versions = [row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    return versions == [head]


def migrations_pending(*, local_url: str | None, online_url: str | None) -> bool:
    """Whether one of these databases (None: not used) still has migrations to run; on a first
    start all of them have. Costs no alembic import when none has."""
    for which, url in (("local", local_url), ("online", online_url)):
        if url is None:
            continue
        engine = make_engine(url, poolclass=NullPool)
        try:
            if not at_head(which, engine):  # type: ignore[arg-type]
                return True
        finally:
            engine.dispose()
    return False


@dataclass(frozen=True, kw_only=True, slots=True)
class Databases:
    """Both databases of a process (either may be absent in a split deployment)."""

    local_engine: Engine | None
    online_engine: Engine | None
    local: sessionmaker[Session] | None
    online: sessionmaker[Session] | None

    def dispose(self) -> None:
        for engine in (self.local_engine, self.online_engine):
            if engine is not None:
                engine.dispose()

    def close_idle_connections(self) -> None:
        """Close the idle SQLite connections of a quiet database (see ``close_idle_connections``)."""
        for engine in (self.local_engine, self.online_engine):
            if engine is not None:
                close_idle_connections(engine)


def open_databases(
    *,
    local_url: str | None,
    online_url: str | None,
    migrate_now: bool = True,
    secret_key: str | None = None,
    pool: PoolSettings | None = None,
) -> Databases:
    """Create engines (and run migrations) for the databases this process uses."""
    engines: dict[str, Engine | None] = {}
    for which, url in (("local", local_url), ("online", online_url)):
        if url is None:
            engines[which] = None
            continue
        engine = make_engine(url, pool=pool)
        if migrate_now:
            migrate(which, engine, secret_key=secret_key)  # type: ignore[arg-type]
        engines[which] = engine
    local, online = engines["local"], engines["online"]
    return Databases(
        local_engine=local,
        online_engine=online,
        local=make_session_factory(local) if local else None,
        online=make_session_factory(online) if online else None,
    )


def _revision(which: Which, message: str) -> None:
    """Autogenerate a migration against a scratch SQLite database at the current head."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.sqlite3"
        engine = make_engine(url, poolclass=NullPool)
        migrate(which, engine)
        from alembic import command

        cfg = alembic_config(which, url)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            script = command.revision(cfg, message=message, autogenerate=True)
    paths = [sc.path for sc in (script if isinstance(script, list) else [script]) if sc is not None]
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "-q", *paths], check=False)
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", *paths], check=False)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "revision" or sys.argv[2] not in ("local", "online"):
        sys.exit('usage: python -m services.db revision local|online "message"')
    _revision(sys.argv[2], sys.argv[3])  # type: ignore[arg-type]
