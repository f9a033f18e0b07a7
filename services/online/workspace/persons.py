"""Contact persons created and edited online inside their contact (PRODUCT.md §3 Contacts).

The fields follow the Business Software's rules (``CONTACT_PERSON_FIELDS``: last name required,
lengths, e-mail form). Reading needs Read access to contacts, a change Full access; a save is one
transaction that resolves the role after locking the company account's row. An edit writes only
the fields the person changed; one a colleague changed meanwhile is refused with both values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.online import OnlineContact, OnlineContactPerson
from services.errors import NotFound
from services.online.workspace.access import resolve_context
from services.online.workspace.sales import ApplyTransaction, author
from services.online.workspace.sales_views import EditConflict
from services.records.edits import Edit, merge
from services.records.edits import EditConflict as SharedConflict
from services.records.fields import clean_values
from services.records.forms import CONTACT_PERSON_FIELDS
from services.sync.server.online_changes import RowChange

P = OnlineContactPerson
MAX_PERSONS = 200


@dataclass(frozen=True, kw_only=True, slots=True)
class PersonView:
    uuid: str
    seq: int
    values: dict[str, Any]  # CONTACT_PERSON_FIELDS


class WorkspacePersons:
    def __init__(self, sessions: sessionmaker[Session], apply_transaction: ApplyTransaction) -> None:
        self._sessions, self._apply = sessions, apply_transaction

    def persons(self, online_id_id: int, tenant_uuid: str, *, contact_uuid: str) -> list[PersonView]:
        """The contact's persons by last and first name."""
        with self._sessions() as s:
            ctx = resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module="contacts", level="read"
            )
            _live_contact(s, ctx.tenant_id, contact_uuid)
            rows = s.scalars(
                select(P)
                .where(P.tenant_id == ctx.tenant_id, P.contact_uuid == contact_uuid, P.deleted.is_(False))
                .order_by(P.last_name, P.first_name, P.uuid)
                .limit(MAX_PERSONS)
            )
            return [_view(row) for row in rows]

    def save(
        self,
        online_id_id: int,
        tenant_uuid: str,
        *,
        contact_uuid: str,
        uuid: str | None,
        changes: dict[str, Any],
        original: dict[str, Any] | None = None,
        seq: int | None = None,
    ) -> str:
        """Create (``uuid`` None) or change one of the contact's persons; returns its UUID.

        ``changes`` holds the fields the person changed (all for a new one), ``original`` the
        values they saw and ``seq`` the row's sequence when they opened it."""
        with self._sessions.begin() as s:
            ctx = resolve_context(
                s,
                online_id_id=online_id_id,
                tenant_uuid=tenant_uuid,
                module="contacts",
                level="full",
                for_write=True,
            )
            _live_contact(s, ctx.tenant_id, contact_uuid)
            if uuid is None:
                cleaned = clean_values(CONTACT_PERSON_FIELDS, changes)
                cleaned["contact_uuid"] = contact_uuid
                change = RowChange(table="contact_persons", uuid=None, fields=cleaned)
            else:
                row = s.scalar(
                    select(P).where(
                        P.tenant_id == ctx.tenant_id,
                        P.uuid == uuid,
                        P.contact_uuid == contact_uuid,
                        P.deleted.is_(False),
                    )
                )
                if row is None:
                    raise NotFound()
                cleaned = clean_values(CONTACT_PERSON_FIELDS, changes, partial=True)
                _refuse_conflicts(row, cleaned, original or {}, seq)
                cleaned = {k: v for k, v in cleaned.items() if getattr(row, k) != v}
                if not cleaned:
                    return uuid
                change = RowChange(table="contact_persons", uuid=uuid, fields=cleaned, must_exist=True)
            return self._apply(ctx.tenant_id, [change], session=s, by=author(s, online_id_id))[0].uuid


def _refuse_conflicts(
    row: OnlineContactPerson, cleaned: dict[str, Any], original: dict[str, Any], seq: int | None
) -> None:
    """The shared rule of ``services.records.edits``, guarded by the person's sync sequence (without
    a sequence the values seen are compared)."""
    seen = clean_values(CONTACT_PERSON_FIELDS, {k: original.get(k) for k in cleaned}, partial=True)
    current = {name: getattr(row, name) for name in cleaned}
    version = -1 if seq is None else seq
    try:
        merge(
            Edit(changes=cleaned, base=seen, version=version),
            cleaned=cleaned,
            current=current,
            version=row.seq,
        )
    except SharedConflict as conflict:
        raise EditConflict({c.field: (c.base, c.theirs) for c in conflict.conflicts}) from None


def _live_contact(s: Session, tenant_id: int, uuid: str) -> None:
    c = OnlineContact
    found = s.scalar(select(c.uuid).where(c.tenant_id == tenant_id, c.uuid == uuid, c.deleted.is_(False)))
    if found is None:
        raise NotFound()


def _view(row: OnlineContactPerson) -> PersonView:
    return PersonView(
        uuid=row.uuid, seq=row.seq, values={f.name: getattr(row, f.name) for f in CONTACT_PERSON_FIELDS}
    )
