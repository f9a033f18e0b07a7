"""Sales online: quotes and orders with lines, the totals of Business Software, per-status rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from models.online import OnlineSalesOrder, OnlineSalesOrderLine
from services.container import Services
from services.errors import NotFound, PermissionDenied, ValidationFailed
from services.online.workspace.sales import WorkspaceSales
from services.online.workspace.sales_views import EditConflict, LineEdit, ReadOnlyDocument, SalesEdit
from services.records.amounts import LineFigures, order_totals
from tests.services.online.test_online_workspace import company, member, person


class World:
    def __init__(self, online: Services) -> None:
        self.online = online
        self.owner = person(online, "chef@example.com")
        account = company(online, self.owner, "Müller GmbH")
        self.tenant_id, self.tenant = account.tenant_id, account.tenant_uuid
        server = online.online.sync_server
        self.customer = server.apply_online_change(
            self.tenant_id, table="contacts", uuid=None, fields={"name": "Kunde AG"}
        ).uuid
        self.other = server.apply_online_change(
            self.tenant_id, table="contacts", uuid=None, fields={"name": "Andere KG"}
        ).uuid
        self.person = server.apply_online_change(
            self.tenant_id,
            table="contact_persons",
            uuid=None,
            fields={"contact_uuid": self.customer, "last_name": "Meier"},
        ).uuid
        self.products = [
            server.apply_online_change(
                self.tenant_id,
                table="products",
                uuid=None,
                fields={"number": f"P{i}", "name": f"Ware {i}", "price": price},
            ).uuid
            for i, price in enumerate(("12.50", "3.99", "0.35", "1999.99", "7.45"))
        ]

    @property
    def sales(self) -> WorkspaceSales:
        return self.online.online.workspace.sales

    def create(self, *lines: dict[str, Any], status: str = "quote", **header: Any) -> str:
        edit = SalesEdit(
            changes={"contact_uuid": self.customer, "status": status, **header},
            lines=tuple(LineEdit(changes=line) for line in lines),
        )
        return self.sales.save(self.owner, self.tenant, uuid=None, edit=edit)


@pytest.fixture
def world(online: Services) -> World:
    return World(online)


def test_a_quote_with_lines_gets_a_number_product_defaults_and_the_totals_of_business_software(
    world: World,
) -> None:
    lines = [
        {"product_uuid": world.products[0], "quantity": "3"},
        {"product_uuid": world.products[1], "quantity": "7", "discount_percent": "12.5", "vat_rate": "7"},
        {"product_uuid": world.products[2], "quantity": "1.333", "unit_price": "0,35", "vat_rate": "0"},
    ]
    uuid = world.create(*lines, contact_person_uuid=world.person, our_reference="MK/42")
    doc = world.sales.document(world.owner, world.tenant, uuid=uuid)
    assert doc.values["number"] and doc.values["status"] == "quote"
    assert doc.values["order_date"] == dt.date.today() and doc.labels["contact_person_uuid"] == "Meier"
    assert [line.description for line in doc.lines] == ["Ware 0", "Ware 1", "Ware 2"]
    assert [line.position for line in doc.lines] == [1, 2, 3]
    assert [line.unit_price for line in doc.lines] == [Decimal("12.50"), Decimal("3.99"), Decimal("0.35")]
    # 7 x 3.99 less 12.5 % = 24.43875 -> 24.44; 1.333 x 0.35 = 0.46655 -> 0.47 (each line rounded)
    assert [line.line_total for line in doc.lines] == [Decimal("37.50"), Decimal("24.44"), Decimal("0.47")]
    expected = order_totals(
        LineFigures(quantity=q, unit_price=p, discount_percent=d, vat_rate=v)
        for q, p, d, v in [
            (Decimal(3), Decimal("12.50"), Decimal(0), Decimal(19)),
            (Decimal(7), Decimal("3.99"), Decimal("12.5"), Decimal(7)),
            (Decimal("1.333"), Decimal("0.35"), Decimal(0), Decimal(0)),
        ]
    )
    assert doc.totals == expected
    assert doc.totals.net == Decimal("62.41")
    assert [(s.rate, s.net, s.vat) for s in doc.totals.vat] == [
        (Decimal("19.00"), Decimal("37.50"), Decimal("7.13")),
        (Decimal("7.00"), Decimal("24.44"), Decimal("1.71")),
        (Decimal("0.00"), Decimal("0.47"), Decimal("0.00")),
    ]
    assert doc.totals.gross == Decimal("71.25")
    assert doc.editable and doc.may_convert and doc.read_only_reason is None
    with world.online.db.online() as s:  # type: ignore[misc]
        stored = s.scalar(select(OnlineSalesOrder).where(OnlineSalesOrder.uuid == uuid))
        assert stored is not None and stored.total == Decimal("62.41")
        seqs = set(s.scalars(select(OnlineSalesOrderLine.seq).where(OnlineSalesOrderLine.order_uuid == uuid)))
        assert seqs == {stored.seq}  # header and lines are one change


def test_products_must_exist_and_bad_lines_write_nothing(world: World) -> None:
    with pytest.raises(ValidationFailed) as failed:
        world.create(
            {"product_uuid": world.products[0], "quantity": "1"},
            {"product_uuid": "0" * 36, "quantity": "1"},
            {"product_uuid": world.products[1], "quantity": "-1", "discount_percent": "150"},
        )
    assert failed.value.fields == {
        "lines.1.product_uuid": "sales.validation.product_missing",
        "lines.2.quantity": "validation.negative",
        "lines.2.discount_percent": "registers.validation.too_large",
    }
    assert world.sales.rows(world.owner, world.tenant).total == 0
    deleted = world.online.online.sync_server.apply_online_change(
        world.tenant_id, table="products", uuid=world.products[4], fields=None, delete=True
    )
    assert deleted.deleted
    with pytest.raises(ValidationFailed) as failed:
        world.create({"product_uuid": world.products[4], "quantity": "1"})
    assert failed.value.fields == {"lines.0.product_uuid": "sales.validation.product_missing"}


def test_the_customer_must_exist_and_the_contact_person_be_the_customers(world: World) -> None:
    with pytest.raises(ValidationFailed) as failed:
        world.create(contact_uuid="0" * 36)
    assert failed.value.fields == {"contact_uuid": "validation.choice"}
    with pytest.raises(ValidationFailed) as failed:
        world.create(contact_uuid=world.other, contact_person_uuid=world.person)
    assert failed.value.fields == {"contact_person_uuid": "sales.validation.person_of_other_contact"}
    with pytest.raises(ValidationFailed) as failed:
        world.create(status="invoice")
    assert failed.value.fields == {"status": "sales.validation.new_status"}


def test_an_edit_writes_only_what_changed_and_keeps_the_totals_in_step(world: World) -> None:
    uuid = world.create(
        {"product_uuid": world.products[0], "quantity": "2"},
        {"product_uuid": world.products[1], "quantity": "1"},
    )
    doc = world.sales.document(world.owner, world.tenant, uuid=uuid)
    first, second = doc.lines
    edit = SalesEdit(
        changes={"our_reference": "neu"},
        original={"our_reference": ""},
        seq=doc.seq,
        lines=(
            LineEdit(uuid=first.uuid, changes={"quantity": "4"}, original={"quantity": "2"}, seq=first.seq),
            LineEdit(uuid=second.uuid, remove=True),
            LineEdit(changes={"product_uuid": world.products[3], "quantity": "1", "vat_rate": "7"}),
        ),
    )
    world.sales.save(world.owner, world.tenant, uuid=uuid, edit=edit)
    after = world.sales.document(world.owner, world.tenant, uuid=uuid)
    assert [(line.description, line.quantity) for line in after.lines] == [
        ("Ware 0", Decimal("4.000")),
        ("Ware 3", Decimal("1.000")),
    ]
    assert after.values["our_reference"] == "neu" and after.totals.net == Decimal("2049.99")
    assert after.totals.gross == Decimal("2049.99") + Decimal("9.50") + Decimal("140.00")
    # nothing changed: nothing written
    world.sales.save(world.owner, world.tenant, uuid=uuid, edit=SalesEdit(seq=after.seq))
    assert world.sales.document(world.owner, world.tenant, uuid=uuid).seq == after.seq


def test_a_colleagues_newer_value_is_never_overwritten_silently(world: World) -> None:
    uuid = world.create({"product_uuid": world.products[0], "quantity": "2"})
    seen = world.sales.document(world.owner, world.tenant, uuid=uuid)
    line = seen.lines[0]
    colleague = SalesEdit(
        changes={"our_reference": "Kollege"},
        original={"our_reference": ""},
        seq=seen.seq,
        lines=(
            LineEdit(uuid=line.uuid, changes={"quantity": "5"}, original={"quantity": "2"}, seq=line.seq),
        ),
    )
    world.sales.save(world.owner, world.tenant, uuid=uuid, edit=colleague)
    mine = SalesEdit(
        changes={"our_reference": "Ich", "notes": "Bitte liefern"},
        original={"our_reference": "", "notes": ""},
        seq=seen.seq,
        lines=(
            LineEdit(uuid=line.uuid, changes={"quantity": "3"}, original={"quantity": "2"}, seq=line.seq),
        ),
    )
    with pytest.raises(EditConflict) as conflict:
        world.sales.save(world.owner, world.tenant, uuid=uuid, edit=mine)
    assert conflict.value.fields["our_reference"] == ("", "Kollege")
    assert conflict.value.fields[f"lines.{line.uuid}.quantity"] == (Decimal("2.000"), Decimal("5.000"))
    assert world.sales.document(world.owner, world.tenant, uuid=uuid).values["notes"] == ""  # nothing written
    # a different field of the same record merges without conflict
    notes = SalesEdit(changes={"notes": "Bitte liefern"}, original={"notes": ""}, seq=seen.seq)
    world.sales.save(world.owner, world.tenant, uuid=uuid, edit=notes)
    doc = world.sales.document(world.owner, world.tenant, uuid=uuid)
    assert (doc.values["notes"], doc.values["our_reference"]) == ("Bitte liefern", "Kollege")


def test_a_quote_becomes_an_order_and_an_invoice_is_read_only_saying_why(world: World) -> None:
    uuid = world.create({"product_uuid": world.products[0], "quantity": "1"})
    number = world.sales.document(world.owner, world.tenant, uuid=uuid).values["number"]
    world.sales.convert(world.owner, world.tenant, uuid=uuid)
    order = world.sales.document(world.owner, world.tenant, uuid=uuid)
    assert (order.values["status"], order.values["number"], order.editable) == ("order", number, True)
    assert not order.may_convert and len(order.lines) == 1
    with pytest.raises(ValidationFailed):
        world.sales.convert(world.owner, world.tenant, uuid=uuid)  # only a quote converts
    with pytest.raises(ValidationFailed):  # the status is not edited in the form
        world.sales.save(world.owner, world.tenant, uuid=uuid, edit=SalesEdit(changes={"status": "invoice"}))
    world.online.online.sync_server.apply_online_change(
        world.tenant_id, table="sales_orders", uuid=uuid, fields={"status": "invoice"}
    )  # invoiced in Business Software
    invoice = world.sales.document(world.owner, world.tenant, uuid=uuid)
    assert not invoice.editable and invoice.read_only_reason == "sales.read_only.invoice"
    line = invoice.lines[0]
    for edit in (
        SalesEdit(changes={"notes": "x"}, seq=invoice.seq),
        SalesEdit(lines=(LineEdit(uuid=line.uuid, changes={"quantity": "9"}, seq=line.seq),)),
        SalesEdit(lines=(LineEdit(uuid=line.uuid, remove=True),)),
        SalesEdit(lines=(LineEdit(changes={"product_uuid": world.products[0], "quantity": "1"}),)),
    ):
        with pytest.raises(ReadOnlyDocument):
            world.sales.save(world.owner, world.tenant, uuid=uuid, edit=edit)
    assert world.sales.document(world.owner, world.tenant, uuid=uuid).lines == invoice.lines


def test_the_list_filters_by_status_searches_sorts_and_pages(world: World) -> None:
    for i in range(7):
        uuid = world.create(
            {"product_uuid": world.products[0], "quantity": str(i + 1)},
            order_date=f"2026-0{i + 1}-15",
            contact_uuid=world.other if i == 3 else world.customer,
        )
        if i % 2:
            world.sales.convert(world.owner, world.tenant, uuid=uuid)
    everything = world.sales.rows(world.owner, world.tenant, page_size=5)
    assert (everything.total, len(everything.rows), everything.pages) == (7, 5, 2)
    assert [r.values["order_date"].month for r in everything.rows] == [7, 6, 5, 4, 3]  # newest first
    orders = world.sales.rows(world.owner, world.tenant, status="order", sort="total", descending=False)
    assert [r.values["total"] for r in orders.rows] == [Decimal("25.00"), Decimal("50.00"), Decimal("75.00")]
    found = world.sales.rows(world.owner, world.tenant, search="andere")
    assert [r.values["contact_name"] for r in found.rows] == ["Andere KG"]
    by_number = world.sales.rows(world.owner, world.tenant, search=str(found.rows[0].values["number"]))
    assert found.rows[0].uuid in {r.uuid for r in by_number.rows}
    assert (
        world.sales.rows(world.owner, world.tenant, page=2, page_size=5).rows[-1].values["order_date"].month
        == 1
    )


def test_roles_and_company_accounts_bound_the_sales_service(world: World) -> None:
    reader = person(world.online, "leser@example.com")
    member(world.online, world.tenant_id, reader, "read_only")
    uuid = world.create({"product_uuid": world.products[0], "quantity": "1"})
    doc = world.sales.document(reader, world.tenant, uuid=uuid)
    assert not doc.editable and not doc.may_convert
    with pytest.raises(PermissionDenied):
        world.sales.save(reader, world.tenant, uuid=uuid, edit=SalesEdit(changes={"notes": "x"}))
    with pytest.raises(PermissionDenied):
        world.sales.convert(reader, world.tenant, uuid=uuid)
    stranger = person(world.online, "fremd@example.com")
    other_account = company(world.online, stranger, "Fremd GmbH")
    with pytest.raises(NotFound):
        world.sales.document(stranger, other_account.tenant_uuid, uuid=uuid)
    with pytest.raises(NotFound):
        world.sales.document(reader, other_account.tenant_uuid, uuid=uuid)
    assert [
        o.label for o in world.sales.options(reader, world.tenant, register="products", search="ware 3")
    ] == ["P3 Ware 3"]
    persons = world.sales.options(reader, world.tenant, register="contact_persons", contact_uuid=world.other)
    assert persons == []
