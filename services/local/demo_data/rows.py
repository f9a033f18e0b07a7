"""Rows of demo company data as tuples of ``COLUMNS``, ready for one executemany per chunk.

Every row carries a UUIDv7; the company and the fill time as ``updated_at`` are the same in
every row and added by the insert. References point at rows made earlier by the same factory
(employees and products first, then contacts, then orders and activities), so a fill is
consistent without reading anything back.
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

Row = tuple[Any, ...]
T = TypeVar("T")
CHUNK = 5_000
PERSONS_PER_COMPANY = (0, 1, 1, 2, 3)
DISCOUNTS = (Decimal(0),) * 6 + (Decimal(3), Decimal(5), Decimal(10))
STATUS_MIX = tuple(
    status for status, weight in zip(ORDER_STATUSES, (2, 3, 5), strict=True) for _ in range(weight)
)
MINUTES = {"call": (5, 30), "meeting": (30, 120), "task": (15, 240), "email": (5, 15)}
QUARTERS = (0, 15, 30, 45)
# The values of a register's row, in order (the company, the fill time and sort keys aside).
COLUMNS: dict[str, tuple[str, ...]] = {
    "employees": ("uuid", "first_name", "last_name", "email", "phone", "position"),
    "products": ("uuid", "number", "name", "unit", "price", "description", "active"),
    "contacts": (
        "uuid",
        "number",
        "name",
        "kind",
        "street",
        "postal_code",
        "city",
        "country",
        "phone",
        "email",
        "website",
        "notes",
    ),
    "contact_persons": ("uuid", "contact_uuid", "first_name", "last_name", "position", "phone", "email"),
    "sales_orders": (
        "uuid",
        "number",
        "status",
        "order_date",
        "contact_uuid",
        "employee_uuid",
        "contact_person_uuid",
        "delivery_date",
        "our_reference",
        "notes",
        "total",
    ),
    "sales_order_lines": (
        "uuid",
        "order_uuid",
        "product_uuid",
        "position",
        "description",
        "quantity",
        "unit_price",
        "discount_percent",
        "vat_rate",
    ),
    "activities": (
        "uuid",
        "kind",
        "subject",
        "start_at",
        "end_at",
        "done",
        "contact_uuid",
        "employee_uuid",
        "notes",
    ),
}


class RowFactory:
    """Makes the rows of one fill; remembers what later registers refer to.

    It is called millions of times at size L, so the row builders bind what they use to local
    names and draw with ``random()`` directly (``rng.choice`` and ``rng.randint`` cost several
    times as much).
    """

    def __init__(self, *, company_id: int, pools: Pools, rng: random.Random, now: dt.datetime) -> None:
        self.company_id, self.pools, self.rng, self.now = company_id, pools, rng, now
        self.vocabulary = pools.vocabulary
        self.employees: list[str] = []
        self.products: list[tuple[str, str, Decimal, bool]] = []  # uuid, name, price, fractional
        self.contacts: list[tuple[str, str]] = []  # uuid, name
        self._uuids: Iterator[str] = iter(())
        self._random = rng.random

    def _pick(self, items: Sequence[T]) -> T:
        """``rng.choice`` at a fraction of its cost."""
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

    def _phone(self) -> str:
        v = self.vocabulary
        return f"{v.phone_prefix} {self._pick(v.area_codes)} {self._int(100000, 9999999)}"

    def employee_rows(self, count: int, domain: str) -> list[Row]:
        p, pick, rows = self.pools, self._pick, []
        for _ in range(count):
            first, last = pick(p.first_names), pick(p.last_names)
            email = f"{p.slugs[first]}.{p.slugs[last]}@{domain}"
            rows.append((self._uuid(), first, last, email, self._phone(), pick(p.jobs)))
        self.employees = [row[0] for row in rows]
        return rows

    def product_rows(self, count: int) -> list[Row]:
        v, rng, rows = self.vocabulary, self.rng, []
        for index in range(count):
            kind = v.product_kinds[index % len(v.product_kinds)]
            name = f"{kind.stem} {self._pick(v.product_variants)}"
            price = Decimal(str(round(rng.uniform(kind.low, kind.high), 2)))
            uuid = self._uuid()
            active = self._random() > 0.03
            rows.append((uuid, f"{v.product_prefix}-{10001 + index}", name, kind.unit, price, "", active))
            self.products.append((uuid, name, price, kind.fractional))
        return rows

    def contact_chunks(self, count: int) -> Iterator[tuple[list[Row], list[Row]]]:
        """Contacts with their contact persons, CHUNK contacts at a time."""
        v, p = self.vocabulary, self.pools
        random, slugs, uuid, phone = self._random, p.slugs, self._uuid, self._phone
        places, streets, firsts, lasts = p.places, p.streets, p.first_names, p.last_names
        tlds, mail_domains, notes, persons_per = v.tlds, p.mail_domains, v.notes, PERSONS_PER_COMPANY
        german, prefix, country = v.faker_locale == "de_DE", v.contact_prefix, v.country
        for start in range(0, count, CHUNK):
            contacts: list[Row] = []
            persons: list[Row] = []
            for index in range(start, min(start + CHUNK, count)):
                postal_code, city = places[int(random() * len(places))]
                house, street = 1 + int(random() * 199), streets[int(random() * len(streets))]
                contact_uuid = uuid()
                if random() < 0.7:
                    name, name_slug = self._company_name()
                    domain = f"{name_slug}.{tlds[int(random() * len(tlds))]}"
                    kind, email, website = "company", f"info@{domain}", f"https://www.{domain}"
                else:
                    first, last = firsts[int(random() * len(firsts))], lasts[int(random() * len(lasts))]
                    name, kind, website = f"{first} {last}", "person", ""
                    domain = mail_domains[int(random() * len(mail_domains))]
                    email = f"{slugs[first]}.{slugs[last]}@{domain}"
                contacts.append(
                    (
                        contact_uuid,
                        f"{prefix}{10001 + index}",
                        name,
                        kind,
                        f"{street} {house}" if german else f"{house} {street}",
                        postal_code,
                        city,
                        country,
                        phone(),
                        email,
                        website,
                        notes[int(random() * len(notes))],
                    )
                )
                self.contacts.append((contact_uuid, name))
                if kind == "company":
                    for _ in range(persons_per[int(random() * len(persons_per))]):
                        persons.append(self._contact_person(contact_uuid, domain))
            yield contacts, persons

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
        email = f"{p.slugs[first]}.{p.slugs[last]}@{domain}"
        return (self._uuid(), contact_uuid, first, last, self._pick(p.jobs), self._phone(), email)

    def order_chunks(self, count: int, today: dt.date) -> Iterator[tuple[list[Row], list[Row]]]:
        """Sales orders with 1-4 lines each; an order's total is the sum of its line amounts."""
        random, uuid = self._random, self._uuid
        contacts, employees, products, discounts = self.contacts, self.employees, self.products, DISCOUNTS
        prefixes, days = (
            self.vocabulary.order_prefixes,
            [today - dt.timedelta(days=d) for d in range(3 * 365 + 1)],
        )
        for start in range(0, count, CHUNK):
            orders: list[Row] = []
            lines: list[Row] = []
            for index in range(start, min(start + CHUNK, count)):
                status = STATUS_MIX[int(random() * len(STATUS_MIX))]
                order_date = days[int(random() * len(days))]
                contact_uuid = contacts[int(random() * len(contacts))][0]
                employee_uuid = employees[int(random() * len(employees))]
                order_uuid, amounts = uuid(), []
                for position in range(1, 2 + int(random() * 4)):
                    product_uuid, name, price, fractional = products[int(random() * len(products))]
                    if fractional:
                        quantity = Decimal(1 + int(random() * 40)) / 2
                    else:
                        quantity = Decimal(1 + int(random() * 20))
                    discount = discounts[int(random() * len(discounts))]
                    vat_rate = REDUCED_VAT if fractional else STANDARD_VAT  # goods sold by weight: food
                    lines.append(
                        (
                            uuid(),
                            order_uuid,
                            product_uuid,
                            position,
                            name,
                            quantity,
                            price,
                            discount,
                            vat_rate,
                        )
                    )
                    amounts.append(line_amount(quantity, unit_price=price, discount_percent=discount))
                number = f"{prefixes[status]}-{100001 + index}"
                orders.append(
                    (
                        order_uuid,
                        number,
                        status,
                        order_date,
                        contact_uuid,
                        employee_uuid,
                        None,
                        None,
                        "",
                        "",
                        order_total(amounts),
                    )
                )
            yield orders, lines

    def activity_chunks(self, count: int) -> Iterator[list[Row]]:
        """Calls, meetings, tasks and e-mails in office hours, from a year ago to two months ahead."""
        random, uuid, now = self._random, self._uuid, self.now
        contacts, employees, subjects = self.contacts, self.employees, self.vocabulary.subjects
        today = now.date()
        days = [today + dt.timedelta(days=offset) for offset in range(-365, 61)]
        durations = [
            dt.timedelta(minutes=minutes) for minutes in range(max(h for _, h in MINUTES.values()) + 1)
        ]
        for first in range(0, count, CHUNK):
            rows: list[Row] = []
            for _ in range(first, min(first + CHUNK, count)):
                kind = ACTIVITY_KINDS[int(random() * len(ACTIVITY_KINDS))]
                day = days[int(random() * len(days))]
                hour, minute = 7 + int(random() * 10), QUARTERS[int(random() * len(QUARTERS))]
                start = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)
                low, high = MINUTES[kind]
                end = start + durations[low + int(random() * (high - low + 1))]
                contact_uuid, contact_name = (
                    contacts[int(random() * len(contacts))] if random() < 0.9 else (None, "")
                )
                subject = subjects[kind][int(random() * len(subjects[kind]))]
                rows.append(
                    (
                        uuid(),
                        kind,
                        f"{subject}: {contact_name}"[:200] if contact_name else subject,
                        start,
                        end,
                        end < now and random() < 0.9,
                        contact_uuid,
                        employees[int(random() * len(employees))],
                        "",
                    )
                )
            yield rows
