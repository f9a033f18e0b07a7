"""Calling services from UI handlers: in a worker thread, with errors shown translated."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from nicegui import run, ui

from services.errors import ServiceError, TryAgain, ValidationFailed
from ui.i18n import _

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


class CallFailed(Exception):
    """Raised by ``call`` after the user has been told what went wrong."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error

    @property
    def fields(self) -> dict[str, str]:
        return self.error.fields if isinstance(self.error, ValidationFailed) else {}


def error_text(error: ServiceError) -> str:
    return _(error.key, **error.params)


async def call(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a service function off the event loop; notify and raise CallFailed on any error."""
    try:
        return await fetch(fn, *args, **kwargs)
    except Exception as exc:
        raise _failed(exc, getattr(fn, "__qualname__", fn)) from exc


async def fetch(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a service function off the event loop and return its answer, without telling the user
    anything; raises ``TryAgain`` when the call was cancelled before it answered.

    NiceGUI's ``run.io_bound`` answers None when the browser went away or the server is stopping
    while it waits, which a service's own None answer cannot be told from: the result travels in
    a one-element tuple, so None means only "cancelled".
    """
    boxed: tuple[R] | None = await run.io_bound(lambda: (fn(*args, **kwargs),))
    if boxed is None:
        name = getattr(fn, "__qualname__", fn)
        log.warning(
            "service call %s was cancelled before it answered (browser gone or server stopping)", name
        )
        raise TryAgain()
    return boxed[0]


async def ask(work: Awaitable[R]) -> R:
    """Await an async service call (HTTP to the Online Desktop); errors are told like ``call``'s."""
    try:
        return await work
    except Exception as exc:
        raise _failed(exc, work) from exc


def told(exc: Exception, what: object) -> CallFailed:
    """Tell the user about an error a ``fetch`` raised, as ``call`` does."""
    return _failed(exc, what)


def _failed(exc: Exception, what: object) -> CallFailed:
    if isinstance(exc, TryAgain):
        _quietly_notify(error_text(exc), "warning")
    elif isinstance(exc, ValidationFailed):
        ui.notify(_("error.validation"), type="warning")
    elif isinstance(exc, ServiceError):
        ui.notify(error_text(exc), type="negative")
    else:
        log.error("service call %s failed", what, exc_info=exc)
        ui.notify(_("error.unexpected"), type="negative")
    return CallFailed(exc)


def _quietly_notify(text: str, kind: str) -> None:
    """Tell the user, if there is still a browser to tell (a cancelled call's is often gone)."""
    try:
        ui.notify(text, type=kind)  # type: ignore[arg-type]
    except Exception:
        log.debug("no browser left to tell: %s", text)


def show_field_errors(inputs: dict[str, Any], failed: CallFailed | None) -> None:
    """Put each field's translated message under its input; clear the others."""
    fields = failed.fields if failed else {}
    for name, widget in inputs.items():
        key = fields.get(name)
        widget.error = _(key) if key else None
