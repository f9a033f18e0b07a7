"""Ordering a list by a text column in the reader's language (see ``models.collation``).

On PostgreSQL the column is ordered by the language's ICU collation (an index on the collated
column serves it); elsewhere by the column's sort key, where it has one (indexed as well).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from models.collation import COLLATIONS, sort_key_columns
from services.i18n import normalise_language


def order_column(model: Any, name: str, *, language: str, dialect: str) -> ColumnElement[Any]:
    """The expression to order ``model`` by when the list is sorted by its column ``name``."""
    column = getattr(model, name)
    keys = {source: key for key, source in sort_key_columns(model.__table__).items()}
    if name not in keys:
        return column
    if dialect == "postgresql":
        return column.collate(COLLATIONS[normalise_language(language)])
    return getattr(model, keys[name])
