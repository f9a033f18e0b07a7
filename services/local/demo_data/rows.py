"""Rows of demo company data as plain dicts, ready for one executemany per chunk.

Every row carries a UUIDv7, the company and the fill time as ``updated_at``. References point at
rows made earlier by the same factory (employees and products first, then contacts, then orders
and activities), so a fill is consistent without reading anything back.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from models.fields import ACTIVITY_KINDS, ORDER_STATUSES
from models.types import new_uuids
from services.local.demo_data.pools import Pools
from services.records.amounts import line_amount, order_total

STANDARD_VAT, REDUCED_VAT = Decimal("19.00"), Decimal("7.00")

Row = dict[str, Any]
T = TypeVar("T")
CHUNK = 5_000
PERSONS_PER_COMPANY = (0, 1, 1, 2, 3)
DISCOUNTS = (Decimal(0),) * 6 + (Decimal(3), Decimal(5), Decimal(10))
STATUS_MIX = tuple(
    status for status, weight in zip(ORDER_STATUSES, (2, 3, 5), strict=True) for _ in range(weight)
)
MINUTES = {"call": (5, 30), "meeting": (30, 120), "task": (15, 240), "email": (5, 15)}


class RowFactory:
    """Makes the rows of one fill; remembers what later registers refer to."""

    def __init__(self, *, company_id: int, pools: Pools, rng: random.Random, now: dt.datetime) -> None:
        self.company_id, self.pools, self.rng, self.now = company_id, pools, rng, now
        self.vocabulary = pools.vocabulary
        self.employees: list[str] = []
        self.products: list[tuple[str, str, Decimal, bool]] = []  # uuid, name, price, fractional
        self.contacts: list[tuple[str, str]] = []  # uuid, name
        self._uuids: Iterator[str] = iter(())
        self._random = rng.random

    def _pick(self, items: Sequence[T]) -> T:
        """``rng.choice`` at a fraction of its cost (it is called millions of times at size L)."""
        return items[int(self._random() * len(items))]

    def _int(self, low: int, high: int) -> int:
        """``rng.randint`` (both ends included), cheaper."""
        return low + int(self._random() * (high - low + 1))

    def _uuid(self) -> str:
        """The next UUIDv7, drawn in batches (one per row is the biggest cost of a fill otherwise)."""
        uuid = next(self._uuids, None)
        if uuid is None:
            self._uuids = iter(new_uuids(CHUNK))
            uuid = next(self._uuids)
        return uuid

    def _row(self, **values: Any) -> Row:
        return {"uuid": self._uuid(), "company_id": self.company_id, "updated_at": self.now, **values}

    def _phone(self) -> str:
        v = self.vocabulary
        return f"{v.phone_prefix} {self._pick(v.area_codes)} {self._int(100000, 9999999)}"

    def employee_rows(self, count: int, domain: str) -> list[Row]:
        rows = []
        for _ in range(count):
            first, last = self._pick(self.pools.first_names), self._pick(self.pools.last_names)
            email = f"{self.pools.slugs[first]}.{self.pools.slugs[last]}@{domain}"
            row = self._row(first_name=first, last_name=last, email=email, phone=self._phone())
            row["position"] = self._pick(self.pools.jobs)
            rows.append(row)
        self.employees = [row["uuid"] for row in rows]
        return rows

    def product_rows(self, count: int) -> list[Row]:
        v, rng, rows = self.vocabulary, self.rng, []
        for index in range(count):
            kind = v.product_kinds[index % len(v.product_kinds)]
            name = f"{kind.stem} {self._pick(v.product_variants)}"
            price = Decimal(str(round(rng.uniform(kind.low, kind.high), 2)))
            rows.append(
                self._row(
                    number=f"{v.product_prefix}-{10001 + index}",
                    name=name,
                    unit=kind.unit,
                    price=price,
                    description="",
                    active=self._random() > 0.03,
                )
            )
            self.products.append((rows[-1]["uuid"], name, price, kind.fractional))
        return rows

    def contact_chunks(self, count: int) -> Iterator[tuple[list[Row], list[Row]]]:
        """Contacts with their contact persons, CHUNK contacts at a time."""
        for start in range(0, count, CHUNK):
            contacts: list[Row] = []
            persons: list[Row] = []
            for index in range(start, min(start + CHUNK, count)):
                contact, domain = self._contact(index)
                contacts.append(contact)
                self.contacts.append((contact["uuid"], contact["name"]))
                if contact["kind"] == "company":
                    for _ in range(self._pick(PERSONS_PER_COMPANY)):
                        persons.append(self._contact_person(contact["uuid"], domain))
            yield contacts, persons

    def _contact(self, index: int) -> tuple[Row, str]:
        v, p = self.vocabulary, self.pools
        postal_code, city = self._pick(p.places)
        house, street = self._int(1, 199), self._pick(p.streets)
        if self._random() < 0.7:
            name, name_slug = self._company_name()
            domain = f"{name_slug}.{self._pick(v.tlds)}"
            kind, email, website = "company", f"info@{domain}", f"https://www.{domain}"
        else:
            first, last = self._pick(p.first_names), self._pick(p.last_names)
            name, kind, website, domain = f"{first} {last}", "person", "", self._pick(p.mail_domains)
            email = f"{p.slugs[first]}.{p.slugs[last]}@{domain}"
        row = self._row(
            number=f"{v.contact_prefix}{10001 + index}",
            name=name,
            kind=kind,
            street=f"{street} {house}" if v.faker_locale == "de_DE" else f"{house} {street}",
            postal_code=postal_code,
            city=city,
            country=v.country,
            phone=self._phone(),
            email=email,
            website=website,
            notes=self._pick(v.notes),
        )
        return row, domain

    def _company_name(self) -> tuple[str, str]:
        """A company name such as "Krause Haustechnik GmbH" and its slug for the web domain."""
        v, p = self.vocabulary, self.pools
        last, legal = self._pick(p.last_names), self._pick(v.legal_forms)
        shape = self._random()
        if shape < 0.45:
            branch = self._pick(v.branches)
            return f"{last} {branch} {legal}", f"{p.slugs[last]}-{p.slugs[branch]}"
        if shape < 0.7:
            partner = self._pick(p.last_names)
            return f"{last} & {partner} {legal}", f"{p.slugs[last]}-{p.slugs[partner]}"
        return f"{last} {legal}", p.slugs[last]

    def _contact_person(self, contact_uuid: str, domain: str) -> Row:
        p = self.pools
        first, last = self._pick(p.first_names), self._pick(p.last_names)
        return self._row(
            contact_uuid=contact_uuid,
            first_name=first,
            last_name=last,
            position=self._pick(p.jobs),
            phone=self._phone(),
            email=f"{p.slugs[first]}.{p.slugs[last]}@{domain}",
        )

    def order_chunks(self, count: int, today: dt.date) -> Iterator[tuple[list[Row], list[Row]]]:
        """Sales orders with 1-4 lines each; an order's total is the sum of its line amounts."""
        for start in range(0, count, CHUNK):
            orders: list[Row] = []
            lines: list[Row] = []
            for index in range(start, min(start + CHUNK, count)):
                order = self._order(index, today)
                order_lines = [self._line(order["uuid"], pos) for pos in range(1, self._int(1, 4) + 1)]
                order["total"] = order_total(line.pop("_amount") for line in order_lines)
                orders.append(order)
                lines.extend(order_lines)
            yield orders, lines

    def _order(self, index: int, today: dt.date) -> Row:
        status = self._pick(STATUS_MIX)
        return self._row(
            number=f"{self.vocabulary.order_prefixes[status]}-{100001 + index}",
            status=status,
            order_date=today - dt.timedelta(days=self._int(0, 3 * 365)),
            contact_uuid=self._pick(self.contacts)[0],
            employee_uuid=self._pick(self.employees),
            contact_person_uuid=None,
            delivery_date=None,
            our_reference="",
            notes="",
            total=Decimal(0),
        )

    def _line(self, order_uuid: str, position: int) -> Row:
        product_uuid, name, price, fractional = self._pick(self.products)
        quantity = Decimal(self._int(1, 40)) / 2 if fractional else Decimal(self._int(1, 20))
        discount = self._pick(DISCOUNTS)
        return self._row(
            order_uuid=order_uuid,
            product_uuid=product_uuid,
            position=position,
            description=name,
            quantity=quantity,
            unit_price=price,
            discount_percent=discount,
            vat_rate=REDUCED_VAT if fractional else STANDARD_VAT,  # goods sold by weight: food
            _amount=line_amount(quantity, unit_price=price, discount_percent=discount),
        )

    def activity_chunks(self, count: int) -> Iterator[list[Row]]:
        for start in range(0, count, CHUNK):
            yield [self._activity() for _ in range(start, min(start + CHUNK, count))]

    def _activity(self) -> Row:
        """A call, meeting, task or e-mail in office hours, from a year ago to two months ahead."""
        kind = self._pick(ACTIVITY_KINDS)
        day = self.now.date() + dt.timedelta(days=self._int(-365, 60))
        start = dt.datetime(
            day.year, day.month, day.day, self._int(7, 16), self._pick((0, 15, 30, 45)), tzinfo=dt.UTC
        )
        end = start + dt.timedelta(minutes=self._int(*MINUTES[kind]))
        contact_uuid, contact_name = self._pick(self.contacts) if self._random() < 0.9 else (None, "")
        subject = self._pick(self.vocabulary.subjects[kind])
        return self._row(
            kind=kind,
            subject=f"{subject}: {contact_name}"[:200] if contact_name else subject,
            start_at=start,
            end_at=end,
            done=end < self.now and self._random() < 0.9,
            contact_uuid=contact_uuid,
            employee_uuid=self._pick(self.employees),
            notes="",
        )
