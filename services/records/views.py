"""Frozen results of the register services (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, kw_only=True, slots=True)
class RegisterRow:
    """One record: ``values`` holds the register's fields (and lookup columns) as Python values;
    ``labels`` holds the display name of every referenced record (field name -> text);
    ``version`` is what a save of a changed form is guarded by (``services.records.edits``)."""

    id: int
    uuid: str
    values: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict)
    read_only: bool = False
    version: int = 0


@dataclass(frozen=True, kw_only=True, slots=True)
class ListPage:
    """One page of a list: the rows, how many match in total, and which page this is."""

    rows: tuple[RegisterRow, ...]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True, kw_only=True, slots=True)
class Option:
    """A record offered in a chooser: its UUID and its display name."""

    uuid: str
    label: str
