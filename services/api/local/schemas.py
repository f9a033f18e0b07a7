"""Request bodies and response shapes of the local REST API (bounded sizes, no unknown fields)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.i18n import translate
from services.local.api_records import ContactRecord, ProductRecord, RecordPage
from services.local.prerequisites import Condition


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LoginIn(_Body):
    name: str = Field(max_length=100)
    secret: str = Field(max_length=200)


class ContactIn(_Body):
    name: str = Field(min_length=1, max_length=200)
    number: str = Field("", max_length=20)
    kind: Literal["company", "person"] = "company"
    street: str = Field("", max_length=200)
    postal_code: str = Field("", max_length=20)
    city: str = Field("", max_length=100)
    country: str = Field("", max_length=100)
    phone: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    website: str = Field("", max_length=200)
    notes: str = Field("", max_length=10_000)


class ContactPatch(_Body):
    name: str | None = Field(None, min_length=1, max_length=200)
    number: str | None = Field(None, max_length=20)
    kind: Literal["company", "person"] | None = None
    street: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=50)
    email: str | None = Field(None, max_length=254)
    website: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=10_000)


class ProductIn(_Body):
    number: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=10_000)
    unit: str = Field("", max_length=20)
    price: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    active: bool = True


class ProductPatch(_Body):
    number: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=10_000)
    unit: str | None = Field(None, max_length=20)
    price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    active: bool | None = None


class LoginOut(BaseModel):
    token: str
    company_id: int
    expires_in: int = Field(description="Seconds of inactivity after which the token ends.")


class ContactOut(BaseModel):
    uuid: str
    number: str
    name: str
    kind: str
    street: str
    postal_code: str
    city: str
    country: str
    phone: str
    email: str
    website: str
    notes: str
    updated_at: str
    version: int = Field(description="Row version; also the ETag. Send it as If-Match to change safely.")


class ProductOut(BaseModel):
    uuid: str
    number: str
    name: str
    description: str
    unit: str
    price: str = Field(description="Decimal with two places, as text.")
    active: bool
    updated_at: str
    version: int = Field(description="Row version; also the ETag. Send it as If-Match to change safely.")


class ContactPage(BaseModel):
    items: list[ContactOut]
    total: int
    limit: int
    offset: int


class ProductPage(BaseModel):
    items: list[ProductOut]
    total: int
    limit: int
    offset: int


class IntegrationOut(BaseModel):
    id: int
    name: str
    open: bool


class ConditionOut(BaseModel):
    number: int
    name: str
    status: str
    reason: str
    details: list[str]
    fix: str | None
    fix_link: str | None


class PrerequisitesOut(BaseModel):
    ok: bool
    conditions: list[ConditionOut]


def contact_out(record: ContactRecord) -> dict[str, Any]:
    out = dataclasses.asdict(record)
    out["updated_at"] = record.updated_at.isoformat()
    return out


def product_out(record: ProductRecord) -> dict[str, Any]:
    out = dataclasses.asdict(record)
    out["price"] = str(record.price)
    out["updated_at"] = record.updated_at.isoformat()
    return out


def page_out(page: RecordPage[Any], item_out: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    return {
        "items": [item_out(i) for i in page.items],
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
    }


def condition_out(condition: Condition, lang: str) -> dict[str, Any]:
    """One prerequisite, with its texts in the caller's language."""
    return {
        "number": condition.number,
        "name": translate(condition.name_key, lang),
        "status": condition.status,
        "reason": translate(condition.reason_key, lang, **condition.reason_params),
        "details": [translate(d, lang) for d in condition.details],
        "fix": translate(condition.fix_key, lang) if condition.fix_key else None,
        "fix_link": condition.fix_link,
    }
