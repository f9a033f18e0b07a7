"""The Business Software's application shell: its services and what each area adds to every page.

``ui/app.py`` builds one ``Shell`` per process and passes it to every area's ``register()``. An
area adds its menu entries, desktop tiles, elements every page carries (the initial-sync window)
and the handlers of the Online Desktop settings page's actions here, so no module keeps a mutable
registry of its own and a second registration (tests) starts from a fresh shell.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from services.container import LocalServices
from services.local.views import SessionView


@dataclass(frozen=True)
class MenuItem:
    """One entry of a menu; an entry without action is shown disabled with its reason as tooltip."""

    label_key: str
    action: Callable[[], object] | None = None
    disabled_reason_key: str | None = None
    children: tuple[MenuItem, ...] = ()


@dataclass(frozen=True)
class Tile:
    """A desktop tile that opens ``target``; ``detail`` is a line of state under its label."""

    label_key: str
    icon: str
    target: str
    testid: str
    detail: str = ""
    detail_tone: str = "normal"  # normal | attention


ActionHandler = Callable[["Shell", SessionView], Awaitable[None] | None]


@dataclass(frozen=True)
class ConnectionAction:
    """A button of the Connection tab. ``when_connected``: True/False restricts it, None always shows it."""

    label_key: str
    icon: str
    when_connected: bool | None
    handler: ActionHandler | None = None
    disabled_reason_key: str = "licensing.od.action_later"
    needs_prerequisites: bool = False


MenuBuilder = Callable[["Shell", SessionView], dict[str, list[MenuItem]]]
# A builder that must read the database is async (it asks in a worker thread).
TileBuilder = Callable[["Shell", SessionView], list[Tile] | Awaitable[list[Tile]]]
FrameHook = Callable[["Shell", SessionView], None]
# Something the desktop reports above its tiles (a missed scheduled sync with Run now); it draws itself.
DesktopNotice = Callable[["Shell", SessionView], Awaitable[None]]


def _connection_actions() -> dict[str, ConnectionAction]:
    """The Connection tab's actions in their order; the areas that can do them add the handlers."""
    return {
        "connect": ConnectionAction("licensing.od.connect", "cloud_upload", False, needs_prerequisites=True),
        "reconnect": ConnectionAction("licensing.od.reconnect", "key", True),
        "change_user": ConnectionAction("licensing.od.change_user", "manage_accounts", True),
        "disconnect": ConnectionAction("licensing.od.disconnect", "link_off", True),
        "trace_log": ConnectionAction("licensing.od.trace_log", "receipt_long", None),
    }


@dataclass
class Shell:
    services: LocalServices
    menus: list[MenuBuilder] = field(default_factory=list)
    tiles: list[TileBuilder] = field(default_factory=list)
    frame_hooks: list[FrameHook] = field(default_factory=list)
    desktop_notices: list[DesktopNotice] = field(default_factory=list)
    connection_actions: dict[str, ConnectionAction] = field(default_factory=_connection_actions)

    def handle(self, action: str, handler: ActionHandler) -> None:
        """Give a Connection tab action its handler (the wizard's Connect, the trace download)."""
        self.connection_actions[action] = replace(self.connection_actions[action], handler=handler)
