"""The local REST API and online contact edits follow the register rules of Business Software:
required fields, e-mail addresses, unique numbers and automatic numbering."""

from __future__ import annotations

import httpx
import pytest

from models.online import OnlineId
from services.container import Services
from services.errors import ValidationFailed
from services.online.workspace.records import WorkspaceRecords
from services.sync.protocol.messages import CompanyInfo
from tests.security.corpus import XSS_ADDRESSES

CONTACTS = "/api/local/v1/contacts"
PRODUCTS = "/api/local/v1/products"


async def test_the_local_api_refuses_a_second_product_with_the_same_number(
    app_client: httpx.AsyncClient, api_headers: dict[str, str]
) -> None:
    first = await app_client.post(PRODUCTS, json={"number": "DUP-1", "name": "Eins"}, headers=api_headers)
    second = await app_client.post(PRODUCTS, json={"number": "DUP-1", "name": "Zwei"}, headers=api_headers)
    assert first.status_code == 201
    assert second.status_code == 422 and second.json()["fields"] == {
        "number": "This number is already taken."
    }
    other = await app_client.post(PRODUCTS, json={"number": "DUP-2", "name": "Zwei"}, headers=api_headers)
    renumbered = await app_client.patch(
        f"{PRODUCTS}/{other.json()['uuid']}", json={"number": "DUP-1"}, headers=api_headers
    )
    assert renumbered.status_code == 422


async def test_the_local_api_numbers_a_contact_without_a_number_and_keeps_numbers_unique(
    app_client: httpx.AsyncClient, api_headers: dict[str, str]
) -> None:
    given = await app_client.post(CONTACTS, json={"name": "Erster", "number": "K10127"}, headers=api_headers)
    numbered = await app_client.post(CONTACTS, json={"name": "Zweiter"}, headers=api_headers)
    taken = await app_client.post(CONTACTS, json={"name": "Dritter", "number": "K10127"}, headers=api_headers)
    assert given.status_code == numbered.status_code == 201
    assert numbered.json()["number"] == "K10128"
    assert taken.status_code == 422 and set(taken.json()["fields"]) == {"number"}


async def test_the_local_api_needs_the_required_fields_and_real_addresses(
    app_client: httpx.AsyncClient, api_headers: dict[str, str]
) -> None:
    blank = await app_client.post(CONTACTS, json={"name": " "}, headers=api_headers)
    assert blank.status_code == 422 and "name" in blank.json()["fields"]
    for address in XSS_ADDRESSES:
        refused = await app_client.post(CONTACTS, json={"name": "X", "email": address}, headers=api_headers)
        assert refused.status_code == 422, address
        assert refused.json()["fields"] == {"email": "Not a valid e-mail address"}


@pytest.fixture
def online_owner(services: Services) -> tuple[WorkspaceRecords, int, str, int]:
    assert services.db.online is not None
    with services.db.online.begin() as s:
        owner = OnlineId(email="chefin@example.com", status="active")
        s.add(owner)
        s.flush()
        owner_id = owner.id
    account = services.require_online().sync_server.connections.create_connection(
        online_id_id=owner_id, company=CompanyInfo(name="Müller GmbH")
    )
    return services.require_online().workspace.records, owner_id, account.tenant_uuid, account.tenant_id


def test_an_online_contact_with_a_number_another_contact_has_is_refused(
    online_owner: tuple[WorkspaceRecords, int, str, int],
) -> None:
    workspace, owner, tenant, _tenant_id = online_owner
    first = workspace.save_contact(owner, tenant, uuid=None, values={"name": "Erster", "number": "K10127"})
    with pytest.raises(ValidationFailed) as refused:
        workspace.save_contact(owner, tenant, uuid=None, values={"name": "Zweiter", "number": "K10127"})
    assert refused.value.fields == {"number": "registers.number_taken"}
    second = workspace.save_contact(owner, tenant, uuid=None, values={"name": "Zweiter", "number": "K20000"})
    with pytest.raises(ValidationFailed):
        workspace.save_contact(owner, tenant, uuid=second, values={"name": "Zweiter", "number": "K10127"})
    workspace.save_contact(
        owner, tenant, uuid=first, values={"name": "Erster, neu", "number": "K10127"}
    )  # its own


def test_an_online_contact_without_a_number_gets_the_next_free_one(
    online_owner: tuple[WorkspaceRecords, int, str, int],
) -> None:
    workspace, owner, tenant, _tenant_id = online_owner
    workspace.save_contact(owner, tenant, uuid=None, values={"name": "Erster", "number": "K10127"})
    created = workspace.save_contact(owner, tenant, uuid=None, values={"name": "Zweiter", "number": ""})
    assert workspace.contact(owner, tenant, uuid=created)["number"] == "K10128"
    edited = workspace.save_contact(owner, tenant, uuid=created, values={"name": "Zweiter", "number": "  "})
    assert workspace.contact(owner, tenant, uuid=edited)["number"] == "K10129"


def test_an_online_contact_needs_a_name_and_a_real_address(
    online_owner: tuple[WorkspaceRecords, int, str, int],
) -> None:
    workspace, owner, tenant, _tenant_id = online_owner
    with pytest.raises(ValidationFailed) as refused:
        workspace.save_contact(owner, tenant, uuid=None, values={"name": "", "email": XSS_ADDRESSES[2]})
    assert refused.value.fields == {"name": "validation.required", "email": "validation.email"}
