"""Who is using this browser tab: the Business Software session's reference kept in the user's storage.

The reference is a random value whose hash names the session row (``user_sessions``); logout
ends the row. It opens nothing but these pages: the local REST API takes only API users' tokens.
"""

from __future__ import annotations

from nicegui import app, ui

from services.local.views import SessionView
from ui.components.calls import fetch
from ui.shell import Shell

TOKEN_KEY = "bs_session"


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
        ui.navigate.to("/login")
        return None
    if company and session.company_id is None:
        ui.navigate.to("/companies")
        return None
    return session


async def log_out(shell: Shell, token: str) -> None:
    """End the session (in the database, so it no longer counts as logged in) and show the login."""
    auth = shell.services.auth
    await fetch(auth.logout, token)
    app.storage.user.pop(TOKEN_KEY, None)
    ui.navigate.to("/login")
