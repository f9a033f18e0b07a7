"""The "Add-on products" tab: select an add-on, Add, mark a company database, OK; then Restart.

The sequence and labels follow the original help page (Zusatzprodukte › Hinzufügen ›
Firmendatenbank markieren › OK › neu starten).
"""

from __future__ import annotations

from nicegui import ui

from services.errors import ServiceError
from services.local.licensing.service import LicensingService
from services.local.licensing.views import AddonView, LicenceView
from services.local.views import CompanyView, SessionView
from ui.components.calls import CallFailed, call, error_text
from ui.i18n import _, fmt_date
from ui.shell import Shell

ADDONS_URL = "/settings/licence?tab=addons"


async def addon_tab(shell: Shell, session: SessionView) -> None:
    licensing = shell.services.licensing
    assert licensing is not None
    licence = await call(licensing.licence)
    if licence is None:
        ui.label(_("licensing.no_licence")).classes("text-red-8")
        return
    if licence.restart_pending:
        _restart_notice(licensing)
    selected: dict[str, str | None] = {"code": None}
    items: dict[str, ui.item] = {}

    def select(code: str) -> None:
        selected["code"] = code
        for other, item in items.items():
            item.props(remove="active") if other != code else item.props("active")
        add.enable()
        remove.set_enabled(_addon(licence, code).binding is not None)

    ui.label(_("licensing.addons.hint")).classes("text-sm text-grey-7")
    with ui.list().props("bordered separator").classes("w-[40rem]"):
        for addon in licence.addons:
            with (
                ui.item(on_click=lambda code=addon.code: select(code))
                .props("clickable active-class=bg-blue-1")
                .mark(f"addon-{addon.code}") as item
            ):
                _addon_row(addon)
            items[addon.code] = item
    with ui.row():
        add = ui.button(
            _("licensing.addons.add"),
            icon="add",
            on_click=lambda: _bind_dialog(shell, selected["code"]),
        ).mark("addon-add")
        remove = (
            ui.button(
                _("licensing.addons.remove"),
                icon="link_off",
                on_click=lambda: _unbind(licensing, selected["code"]),
            )
            .props("flat")
            .mark("addon-remove")
        )
    add.disable()
    remove.disable()


def _addon(licence: LicenceView, code: str) -> AddonView:
    found = licence.addon(code)
    assert found is not None
    return found


def _addon_row(addon: AddonView) -> None:
    with ui.item_section():
        ui.item_label(_(addon.name_key)).classes("font-medium")
        if addon.binding is None:
            state = _("licensing.addons.unbound")
        elif addon.binding.activated:
            state = _("licensing.addons.active", company=addon.binding.company_name)
        else:
            state = _("licensing.addons.pending", company=addon.binding.company_name)
        ui.item_label(state).props("caption").mark(f"addon-state-{addon.code}")
        contract = addon.contract
        if contract is not None:
            modules = ", ".join(_(f"licensing.module.{m}") for m in contract.modules)
            text = _(
                "licensing.contract.summary",
                date=fmt_date(contract.valid_until),
                seats=contract.seats,
                modules=modules,
            )
            colour = "text-red-8" if contract.expired else "text-grey-8"
            ui.item_label(text).props("caption").classes(colour)
            if contract.expired:
                ui.item_label(_("licensing.contract.expired_note")).props("caption").classes("text-red-8")


def _restart_notice(licensing: LicensingService) -> None:
    async def restart() -> None:
        try:
            await call(licensing.restart)
        except CallFailed:
            return
        ui.notify(_("licensing.restart.done"), type="positive")
        ui.navigate.to("/")

    with ui.card().classes("w-[40rem] bg-amber-1").mark("restart-notice"):
        with ui.row().classes("items-center gap-3"):
            ui.icon("restart_alt", size="md").classes("text-amber-9")
            ui.label(_("licensing.restart.notice")).classes("font-medium grow")
            ui.button(_("licensing.restart.action"), icon="restart_alt", on_click=restart).mark("restart")


async def _bind_dialog(shell: Shell, code: str | None) -> None:
    """Company databases to mark; OK binds the add-on or tells why not."""
    licensing, companies = shell.services.licensing, shell.services.companies
    assert licensing is not None and companies is not None
    if code is None:
        return
    rows = await call(companies.list_companies)
    choice: ui.radio
    error: ui.label

    async def ok() -> None:
        if choice.value is None:
            error.text = _("licensing.bind.choose")
            return
        try:
            await call(licensing.bind_addon, code, choice.value)
        except CallFailed as failed:
            error.text = error_text(failed.error) if isinstance(failed.error, ServiceError) else ""
            return
        dialog.close()
        ui.navigate.to(ADDONS_URL)

    with ui.dialog() as dialog, ui.card().classes("w-[32rem]").mark("bind-dialog"):
        ui.label(_("licensing.bind.title", addon=_(f"licensing.addon.{code}"))).classes("text-lg")
        ui.label(_("licensing.bind.hint")).classes("text-sm text-grey-7")
        ui.label(_("licensing.bind.companies")).classes("font-medium")
        choice = ui.radio({c.id: _company_label(c) for c in rows}, on_change=lambda: error.set_text(""))
        choice.mark("bind-companies")
        error = ui.label().classes("text-red-8").mark("bind-error")
        with ui.row().classes("justify-end w-full"):
            ui.button(_("action.cancel"), on_click=dialog.close).props("flat")
            ui.button(_("action.ok"), on_click=ok).mark("bind-ok")
    dialog.open()


def _company_label(company: CompanyView) -> str:
    return f"{company.name} – {_('company.sample_badge')}" if company.is_sample else company.name


async def _unbind(licensing: LicensingService, code: str | None) -> None:
    if code is None:
        return
    try:
        await call(licensing.unbind_addon, code)
    except CallFailed:
        return
    ui.notify(_("licensing.addons.removed"), type="positive")
    ui.navigate.to(ADDONS_URL)
