"""Who is using this browser tab: the Business Software session's reference kept in the user's storage.

The reference is a random value whose hash names the session row (``user_sessions``); logout
ends the row. It opens nothing but these pages: the local REST API takes only API users' tokens.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from nicegui import app, ui

from services.local.views import SessionView
from ui.components.calls import fetch
from ui.shell import Shell

TOKEN_KEY = "bs_session"
LAST_COMPANY_KEY = "bs_company"  # the company last open in this browser: a new login returns to it


async def current_session(shell: Shell) -> SessionView | None:
    auth = shell.services.auth
    token = app.storage.user.get(TOKEN_KEY)
    if not token:
        return None
    return await fetch(auth.current, token)


async def require_session(shell: Shell, *, company: bool = False) -> SessionView | None:
    """The session, or None after redirecting to login (or to the company list)."""
    session = await current_session(shell)
    if session is None:
        ui.navigate.to(login_url(_here()))
        return None
    if company and session.company_id is None:
        here = _here()
        ui.navigate.to(f"/companies?next={quote(here, safe='/')}" if here else "/companies")
        return None
    if session.company_id is not None and app.storage.user.get(LAST_COMPANY_KEY) != session.company_id:
        app.storage.user[LAST_COMPANY_KEY] = session.company_id
    return session


def login_url(target: str) -> str:
    """The login page, asked to return to ``target`` in the company last open in this browser
    (the login page validates both: services/redirects.py, and that the company exists)."""
    params: dict[str, str] = {}
    if target:
        params["next"] = target
        last = app.storage.user.get(LAST_COMPANY_KEY)
        if isinstance(last, int):
            params["company"] = str(last)
    return "/login" + (f"?{urlencode(params)}" if params else "")


def _here() -> str:
    """The path and query of the page being opened ("" for the login and company pages)."""
    try:
        url = ui.context.client.request.url
    except (AttributeError, RuntimeError):
        return ""
    if url.path in ("/login", "/companies"):
        return ""
    return url.path + (f"?{url.query}" if url.query else "")


async def log_out(shell: Shell, token: str) -> None:
    """End the session (in the database, so it no longer counts as logged in) and show the login."""
    auth = shell.services.auth
    await fetch(auth.logout, token)
    app.storage.user.pop(TOKEN_KEY, None)
    ui.navigate.to("/login")
