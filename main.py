"""Composition root and command line of Business Software + Online Desktop.

settings -> databases -> services -> HTTP API and pages -> ui.run. Sub-commands reuse the same
settings and services (``python main.py --help``).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.config import Settings
from services.local.licensing.commands import add_licence_commands, run_licence_command

if TYPE_CHECKING:
    from services.container import LocalServices, OnlineServices, Services

log = logging.getLogger("main")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Business Software + Online Desktop. Every option also reads from the environment "
        "(HOST, PORT, DATA_DIR, ROLE, ONLINE_URL, LOCAL_DATABASE_URL, ONLINE_DATABASE_URL, ...).",
    )
    parser.add_argument("--host", help="address to listen on (HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (PORT, default 8080)")
    parser.add_argument(
        "--data-dir", help="folder for databases, secret key and logs (DATA_DIR, default ./data)"
    )
    parser.add_argument(
        "--role", choices=("all", "local", "online"), help="which side to run (ROLE, default all)"
    )
    parser.add_argument("--online-url", help="Online Desktop base URL for --role local (ONLINE_URL)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="start the web application (the default)")
    demo = sub.add_parser("demo-data", help="create or refill a company database with demo data")
    demo.add_argument("--company", required=True, help="company name (created when missing)")
    demo.add_argument("--size", choices=("S", "M", "L"), default="S")
    demo.add_argument("--locale", choices=("de", "en"), default="de")
    add_licence_commands(sub)
    add_sync_commands(sub)
    return parser.parse_args(argv)


def add_sync_commands(sub: Any) -> None:
    sync = sub.add_parser("sync", help="connect a company database to the Online Desktop and synchronise it")
    actions = sync.add_subparsers(dest="sync_command", required=True)
    connect = actions.add_parser(
        "connect",
        help="create the company account online (password from ONLINE_ID_PASSWORD or a prompt)",
    )
    connect.add_argument("--company", required=True, help="company database name")
    connect.add_argument("--online-id", required=True, help="Online ID e-mail address")
    connect.add_argument(
        "--reconnect", action="store_true", help="new credentials for an existing connection"
    )
    run = actions.add_parser(
        "run", help="initial sync (resumed if interrupted), then continuous until Ctrl+C"
    )
    run.add_argument("--company", required=True, help="company database name")


def settings_from(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {
        key: value
        for key, value in {
            "host": args.host,
            "port": args.port,
            "data_dir": args.data_dir,
            "role": args.role,
            "online_url": args.online_url,
        }.items()
        if value is not None
    }
    return Settings(**overrides)


def build_app(settings: Settings) -> Services:
    """Create services and register the HTTP API and pages on NiceGUI's FastAPI app."""
    # The web stack and the services are imported here, not at the top: they take seconds to
    # import, and the sub-commands (demo-data) need neither.
    from nicegui import app, background_tasks

    from services.api.limits import BodyLimitMiddleware
    from services.memory import trim_forever
    from ui.app import register_pages

    app.add_middleware(BodyLimitMiddleware)
    services = start_services(settings)
    if services.online is not None:
        _serve_online(app, services.online, services)
    if services.local is not None:
        _serve_local(app, services.local)
    register_pages(services)
    app.on_shutdown(services.stop)
    # Memory freed after a busy spell (a sync burst, a large page) goes back to the system.
    # Also the idle connections of a quiet SQLite database close, and their page caches with them.
    release = services.db.close_idle_connections
    app.on_startup(lambda: background_tasks.create(trim_forever(release=release), name="memory-trim"))
    return services


def start_services(settings: Settings) -> Services:
    """The services of this process, after the start-up work (see ``bootstrap``); on the first
    start this prints the administrator's one-time password."""
    from services.clock import shifted_clock
    from services.container import bootstrap, build_services

    services = build_services(settings, clock=shifted_clock(settings.clock_offset_seconds))
    password = bootstrap(services, initial_admin_password=os.environ.get("INITIAL_ADMIN_PASSWORD"))
    if password:
        print(f"First start: log in as 'admin' with the one-time password {password}", flush=True)
    return services


def prepare_in_child(settings: Settings) -> bool:
    """Pending migrations and the first start's work (administrator, sample company with its demo
    data) in a short-lived child process, where the platform forks: alembic, Faker and the heap
    they leave behind (about 16 MB) stay out of the server, which then finds the databases at
    head and the sample company there. Should the child fail, the server does all of it itself
    (and reports what went wrong) as it does where there is no fork. True when the child did it.

    Forks only while this process runs no other thread and before it opened a database.
    """
    import threading

    if not (hasattr(os, "fork") and sys.platform.startswith("linux")) or threading.active_count() > 1:
        return False
    import services.container  # noqa: F401 - imported once, before the fork: the child inherits it
    from services.db import migrations_pending

    try:
        pending = migrations_pending(
            local_url=settings.local_db_url if settings.runs_local else None,
            online_url=settings.online_db_url if settings.runs_online else None,
        )
    except Exception:  # a database that does not answer: the server's own start reports it
        return False
    if not pending:
        return False
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            start_services(settings).db.dispose()
            code = 0
        except BaseException:  # the server repeats the work and reports the error
            pass
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        log.warning("Preparing the databases in a child process failed; this process does it itself")
        return False
    return True


def include(app: Any, router: Any) -> None:
    """The routes of ``router`` on ``app``, without wrapping the app's lifespan.

    Our routers have no lifespan of their own, yet FastAPI wraps the app's lifespan once per
    ``include_router``; the in-process app of the UI tests is registered anew for every test, so
    those wrappers would nest until Python's recursion limit.
    """
    lifespan = app.router.lifespan_context
    app.include_router(router)
    app.router.lifespan_context = lifespan


def _serve_online(app: Any, online: OnlineServices, services: Services) -> None:
    """The Online Desktop API and its background work: warm-up, housekeeping, reminders, mail."""
    from nicegui import background_tasks, run

    from services.api.online.health import health_router
    from services.api.online.identity import identity_router
    from services.api.online.openapi import openapi_router
    from services.api.online.sync import sync_router

    wakeups = online.wakeups
    # Sync requests hop to worker threads (asyncio.to_thread) for every database step; Python's
    # default pool has cpu_count + 4 threads, too few when writers queue for SQLite's lock while
    # readers (pulls) could go on: give the server's loop a pool sized for many companies.
    app.on_startup(_sync_threads)
    include(
        app,
        health_router(
            lambda: services.db.online,
            redis_url=services.settings.redis_url,
            wakeups=wakeups.state if wakeups is not None else None,
        ),
    )
    include(app, identity_router(online.identity))
    include(app, openapi_router(app))
    include(app, sync_router(lambda: online.sync_server, lambda: online.identity.authenticate_api_token))
    tasks: dict[str, Callable[[], Any]] = {
        "sync-warm-up": lambda: run.io_bound(online.sync_server.warm_up),
        "housekeeping": online.housekeeping.run_forever,
        "invitation-reminders": online.users.reminders.remind_forever,
    }
    if online.mail_delivery is not None:
        tasks["mail-delivery"] = online.mail_delivery.run
    for name, start in tasks.items():
        app.on_startup(lambda start=start, name=name: background_tasks.create(start(), name=name))
    if wakeups is not None:
        app.on_startup(wakeups.start)
        app.on_shutdown(wakeups.stop)


SYNC_THREADS = 32


def _sync_threads() -> None:
    import asyncio

    from services.thread_pool import IdleEndingThreadPool

    # Threads a burst started end when idle: their memory goes back once the burst is over.
    pool = IdleEndingThreadPool(SYNC_THREADS, thread_name_prefix="sync")
    asyncio.get_running_loop().set_default_executor(pool)


def _serve_local(app: Any, local: LocalServices) -> None:
    """The local REST API and the sync manager of this computer."""
    from nicegui import background_tasks

    from services.api.local.router import local_api_router

    include(
        app,
        local_api_router(
            api_users=local.api_users,
            records=local.api_records,
            integrations=local.integrations,
            prerequisites=local.prerequisites,
        ),
    )
    manager = local.sync_manager
    app.on_startup(lambda: background_tasks.create(manager.run(), name="sync-manager"))
    app.on_shutdown(manager.shutdown)  # before services.stop closes the HTTP client


def serve(settings: Settings, *, own_process: bool = True) -> None:
    """Run the web application. ``own_process``: this process is the server's alone (False under
    the NiceGUI ``user`` test fixture, which runs it inside the test process)."""
    from services.config import require_shared_secret, secret_key_for

    require_shared_secret(settings)
    storage_secret = secret_key_for(settings)
    storage = prepare_storage(settings)
    if own_process:
        prepare_in_child(settings)
    import_web_stack(settings)
    from nicegui import ui
    from nicegui.storage import Storage

    Storage.path = storage  # also when NiceGUI was imported before (the `user` test fixture)
    Storage.redis_url = settings.redis_url or None
    from services.memory import limit_arenas

    limit_arenas()  # the sync worker threads share a few malloc arenas instead of one each
    build_app(settings)
    warn_about_mailbox(settings)
    print(f"Business Software + Online Desktop on {settings.base_url}/", flush=True)
    proxies = settings.trusted_proxy_addresses
    ui.run(
        host=settings.host,
        port=settings.port,
        title="Business Software",
        storage_secret=storage_secret,
        reload=False,
        show=False,
        show_welcome_message=False,
        # A long-polling pull keeps its request open for many seconds; on shutdown, requests
        # still open after this are cancelled, so the process stops promptly.
        timeout_graceful_shutdown=2,
        favicon="🗂️",
        tailwind=False,  # the pages' Tailwind CSS is compiled ahead of time (ui/styles)
        session_middleware_kwargs={"same_site": "lax", "https_only": settings.base_url.startswith("https")},
        # X-Forwarded-For counts only from the configured proxies (uvicorn would trust loopback).
        proxy_headers=bool(proxies),
        forwarded_allow_ips=",".join(proxies) or "",
    )


# Imported by NiceGUI's socket.io layer for its client (requests, aiohttp) and its Redis managers
# (redis): about 16 MB a server without Redis never uses. The client libraries load when first
# used; redis is left out unless NiceGUI keeps its storage there (REDIS_URL).
CLIENT_ONLY = ("requests", "aiohttp")
REDIS_ONLY = ("redis",)


def import_web_stack(settings: Settings) -> None:
    """Import NiceGUI (and FastAPI, uvicorn, socket.io) without what this server does not use."""
    from services.lean_imports import lean_imports

    with lean_imports(lazy=CLIENT_ONLY, absent=() if settings.redis_url else REDIS_ONLY):
        import nicegui  # noqa: F401


def prepare_storage(settings: Settings) -> Path:
    """Owner-only files from here on; NiceGUI's storage in the data directory (read at its import)."""
    from services.files import OWNER_ONLY_UMASK, private_directory, storage_directory

    os.umask(OWNER_ONLY_UMASK)
    private_directory(settings.data_dir)
    storage = storage_directory(settings.data_dir)
    os.environ["NICEGUI_STORAGE_PATH"] = str(storage)
    # Several instances share the browsers' storage through Redis (NiceGUI reads this variable).
    if settings.redis_url:
        os.environ["NICEGUI_REDIS_URL"] = settings.redis_url
    else:
        os.environ.pop("NICEGUI_REDIS_URL", None)
    return storage


def warn_about_mailbox(settings: Settings) -> None:
    if settings.mailbox_on and not settings.host_is_loopback:
        log.warning(
            "The built-in mailbox /mail is on while listening on %s: anyone who reaches this address "
            "can read every e-mail, password-reset links included. Use MAIL_BACKEND=smtp for a server.",
            settings.host,
        )


def main(argv: Sequence[str]) -> int:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = parse_args(argv)
    settings = settings_from(args)
    os.umask(0o077)  # every command writes owner-only files (databases, trace logs, storage)
    if args.command in (None, "serve"):
        from services.config import ConfigurationError

        try:
            serve(settings)
        except ConfigurationError as exc:
            print(f"Cannot start: {exc}", file=sys.stderr, flush=True)
            return 2
        return 0
    if args.command == "demo-data":
        from services.local.demo_data import run_demo_data_command

        return run_demo_data_command(settings, company=args.company, size=args.size, locale=args.locale)
    if args.command == "licence":
        return run_licence_command(settings, args=args, licensing=lambda: _licensing(settings))
    if args.command == "sync":
        return sync_command(settings, args)
    return 2


def _licensing(settings: Settings) -> Any:
    from services.container import build_services
    from services.local.licensing.commands import LicensingHandle

    services = build_services(settings.model_copy(update={"role": "local"}))
    return LicensingHandle(service=services.require_local().licensing, close=services.db.dispose)


def sync_command(settings: Settings, args: argparse.Namespace) -> int:
    from services.container import build_services
    from services.secrets.sealing import TokenSeal
    from services.sync.client.commands import CommandContext, connect_command, run_command

    services = build_services(settings.model_copy(update={"role": "local"}))
    local = services.require_local()
    assert services.db.local is not None and services.db.local_engine is not None
    ctx = CommandContext(
        settings=services.settings,
        sessions=services.db.local,
        engine=services.db.local_engine,
        http=services.http,
        manager=local.sync_manager,
        status=local.sync_status,
        seal=TokenSeal(services.secret_key),
        close=services.db.dispose,
    )
    if args.sync_command == "connect":
        password = os.environ.get("ONLINE_ID_PASSWORD") or getpass.getpass(f"Password of {args.online_id}: ")
        return connect_command(
            ctx,
            company=args.company,
            online_id=args.online_id,
            password=password,
            online_url=args.online_url,
            reconnect=args.reconnect,
        )
    return run_command(ctx, company=args.company)


if __name__ in {"__main__", "__mp_main__"}:
    if os.environ.get("NICEGUI_USER_SIMULATION"):
        # Under the NiceGUI `user` test fixture: settings come from the environment only.
        serve(Settings(), own_process=False)
    else:
        sys.exit(main(sys.argv[1:]))
