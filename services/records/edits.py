"""Saving only what a person changed, guarded by the record's version (both sides).

A form remembers the values it loaded and the record's version (the row version in the Business
Software, the record's sync sequence in the Online Desktop). A save sends an ``Edit``:

- ``changes``: the fields the person changed, with the values as typed (the service cleans them);
- ``base``: the same fields' values when the form loaded them (as the service gave them);
- ``version``: the record's version when loaded (``None``: write the changes unconditionally).

Inside its write transaction the service reads the record (``RecordDeleted`` when it is gone) and
calls ``merge(edit, cleaned, current, version=...)``, which returns what to write:

- same version: every change;
- newer version: a changed field whose stored value is no longer its loaded value, and not what the
  person typed either, is a conflict; with any conflict the save stops (``EditConflict``, nothing
  written) and names each such field with theirs and mine. Fields the person did not change are
  never written, so they keep the newer value; changed fields nobody else touched merge silently.

The person then chooses (``ui/components/edits.py`` shows the dialog and sends again):

- keep theirs: ``edit.keep_theirs(conflict)`` drops the conflicting fields;
- take mine: ``edit.take_mine(conflict)`` takes their values as the new base, so mine win;
- edit: the form keeps the typed values, with their values as the new base, to be saved again.

An API caller that sends ``If-Match`` uses ``check_version`` (``VersionMismatch``, HTTP 412).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from services.errors import NotFound, ServiceError


@dataclass(frozen=True, kw_only=True, slots=True)
class Edit:
    """The changed fields of one record, their loaded values and the version they were loaded at."""

    changes: dict[str, Any]
    base: dict[str, Any] = field(default_factory=dict)
    version: int | None = None

    @classmethod
    def between(
        cls,
        loaded: Mapping[str, Any],
        *,
        typed: Mapping[str, Any],
        now: Mapping[str, Any],
        version: int | None,
    ) -> Edit:
        """The edit from a form: ``loaded`` are the service's values, ``typed`` the raw input values
        right after loading, ``now`` the raw input values at save time."""
        changed = [name for name, value in now.items() if not same(value, typed.get(name))]
        return cls(
            changes={n: now[n] for n in changed}, base={n: loaded.get(n) for n in changed}, version=version
        )

    def keep_theirs(self, conflict: EditConflict) -> Edit:
        """The edit without the conflicting fields, at the newer version (theirs stay)."""
        drop = {c.field for c in conflict.conflicts}
        return Edit(
            changes={k: v for k, v in self.changes.items() if k not in drop},
            base={k: v for k, v in self.base.items() if k not in drop},
            version=conflict.version,
        )

    def take_mine(self, conflict: EditConflict) -> Edit:
        """The same changes on top of the newer version: mine replace theirs."""
        return replace(
            self,
            base={**self.base, **{c.field: c.theirs for c in conflict.conflicts}},
            version=conflict.version,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class FieldConflict:
    field: str
    theirs: Any
    mine: Any
    base: Any = None


class EditConflict(ServiceError):
    """Someone else changed a field this edit also changed: nothing was written."""

    key = "edits.conflict"
    status_code = 409

    def __init__(
        self,
        conflicts: tuple[FieldConflict, ...],
        *,
        version: int,
        changed_at: dt.datetime | None = None,
        changed_by: str = "",
    ) -> None:
        super().__init__()
        self.conflicts, self.version = conflicts, version
        self.changed_at, self.changed_by = changed_at, changed_by


class RecordDeleted(NotFound):
    """The record was deleted since the form loaded it."""

    key = "edits.deleted"


class VersionMismatch(ServiceError):
    """``If-Match`` named another version than the stored one (nothing written)."""

    key = "edits.stale"
    status_code = 412


def merge(
    edit: Edit,
    *,
    cleaned: Mapping[str, Any],
    current: Mapping[str, Any],
    version: int,
    changed_at: dt.datetime | None = None,
    changed_by: str = "",
) -> dict[str, Any]:
    """The values to write (``cleaned`` are the edit's changes after cleaning, ``current`` the stored
    values); raises ``EditConflict`` when a changed field was also changed by someone else."""
    if edit.version is None or edit.version == version:
        return dict(cleaned)
    conflicts = tuple(
        FieldConflict(field=name, theirs=current[name], mine=value, base=edit.base.get(name))
        for name, value in cleaned.items()
        if name in current and not same(current[name], edit.base.get(name)) and not same(current[name], value)
    )
    if conflicts:
        raise EditConflict(conflicts, version=version, changed_at=changed_at, changed_by=changed_by)
    return dict(cleaned)


def check_version(expected: int | None, version: int) -> None:
    """``If-Match`` (``expected``) must name the stored version."""
    if expected is not None and expected != version:
        raise VersionMismatch(version=version)


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields whose values differ (for marking what a colleague changed)."""
    return tuple(name for name in after if name in before and not same(before[name], after[name]))


def same(a: Any, b: Any) -> bool:
    """Equal as values: blank text equals None, numbers compare by value, datetimes by instant."""
    if a is None or a == "":
        return b is None or b == ""
    if b is None or b == "":
        return False
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return _aware(a) == _aware(b)
    if _numeric(a) or _numeric(b):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except (InvalidOperation, ValueError):
            return False
    return bool(a == b)


def _numeric(value: Any) -> bool:
    return isinstance(value, Decimal | int | float) and not isinstance(value, bool)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
