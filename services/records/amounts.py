"""Money arithmetic of sales orders: one rounding rule for line amounts and order totals.

A line's net amount is rounded half-up to the cent on its own (the amount printed on the
document); the net total is the sum of those rounded amounts. VAT is computed once per rate on
the sum of that rate's net amounts and rounded half-up to the cent; the gross total is the net
total plus the VAT of every rate. The Business Software registers and the Online Desktop both
call these functions, so the same lines give the same figures on both sides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def line_amount(quantity: Decimal, *, unit_price: Decimal, discount_percent: Decimal = Decimal(0)) -> Decimal:
    """Net amount of one line, rounded half-up to the cent (the amount printed on the document)."""
    return (
        Decimal(quantity) * Decimal(unit_price) * (HUNDRED - Decimal(discount_percent)) / HUNDRED
    ).quantize(CENT, rounding=ROUND_HALF_UP)


def order_total(amounts: Iterable[Decimal]) -> Decimal:
    """An order's total is the sum of its rounded line amounts, so lines and total always agree."""
    return sum(amounts, Decimal(0)).quantize(CENT)


@dataclass(frozen=True, kw_only=True, slots=True)
class VatShare:
    rate: Decimal  # percent
    net: Decimal  # the net amounts of the lines at this rate
    vat: Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class Totals:
    net: Decimal
    vat: tuple[VatShare, ...]  # one per rate, highest rate first
    gross: Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class LineFigures:
    """What the totals need of one line."""

    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal = Decimal(0)
    vat_rate: Decimal = Decimal(0)


def order_totals(lines: Iterable[LineFigures]) -> Totals:
    """Net total, VAT per rate and gross total of an order's lines."""
    per_rate: dict[Decimal, Decimal] = {}
    amounts = []
    for line in lines:
        amount = line_amount(
            line.quantity, unit_price=line.unit_price, discount_percent=line.discount_percent
        )
        amounts.append(amount)
        rate = Decimal(line.vat_rate).quantize(CENT)
        per_rate[rate] = per_rate.get(rate, Decimal(0)) + amount
    shares = tuple(
        VatShare(rate=rate, net=net.quantize(CENT), vat=(net * rate / HUNDRED).quantize(CENT, ROUND_HALF_UP))
        for rate, net in sorted(per_rate.items(), reverse=True)
    )
    net = order_total(amounts)
    return Totals(net=net, vat=shares, gross=(net + sum((s.vat for s in shares), Decimal(0))).quantize(CENT))
