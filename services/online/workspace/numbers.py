"""Contact and sales order numbers in the Online Desktop follow the register rule of Business Software.

A contact (or sales order) saved online with a blank number gets the next free one (``next_free_number``:
"K10127" -> "K10128"); a number another live contact of the company account has is refused with
the message the register form shows. It runs in the transaction that writes the change, after the
company account's row is locked (``access.resolve_context(for_write=True)``), so two people saving
at the same moment cannot both get the same number.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.online import OnlineContact, OnlineSalesOrder
from services.errors import ValidationFailed
from services.records.numbers import next_free_number


def number_contact(s: Session, *, tenant_id: int, uuid: str | None, fields: dict[str, Any]) -> None:
    """Fill a blank ``number`` with the next free one; refuse one another live contact has."""
    number_record(s, model=OnlineContact, tenant_id=tenant_id, uuid=uuid, fields=fields)


def number_sales_order(s: Session, *, tenant_id: int, uuid: str | None, fields: dict[str, Any]) -> None:
    """The same rule for quotes, orders and invoices (one number range, as in Business Software)."""
    number_record(s, model=OnlineSalesOrder, tenant_id=tenant_id, uuid=uuid, fields=fields)


def number_record(
    s: Session, *, model: Any, tenant_id: int, uuid: str | None, fields: dict[str, Any]
) -> None:
    if "number" not in fields:
        return
    live = (model.tenant_id == tenant_id, model.deleted.is_(False))

    def taken(value: str) -> bool:
        others = select(model.uuid).where(*live, model.number == value)
        if uuid is not None:
            others = others.where(model.uuid != uuid)
        return s.execute(others.limit(1)).first() is not None

    if not (fields["number"] or "").strip():
        last = s.scalar(
            select(model.number)
            .where(*live, model.number != "")
            .order_by(func.length(model.number).desc(), model.number.desc())
            .limit(1)
        )
        fields["number"] = next_free_number(last, taken)
    elif taken(fields["number"]):
        raise ValidationFailed({"number": "registers.number_taken"})
