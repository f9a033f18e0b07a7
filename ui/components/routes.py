"""Pages of the application: NiceGUI's ``ui.page`` with a build time that holds on a busy server.

NiceGUI answers a page whose function has not finished within ``response_timeout`` (3 s by
default) with an English error page and drops what was built. A page here awaits its services
before it shows anything, and on a loaded server that can take longer than 3 s; a person would
rather wait a little than get an error page, so every page of the application allows
``PAGE_BUILD_SECONDS``.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

PAGE_BUILD_SECONDS = 30.0


def app_page(path: str, **kwargs: Any) -> ui.page:
    """``ui.page(path, ...)`` with ``response_timeout`` set to ``PAGE_BUILD_SECONDS`` unless given."""
    kwargs.setdefault("response_timeout", PAGE_BUILD_SECONDS)
    return ui.page(path, **kwargs)
