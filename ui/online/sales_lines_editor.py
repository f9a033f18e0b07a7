"""The lines of a sales document on its page, and the totals under them.

Each line is a row of inputs (product chosen from the synced products, description, quantity,
unit price, discount, VAT rate) with its amount; the totals (net, VAT per rate, gross) are
recomputed while typing by the same money rules the service and Business Software use
(``services.records.amounts``). ``edits`` tells the service only what changed per line, with the
values the person saw.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from nicegui import ui

from services.online.workspace.sales_views import LineEdit, ProductFacts, SalesLine
from services.records.amounts import LineFigures, line_amount, order_totals
from services.records.forms import SALES_ORDER_LINE_FIELDS
from ui.components.display import input_number
from ui.components.form import OptionsFn, ReferenceSelect, read_values
from ui.i18n import _, fmt_money, fmt_number
from ui.online.frame import tag

ProductFn = Callable[[str], Awaitable[ProductFacts | None]]
NUMBERS = ("quantity", "unit_price", "discount_percent", "vat_rate")
LINE_FIELDS = {f.name: f for f in SALES_ORDER_LINE_FIELDS}


def decimal_of(value: Any) -> Decimal:
    """A number input's value as a Decimal (blank or nonsense counts as 0 in the preview)."""
    try:
        number = Decimal(str(value).replace(",", ".")) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
    return number if number.is_finite() else Decimal(0)


class LineRow:
    def __init__(self, editor: LinesEditor, index: int, line: SalesLine | None) -> None:
        self.editor, self.line, self.removed = editor, line, False
        values: dict[str, Any] = (
            {name: getattr(line, name) for name in LINE_FIELDS}
            if line is not None
            else {"quantity": Decimal(1), "vat_rate": Decimal("19.00")}
        )
        label = line.product_label if line is not None else ""
        with ui.row().classes("w-full items-start gap-2 no-wrap") as self.row:
            self.position = ui.label(str(line.position) if line else "").classes("w-8 pt-4 text-grey-7")
            product = ReferenceSelect(
                _("registers.field.product"), "products", values.get("product_uuid"), label, editor.options
            ).classes("w-64")
            product.on_value_change(self._product_chosen)
            self.inputs: dict[str, Any] = {
                "product_uuid": product,
                "description": ui.input(
                    _("registers.field.description"), value=values.get("description") or ""
                )
                .classes("w-64")
                .props("dense"),
            }
            for name in NUMBERS:
                widget = ui.number(_(LINE_FIELDS[name].label), value=input_number(values.get(name)), min=0)
                widget.classes("w-28").props("dense")
                widget.on_value_change(editor.refresh_totals)
                self.inputs[name] = widget
            self.amount = ui.label().classes("w-28 pt-4 text-right font-medium")
            tag(self.amount, f"sales-line-{index}-amount")
            if editor.editable:
                remove = ui.button(icon="delete", on_click=self.remove).props(
                    "flat dense round color=negative"
                )
                tag(remove.tooltip(_("sales.line.remove")), f"sales-line-{index}-remove")
        for name, widget in self.inputs.items():
            tag(widget, f"sales-line-{index}-{name}")
            if not editor.editable:
                widget.disable()
        self.seen = read_values(self.inputs)  # what the person saw, to send only what they change

    async def _product_chosen(self, event: Any) -> None:
        """A new line takes the product's name and price unless they were typed."""
        if self.line is not None or not event.value:
            return
        facts = await self.editor.product(str(event.value))
        if facts is None:
            return
        if not self.inputs["description"].value:
            self.inputs["description"].value = facts.name
        if not self.inputs["unit_price"].value:
            self.inputs["unit_price"].value = input_number(facts.price)
        self.editor.refresh_totals()

    def remove(self) -> None:
        self.removed = True
        self.row.set_visibility(False)
        self.editor.refresh_totals()

    def figures(self) -> LineFigures:
        v = {name: decimal_of(self.inputs[name].value) for name in NUMBERS}
        return LineFigures(
            quantity=v["quantity"],
            unit_price=v["unit_price"],
            discount_percent=v["discount_percent"],
            vat_rate=v["vat_rate"],
        )

    def edit(self) -> LineEdit | None:
        """What changed in this line (None: nothing)."""
        if self.line is None:
            return None if self.removed else LineEdit(changes=read_values(self.inputs))
        if self.removed:
            return LineEdit(uuid=self.line.uuid, remove=True, seq=self.line.seq)
        now = read_values(self.inputs)
        changed = {k: v for k, v in now.items() if v != self.seen[k]}
        if not changed:
            return None
        original = {k: getattr(self.line, k) for k in changed}
        return LineEdit(uuid=self.line.uuid, changes=changed, original=original, seq=self.line.seq)


class LinesEditor:
    def __init__(
        self, lines: tuple[SalesLine, ...], *, editable: bool, options: OptionsFn, product: ProductFn
    ) -> None:
        self.editable, self.options, self.product = editable, options, product
        self.rows: list[LineRow] = []
        ui.label(_("sales.lines")).classes("text-lg font-medium")
        self.container = ui.column().classes("w-full gap-1")
        with self.container:
            for line in lines:
                self.rows.append(LineRow(self, len(self.rows), line))
        if editable:
            tag(ui.button(_("sales.line.add"), icon="add", on_click=self.add).props("flat"), "sales-add-line")
        with ui.column().classes("items-end w-full gap-0") as self.totals:
            pass
        self.refresh_totals()

    async def add(self) -> None:
        with self.container:
            row = LineRow(self, len(self.rows), None)
        self.rows.append(row)
        await row.inputs["product_uuid"].search("")
        self.refresh_totals()

    async def prefill(self) -> None:
        for row in self.rows:
            await row.inputs["product_uuid"].search("")

    def edits(self) -> tuple[LineEdit, ...]:
        return tuple(e for e in (row.edit() for row in self.rows) if e is not None)

    def refresh_totals(self, *_args: Any) -> None:
        live = [row for row in self.rows if not row.removed]
        for row in live:
            f = row.figures()
            row.amount.text = fmt_money(
                line_amount(f.quantity, unit_price=f.unit_price, discount_percent=f.discount_percent)
            )
        totals = order_totals(row.figures() for row in live)
        self.totals.clear()
        with self.totals:
            tag(ui.label(_("sales.total.net", amount=fmt_money(totals.net))), "sales-total-net")
            for share in totals.vat:
                ui.label(
                    _(
                        "sales.total.vat",
                        rate=fmt_number(share.rate),
                        net=fmt_money(share.net),
                        vat=fmt_money(share.vat),
                    )
                ).classes("text-grey-8")
            tag(
                ui.label(_("sales.total.gross", amount=fmt_money(totals.gross))).classes(
                    "text-lg font-medium"
                ),
                "sales-total-gross",
            )

    def show_errors(self, fields: dict[str, str]) -> None:
        """Messages of ``lines.<index>.<field>`` under the inputs of the lines that were sent."""
        sent = [row for row in self.rows if row.edit() is not None]
        for row in self.rows:
            for widget in row.inputs.values():
                widget.error = None
        for key, message in fields.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(sent):
                widget = sent[int(parts[1])].inputs.get(parts[2])
                if widget is not None:
                    widget.error = _(message)
