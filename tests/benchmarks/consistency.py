"""Checks that a company's demo data hangs together: every reference resolves, totals add up.

Shared by the service tests and the benchmark smoke test; each check returns the number of rows
that break it, so a failing assertion says which rule and how often.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from services.records.amounts import line_amount, order_total

# (rule, SQL counting the rows of company :c that break it)
REFERENCE_RULES = {
    "contact person without contact": "SELECT count(*) FROM contact_persons p WHERE p.company_id = :c "
    "AND NOT EXISTS (SELECT 1 FROM contacts x WHERE x.uuid = p.contact_uuid AND x.company_id = :c)",
    "order without contact": "SELECT count(*) FROM sales_orders o WHERE o.company_id = :c "
    "AND NOT EXISTS (SELECT 1 FROM contacts x WHERE x.uuid = o.contact_uuid AND x.company_id = :c)",
    "order without employee": "SELECT count(*) FROM sales_orders o WHERE o.company_id = :c "
    "AND NOT EXISTS (SELECT 1 FROM employees e WHERE e.uuid = o.employee_uuid AND e.company_id = :c)",
    "line without order": "SELECT count(*) FROM sales_order_lines l WHERE l.company_id = :c "
    "AND NOT EXISTS (SELECT 1 FROM sales_orders o WHERE o.uuid = l.order_uuid AND o.company_id = :c)",
    "line without product": "SELECT count(*) FROM sales_order_lines l WHERE l.company_id = :c "
    "AND NOT EXISTS (SELECT 1 FROM products p WHERE p.uuid = l.product_uuid AND p.company_id = :c)",
    "order without lines": "SELECT count(*) FROM sales_orders o WHERE o.company_id = :c "
    "AND NOT EXISTS (SELECT 1 FROM sales_order_lines l WHERE l.order_uuid = o.uuid)",
    "activity with unknown contact": "SELECT count(*) FROM activities a WHERE a.company_id = :c "
    "AND a.contact_uuid IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM contacts x WHERE x.uuid = a.contact_uuid AND x.company_id = :c)",
    "activity without employee": "SELECT count(*) FROM activities a WHERE a.company_id = :c "
    "AND NOT EXISTS (SELECT 1 FROM employees e WHERE e.uuid = a.employee_uuid AND e.company_id = :c)",
    "activity ending before it starts": "SELECT count(*) FROM activities a WHERE a.company_id = :c "
    "AND (a.end_at IS NULL OR a.end_at < a.start_at)",
}


def broken_references(sessions: sessionmaker[Session], company_id: int) -> dict[str, int]:
    """Rules with at least one offending row (empty when all references resolve)."""
    with sessions() as s:
        found = {
            rule: s.execute(text(sql), {"c": company_id}).scalar_one()
            for rule, sql in REFERENCE_RULES.items()
        }
    return {rule: count for rule, count in found.items() if count}


def orders_with_wrong_total(sessions: sessionmaker[Session], company_id: int) -> list[str]:
    """Numbers of orders whose total is not the sum of their line amounts."""
    lines: dict[str, list[Decimal]] = {}
    with sessions() as s:
        for order_uuid, quantity, price, discount in s.execute(
            text(
                "SELECT order_uuid, quantity, unit_price, discount_percent FROM sales_order_lines "
                "WHERE company_id = :c"
            ),
            {"c": company_id},
        ):
            amount = line_amount(
                _money(quantity), unit_price=_money(price), discount_percent=_money(discount)
            )
            lines.setdefault(order_uuid, []).append(amount)
        orders = s.execute(
            text("SELECT uuid, number, total FROM sales_orders WHERE company_id = :c"), {"c": company_id}
        ).all()
    return [number for uuid, number, total in orders if _money(total) != order_total(lines.get(uuid, []))]


def _money(value: object) -> Decimal:
    """SQLite hands numerics back as floats; the stored cents are exact after rounding."""
    return Decimal(str(value)).quantize(Decimal("0.001"))
