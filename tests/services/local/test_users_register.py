"""The users register: Super Users keep Business Software users; one active Super User remains."""

from __future__ import annotations

import pytest

from services.container import Services
from services.errors import PermissionDenied, ValidationFailed
from services.local.registers.users import UserAdminService
from tests.conftest import ADMIN_PASSWORD
from tests.services.local.registers_factories import add, new_company

GOOD_PASSWORD = "Lange-Leitung-77"


@pytest.fixture
def admin_id(services: Services) -> int:
    services.local.auth.ensure_admin(ADMIN_PASSWORD)
    return services.local.auth.login("admin", ADMIN_PASSWORD).user.id


def users(services: Services) -> UserAdminService:
    return services.local.users


def test_a_user_is_created_with_a_linked_employee_and_can_log_in(services: Services, admin_id: int) -> None:
    company = new_company(services)
    eva = add(services, company, "employees", first_name="Eva", last_name="Klein", email="eva@example.com")
    created = users(services).create_user(
        admin_id,
        company_id=company,
        values={"username": "eva", "full_name": "Eva Klein", "employee_uuid": eva.uuid},
        password=GOOD_PASSWORD,
    )
    assert created.labels == {"employee_uuid": "Eva Klein"}
    assert services.local.auth.login("eva", GOOD_PASSWORD).user.employee_uuid == eva.uuid
    assert [r.values["username"] for r in users(services).list_users(admin_id, search="EVA").rows] == ["eva"]


def test_a_weak_password_and_a_taken_name_are_refused_together(services: Services, admin_id: int) -> None:
    company = new_company(services)
    with pytest.raises(ValidationFailed) as failed:
        users(services).create_user(
            admin_id, company_id=company, values={"username": "Admin"}, password="kurz"
        )
    assert failed.value.fields == {
        "username": "registers.users.username_taken",
        "password": "password.too_short",
    }


def test_an_employee_of_another_company_cannot_be_linked(services: Services, admin_id: int) -> None:
    mine, theirs = new_company(services, "Mine"), new_company(services, "Theirs")
    stranger = add(services, theirs, "employees", last_name="Fremd")
    with pytest.raises(ValidationFailed) as failed:
        users(services).update_user(
            admin_id, company_id=mine, user_id=admin_id, values={"employee_uuid": stranger.uuid}
        )
    assert failed.value.fields == {"employee_uuid": "validation.choice"}


def test_the_last_active_super_user_cannot_be_demoted_or_deactivated(
    services: Services, admin_id: int
) -> None:
    company = new_company(services)
    with pytest.raises(ValidationFailed) as failed:
        users(services).update_user(
            admin_id, company_id=company, user_id=admin_id, values={"is_super_user": False}
        )
    assert failed.value.fields == {"is_super_user": "registers.users.last_super_user"}
    other = users(services).create_user(
        admin_id,
        company_id=company,
        values={"username": "chefin", "is_super_user": True},
        password=GOOD_PASSWORD,
    )
    users(services).update_user(
        admin_id, company_id=company, user_id=admin_id, values={"is_super_user": False}
    )
    with pytest.raises(ValidationFailed):
        users(services).update_user(other.id, company_id=company, user_id=other.id, values={"active": False})
    assert users(services).get_user(other.id, other.id).values["is_super_user"] is True


def test_only_a_super_user_may_manage_users(services: Services, admin_id: int) -> None:
    company = new_company(services)
    plain = users(services).create_user(
        admin_id, company_id=company, values={"username": "plain"}, password=GOOD_PASSWORD
    )
    with pytest.raises(PermissionDenied):
        users(services).list_users(plain.id)
    with pytest.raises(PermissionDenied):
        users(services).reset_password(plain.id, user_id=admin_id, password=GOOD_PASSWORD)


def test_a_reset_password_replaces_the_old_one(services: Services, admin_id: int) -> None:
    company = new_company(services)
    plain = users(services).create_user(
        admin_id, company_id=company, values={"username": "plain"}, password=GOOD_PASSWORD
    )
    with pytest.raises(ValidationFailed) as failed:
        users(services).reset_password(admin_id, user_id=plain.id, password="password123")
    assert failed.value.fields == {"password": "password.too_common"}
    users(services).reset_password(admin_id, user_id=plain.id, password="Neues-Passwort-99")
    assert services.local.auth.login("plain", "Neues-Passwort-99").user.username == "plain"
