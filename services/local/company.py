"""Company databases: list, create, open, registration information."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company
from services.errors import NotFound, ValidationFailed
from services.local.views import CompanyView

SAMPLE_COMPANY_NAME = "Beispielfirma / Sample company"
REGISTRATION_FIELDS = (
    "name", "street", "postal_code", "city", "country", "phone", "email", "registration_number",
)  # fmt: skip


def company_view(c: Company) -> CompanyView:
    return CompanyView(
        id=c.id,
        uuid=c.uuid,
        name=c.name,
        is_sample=c.is_sample,
        street=c.street,
        postal_code=c.postal_code,
        city=c.city,
        country=c.country,
        phone=c.phone,
        email=c.email,
        registration_number=c.registration_number,
        created_at=c.created_at,
    )


def validate_registration(values: dict[str, str]) -> dict[str, str]:
    """Clean registration values; raise with per-field message keys when they are unusable."""
    cleaned = {k: str(values.get(k) or "").strip() for k in REGISTRATION_FIELDS}
    errors: dict[str, str] = {}
    if not cleaned["name"]:
        errors["name"] = "validation.required"
    elif len(cleaned["name"]) > 200:
        errors["name"] = "validation.too_long"
    email = cleaned["email"]
    if email and ("@" not in email or "." not in email.split("@")[-1] or " " in email):
        errors["email"] = "validation.email"
    if errors:
        raise ValidationFailed(errors)
    return cleaned


class CompanyService:
    """Company databases of this Business Software installation."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def list_companies(self) -> list[CompanyView]:
        with self._sessions() as s:
            return [
                company_view(c) for c in s.scalars(select(Company).order_by(Company.is_sample, Company.name))
            ]

    def get_company(self, company_id: int) -> CompanyView:
        with self._sessions() as s:
            company = s.get(Company, company_id)
            if company is None:
                raise NotFound("company.not_found")
            return company_view(company)

    def create_company(self, values: dict[str, str], *, is_sample: bool = False) -> CompanyView:
        cleaned = validate_registration(values)
        with self._sessions.begin() as s:
            if s.scalar(select(func.count()).where(func.lower(Company.name) == cleaned["name"].lower())):
                raise ValidationFailed({"name": "company.name_taken"})
            company = Company(is_sample=is_sample, **cleaned)
            s.add(company)
            s.flush()
            return company_view(company)

    def update_registration(self, company_id: int, values: dict[str, str]) -> CompanyView:
        cleaned = validate_registration(values)
        with self._sessions.begin() as s:
            company = s.get(Company, company_id)
            if company is None:
                raise NotFound("company.not_found")
            for key, value in cleaned.items():
                setattr(company, key, value)
            return company_view(company)

    def ensure_sample_company(self) -> CompanyView | None:
        """Create the flagged sample company database on first start; None if it exists."""
        with self._sessions() as s:
            if s.scalar(select(Company.id).where(Company.is_sample).limit(1)) is not None:
                return None
        return self.create_company(
            {
                "name": SAMPLE_COMPANY_NAME,
                "street": "Musterstraße 1",
                "postal_code": "10115",
                "city": "Berlin",
                "country": "Deutschland",
                "phone": "+49 30 1234567",
                "email": "info@beispielfirma.example",
                "registration_number": "HRB 12345",
            },
            is_sample=True,
        )
