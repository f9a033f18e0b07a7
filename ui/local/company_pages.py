"""Company database list: open, switch, create (optionally with demo data)."""

from __future__ import annotations

import contextlib

from nicegui import app, ui

from services.local.views import CompanyView
from services.redirects import safe_next
from ui.components.calls import CallFailed, call, show_field_errors
from ui.components.routes import app_page
from ui.i18n import _, fmt_number, lang
from ui.layout import frame
from ui.session import TOKEN_KEY, require_session
from ui.shell import Shell

REGISTRATION_INPUTS = (
    ("name", "company.name"),
    ("street", "company.street"),
    ("postal_code", "company.postal_code"),
    ("city", "company.city"),
    ("country", "company.country"),
    ("phone", "company.phone"),
    ("email", "company.email"),
    ("registration_number", "company.registration_number"),
)


def register(shell: Shell) -> None:
    auth, companies = shell.services.auth, shell.services.companies

    @app_page("/companies")
    async def companies_page(next: str = "") -> None:
        session = await require_session(shell)
        if session is None:
            return
        target = safe_next(next, "/")

        async def open_company(company_id: int) -> None:
            await call(auth.open_company, app.storage.user[TOKEN_KEY], company_id)
            ui.navigate.to(target)

        rows = await call(companies.list_companies)
        with frame(shell, session, _("company.list_title")):
            ui.label(_("company.list_title")).classes("text-2xl")
            if len(rows) <= 1:
                ui.label(_("company.newcomer_hint")).classes("text-grey-8")
            with ui.row().classes("gap-4 flex-wrap"):
                for company in rows:
                    _company_card(company, session.company_id == company.id, open_company)
            ui.button(_("company.create"), icon="add", on_click=lambda: _create_dialog(shell, open_company))


def _company_card(company: CompanyView, is_open: bool, open_company: object) -> None:
    with ui.card().classes("w-72").mark(f"company-{company.id}"):
        with ui.row().classes("items-center"):
            ui.icon("apartment", size="md")
            ui.label(company.name).classes("text-lg font-medium")
        if company.is_sample:
            ui.badge(_("company.sample_badge"), color="orange")
        ui.label(" ".join(p for p in (company.postal_code, company.city) if p)).classes("text-grey-7")
        ui.button(
            _("company.opened") if is_open else _("company.open"),
            on_click=lambda c=company: open_company(c.id),  # type: ignore[operator]
        ).props("flat" if is_open else "")


def _create_dialog(shell: Shell, open_company: object) -> None:
    companies = shell.services.companies
    with ui.dialog() as dialog, ui.card().classes("w-[32rem]"):
        ui.label(_("company.create")).classes("text-xl")
        inputs = {name: ui.input(_(key)).classes("w-full") for name, key in REGISTRATION_INPUTS}
        with_demo_data = ui.checkbox(_("company.with_demo_data")).mark("with-demo-data")

        async def save() -> None:
            values = {name: widget.value or "" for name, widget in inputs.items()}
            try:
                company = await call(companies.create_company, values)
            except CallFailed as failed:
                show_field_errors(inputs, failed)
                return
            dialog.close()
            if with_demo_data.value and shell.services.demo_data is not None:
                # The company exists either way; a failed fill is reported and it opens empty.
                with contextlib.suppress(CallFailed):
                    report = await call(shell.services.demo_data.fill, company.id, size="S", locale=lang())
                    ui.notify(_("demo.filled", rows=fmt_number(report.rows)), type="positive")
            await open_company(company.id)  # type: ignore[operator]

        with ui.row().classes("justify-end w-full"):
            ui.button(_("action.cancel"), on_click=dialog.close).props("flat")
            ui.button(_("action.create"), on_click=save).mark("create-company")
    dialog.open()
