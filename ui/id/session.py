"""Which Online ID is logged in in this browser: its session's reference kept in the user's storage.

The reference is a random value whose hash names a *browser* session in the online database;
the server ends it on logout, and no API accepts it as a bearer token, so a storage file holds
nothing usable outside these pages. Separate from the Business Software session
(``ui.session``): a person can be logged in to both, as different people.
"""

from __future__ import annotations

from urllib.parse import quote

from nicegui import app, ui

from services.online.identity import IdentityService, OnlineIdView
from ui.components.calls import fetch

ONLINE_TOKEN_KEY = "online_session"


def online_token() -> str | None:
    token = app.storage.user.get(ONLINE_TOKEN_KEY)
    return token if isinstance(token, str) and token else None


async def current_online_id(identity: IdentityService) -> OnlineIdView | None:
    """The logged-in Online ID, or None (a stale token is forgotten)."""
    token = online_token()
    if token is None:
        return None
    view = await fetch(identity.current, token)
    if view is None:
        app.storage.user.pop(ONLINE_TOKEN_KEY, None)
    return view


async def require_online_id(identity: IdentityService, here: str) -> OnlineIdView | None:
    """The logged-in Online ID, or None after sending the browser to the login (and back afterwards)."""
    view = await current_online_id(identity)
    if view is None:
        ui.navigate.to(f"/id/login?next={quote(here, safe='/')}")
    return view


async def log_out(identity: IdentityService) -> None:
    token = online_token()
    if token is not None:
        await fetch(identity.logout, token)
    app.storage.user.pop(ONLINE_TOKEN_KEY, None)
    ui.navigate.to("/id/login")
