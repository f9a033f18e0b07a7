"""A friendly page instead of a stack trace, whatever went wrong.

Two ways a visitor reaches an error: a page raises (a missing record, a refused action, a bug),
or the address matches no page at all. Both get the same translated page; the HTTP API answers
with its one JSON error body (``services.api.errors``).
"""

from __future__ import annotations

import logging

from fastapi import Request, Response
from fastapi.exception_handlers import http_exception_handler
from nicegui import Client, app, ui
from nicegui.page import page
from starlette.exceptions import HTTPException

from services.api.errors import error_json
from services.errors import NotFound, ServiceError
from ui.components.calls import CallFailed
from ui.i18n import _

log = logging.getLogger(__name__)


class _ExpectedErrors(logging.Filter):
    """Keep refusals a service raises on purpose (a missing record ...) out of NiceGUI's error log.

    NiceGUI logs every page exception with its traceback at ERROR; a ``ServiceError`` is a
    normal answer, shown to the user and logged at INFO by ``error_page``.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, CallFailed):
            error = error.error
        return not isinstance(error, ServiceError)


_EXPECTED_ERRORS = _ExpectedErrors()


def register() -> None:
    logging.getLogger("nicegui").addFilter(_EXPECTED_ERRORS)  # adding the same filter twice is a no-op

    @app.on_page_exception
    def error_page(exception: Exception) -> None:
        if isinstance(exception, CallFailed):  # the user was told already; the page says it too
            exception = exception.error
        if isinstance(exception, ServiceError):
            log.info("page refused: %s %s", exception.key, exception.params)
        if isinstance(exception, NotFound):
            title, text = _("error.not_found_title"), _(exception.key, **exception.params)
        elif isinstance(exception, ServiceError):
            title, text = _("error.title"), _(exception.key, **exception.params)
        else:
            log.error("page failed", exc_info=exception)
            title, text = _("error.title"), _("error.unexpected")
        _error_content(title, text)

    # Replaces NiceGUI's own 404 page, which shows the raw exception text.
    app.add_exception_handler(404, _unknown_address)


async def _unknown_address(request: Request, exception: Exception) -> Response:
    """The friendly page for an address that matches no page; JSON for API endpoints."""
    endpoint = request.scope.get("endpoint")
    is_api_endpoint = (
        endpoint is not None and endpoint is not app and not request.scope.get("nicegui_page_path")
    )
    if isinstance(exception, HTTPException) and (is_api_endpoint or request.url.path.startswith("/api/")):
        if exception.status_code == 404:
            return error_json(request, 404, "api.not_found")
        return await http_exception_handler(request, exception)
    with Client(page(""), request=request) as client:
        _error_content(_("error.not_found_title"), _("harness.page_not_found"))
    return client.build_response(request, 404)


def _error_content(title: str, text: str) -> None:
    with ui.column().classes("w-full items-center mt-24 gap-4"):
        ui.icon("sentiment_dissatisfied", size="4rem").classes("text-grey-6")
        ui.label(title).classes("text-2xl")
        ui.label(text).classes("text-grey-8")
        ui.link(_("error.back_home"), "/")
