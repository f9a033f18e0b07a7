"""Money arithmetic of sales orders: one rounding rule for line amounts and order totals."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def line_amount(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal = Decimal(0)) -> Decimal:
    """Net amount of one line, rounded half-up to the cent (the amount printed on the document)."""
    return (quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def order_total(amounts: Iterable[Decimal]) -> Decimal:
    """An order's total is the sum of its rounded line amounts, so lines and total always agree."""
    return sum(amounts, Decimal(0)).quantize(CENT)
