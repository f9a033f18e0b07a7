"""Help › About › Manage licence information: licence holder, licence key and add-on products."""

from __future__ import annotations

from nicegui import ui

from services.errors import ServiceError
from services.local.licensing.service import LicensingService
from services.local.licensing.views import HOLDER_FIELDS
from services.local.views import SessionView
from ui.components.calls import CallFailed, call, error_text, show_field_errors
from ui.components.routes import app_page
from ui.i18n import _, fmt_date, fmt_datetime
from ui.layout import frame
from ui.local.addon_tab import addon_tab
from ui.session import require_session
from ui.shell import MenuItem, Shell

TABS = ("holder", "licence", "addons")


def licence_menu(shell: Shell, session: SessionView) -> dict[str, list[MenuItem]]:
    """Help › About › Manage licence information."""
    entry = MenuItem("licensing.menu.manage", lambda: ui.navigate.to("/settings/licence"))
    return {"menu.help": [MenuItem("menu.about", children=(entry,))]}


def register(shell: Shell) -> None:
    licensing = shell.services.licensing
    assert licensing is not None, "role has no Business Software"
    shell.menus.append(licence_menu)

    @app_page("/settings/licence")
    async def licence_page(tab: str = "holder") -> None:
        session = await require_session(shell)
        if session is None:
            return
        with frame(shell, session, _("licensing.title")):
            ui.label(_("licensing.title")).classes("text-2xl")
            with ui.tabs().classes("w-full") as tabs:
                ui.tab("holder", _("licensing.tab.holder")).mark("tab-holder")
                ui.tab("licence", _("licensing.tab.licence")).mark("tab-licence")
                ui.tab("addons", _("licensing.tab.addons")).mark("tab-addons")
            with ui.tab_panels(tabs, value=tab if tab in TABS else "holder").classes("w-full"):
                with ui.tab_panel("holder"):
                    await _holder_tab(licensing)
                with ui.tab_panel("licence"):
                    await _licence_tab(licensing)
                with ui.tab_panel("addons"):
                    await addon_tab(shell, session)


async def _holder_tab(licensing: LicensingService) -> None:
    holder = await call(licensing.holder)
    with ui.card().classes("w-[36rem]"):
        ui.label(_("licensing.holder.title")).classes("text-lg")
        inputs = {
            field: ui.input(_(f"licensing.holder.{field}"), value=getattr(holder, field))
            .classes("w-full")
            .mark(f"holder-{field}")
            for field in HOLDER_FIELDS
        }

        async def save() -> None:
            try:
                await call(licensing.update_holder, {f: w.value or "" for f, w in inputs.items()})
            except CallFailed as failed:
                show_field_errors(inputs, failed)
                return
            show_field_errors(inputs, None)
            ui.notify(_("licensing.holder.saved"), type="positive")

        ui.button(_("action.save"), on_click=save).mark("holder-save")


async def _licence_tab(licensing: LicensingService) -> None:
    licence = await call(licensing.licence)
    with ui.card().classes("w-[40rem]"):
        ui.label(_("licensing.licence.title")).classes("text-lg")
        if licence is None:
            ui.label(_("licensing.no_licence")).classes("text-red-8")
        else:
            with ui.grid(columns=2).classes("gap-x-6 gap-y-1"):
                for label, value in (
                    ("licensing.licence.number", licence.number),
                    ("licensing.licence.holder", licence.holder),
                    ("licensing.licence.issued", fmt_date(licence.issued)),
                    ("licensing.licence.installed", fmt_datetime(licence.installed_at)),
                ):
                    ui.label(_(label)).classes("text-grey-7")
                    ui.label(value).mark(label)
            if licence.demo:
                ui.badge(_("licensing.licence.demo"), color="orange")
            ui.label(", ".join(_(a.name_key) for a in licence.addons) or "–").classes("text-sm")
    with ui.card().classes("w-[40rem]"):
        ui.label(_("licensing.install.title")).classes("text-lg")
        ui.label(_("licensing.install.hint")).classes("text-sm text-grey-7")
        key = ui.textarea(_("licensing.install.key")).classes("w-full font-mono").mark("licence-key")

        async def install() -> None:
            try:
                installed = await call(licensing.install_key, key.value or "")
            except CallFailed as failed:
                key.error = error_text(failed.error) if isinstance(failed.error, ServiceError) else None
                return
            ui.notify(_("licensing.install.done", number=installed.number), type="positive")
            ui.navigate.to("/settings/licence?tab=licence")

        ui.button(_("licensing.install.action"), icon="key", on_click=install).mark("licence-install")
