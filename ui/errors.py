"""A friendly page instead of a stack trace, whatever went wrong."""

from __future__ import annotations

import logging

from nicegui import app, ui

from services.errors import NotFound, ServiceError
from ui.i18n import _

log = logging.getLogger(__name__)


def register() -> None:
    @app.on_page_exception
    def error_page(exception: Exception) -> None:
        if isinstance(exception, NotFound):
            title, text = _("error.not_found_title"), _(exception.key, **exception.params)
        elif isinstance(exception, ServiceError):
            title, text = _("error.title"), _(exception.key, **exception.params)
        else:
            log.error("page failed", exc_info=exception)
            title, text = _("error.title"), _("error.unexpected")
        with ui.column().classes("w-full items-center mt-24 gap-4"):
            ui.icon("sentiment_dissatisfied", size="4rem").classes("text-grey-6")
            ui.label(title).classes("text-2xl")
            ui.label(text).classes("text-grey-8")
            ui.link(_("error.back_home"), "/")
