"""Contact persons online: created and edited inside their contact with the local field rules."""

from __future__ import annotations

import pytest

from services.container import Services
from services.errors import NotFound, PermissionDenied, ValidationFailed
from services.online.workspace.sales_views import EditConflict
from tests.services.online.test_online_workspace import company, member, person


def test_persons_are_created_and_edited_inside_their_contact_by_the_local_rules(online: Services) -> None:
    owner = person(online, "chef@example.com")
    account = company(online, owner, "Müller GmbH")
    server, persons = online.online.sync_server, online.online.workspace.persons
    contact = server.apply_online_change(
        account.tenant_id, table="contacts", uuid=None, fields={"name": "Kunde AG"}
    ).uuid
    other = server.apply_online_change(
        account.tenant_id, table="contacts", uuid=None, fields={"name": "Andere KG"}
    ).uuid
    with pytest.raises(ValidationFailed) as failed:
        persons.save(
            owner, account.tenant_uuid, contact_uuid=contact, uuid=None,
            changes={"first_name": "Eva", "email": "kein-mail", "phone": "1" * 51},
        )  # fmt: skip
    assert failed.value.fields == {
        "last_name": "validation.required",
        "email": "validation.email",
        "phone": "validation.too_long",
    }
    uuid = persons.save(
        owner, account.tenant_uuid, contact_uuid=contact, uuid=None,
        changes={"first_name": "Eva", "last_name": " Meier ", "email": "eva@kunde.de"},
    )  # fmt: skip
    [seen] = persons.persons(owner, account.tenant_uuid, contact_uuid=contact)
    assert (seen.uuid, seen.values["last_name"], seen.values["email"]) == (uuid, "Meier", "eva@kunde.de")
    assert persons.persons(owner, account.tenant_uuid, contact_uuid=other) == []
    with pytest.raises(NotFound):  # a person is changed only inside its own contact
        persons.save(owner, account.tenant_uuid, contact_uuid=other, uuid=uuid, changes={"last_name": "X"})
    # a colleague changes the phone; my change of the same field is refused, of another field kept
    persons.save(
        owner, account.tenant_uuid, contact_uuid=contact, uuid=uuid,
        changes={"phone": "0221 1"}, original={"phone": ""}, seq=seen.seq,
    )  # fmt: skip
    with pytest.raises(EditConflict) as conflict:
        persons.save(
            owner, account.tenant_uuid, contact_uuid=contact, uuid=uuid,
            changes={"phone": "0221 2"}, original={"phone": ""}, seq=seen.seq,
        )  # fmt: skip
    assert conflict.value.fields == {"phone": ("", "0221 1")}
    persons.save(
        owner, account.tenant_uuid, contact_uuid=contact, uuid=uuid,
        changes={"position": "Einkauf"}, original={"position": ""}, seq=seen.seq,
    )  # fmt: skip
    [after] = persons.persons(owner, account.tenant_uuid, contact_uuid=contact)
    assert (after.values["phone"], after.values["position"]) == ("0221 1", "Einkauf")
    reader = person(online, "leser@example.com")
    member(online, account.tenant_id, reader, "read_only")
    assert len(persons.persons(reader, account.tenant_uuid, contact_uuid=contact)) == 1
    with pytest.raises(PermissionDenied):
        persons.save(reader, account.tenant_uuid, contact_uuid=contact, uuid=None, changes={"last_name": "Y"})
    stranger = person(online, "fremd@example.com")
    foreign = company(online, stranger, "Fremd GmbH")
    with pytest.raises(NotFound):
        persons.persons(stranger, foreign.tenant_uuid, contact_uuid=contact)
