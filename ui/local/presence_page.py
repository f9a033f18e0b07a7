"""View › Users logged in (``/users/logged-in``): other users' live sessions, with "Log out" for a
Super User (the Fix link of prerequisite 9 opens it), and the once-a-minute report of every open
page that keeps its session live (``services.local.presence``)."""

from __future__ import annotations

from nicegui import ui

from services.errors import TryAgain
from services.local.presence import HEARTBEAT_SECONDS, LOGGED_IN_URL, LoggedInView, PresenceService
from services.local.views import SessionView
from ui.components.attributes import tagged
from ui.components.calls import CallFailed, call, fetch
from ui.components.routes import app_page
from ui.i18n import _, fmt_datetime
from ui.layout import frame
from ui.session import require_session
from ui.shell import MenuItem, Shell


def _menu(shell: Shell, session: SessionView) -> dict[str, list[MenuItem]]:
    return {"menu.view": [MenuItem("presence.menu", lambda: ui.navigate.to(LOGGED_IN_URL))]}


def keep_session_live(shell: Shell, session: SessionView) -> None:
    """While this page is open (NiceGUI keeps its connection), report the session once a minute;
    when the browser is gone, the client and its timer go with it and the session ends soon."""
    presence = shell.services.presence
    token = session.token

    async def report() -> None:
        try:
            still = await fetch(presence.touch, token)
        except TryAgain:
            return
        if not still:  # ended elsewhere (logged out by a Super User, or expired)
            timer.deactivate()
            ui.navigate.to("/login")

    timer = ui.timer(HEARTBEAT_SECONDS, report)


def register(shell: Shell) -> None:
    shell.frame_hooks.append(keep_session_live)
    shell.menus.append(_menu)
    presence = shell.services.presence

    @app_page(LOGGED_IN_URL)
    async def logged_in_page() -> None:
        session = await require_session(shell)
        if session is None:
            return
        with frame(shell, session, _("presence.title")):
            ui.label(_("presence.title")).classes("text-2xl")
            ui.label(_("presence.intro")).classes("text-grey-8")
            await _SessionList(presence, session).show()


class _SessionList:
    def __init__(self, presence: PresenceService, session: SessionView) -> None:
        self.presence, self.session = presence, session
        self.box = ui.column().classes("w-full")

    async def show(self) -> None:
        try:
            others = await call(self.presence.others, self.session.token)
        except CallFailed:
            return
        self.box.clear()
        with self.box:
            if not others:
                ui.label(_("presence.nobody")).mark("presence-nobody")
                return
            for other in others:
                self._row(other)

    def _row(self, other: LoggedInView) -> None:
        with tagged(ui.row().classes("items-center gap-6 w-full border-b py-2"), f"presence-{other.id}"):
            ui.label(other.user_name).classes("font-medium w-48").mark("presence-user")
            ui.label(other.company or _("presence.no_company")).classes("w-64")
            ui.label(f"{_('presence.col.since')}: {fmt_datetime(other.since)}").classes("text-grey-8")
            ui.label(f"{_('presence.col.last_seen')}: {fmt_datetime(other.last_seen)}").classes("text-grey-8")
            if self.session.user.is_super_user:

                async def end(other: LoggedInView = other) -> None:
                    try:
                        await call(self.presence.end, self.session.token, other.id)
                    except CallFailed:
                        await self.show()
                        return
                    ui.notify(_("presence.logged_out", user=other.user_name), type="positive")
                    await self.show()

                ui.button(_("presence.logout"), icon="logout", on_click=end).props("flat dense").mark(
                    "presence-logout"
                )
