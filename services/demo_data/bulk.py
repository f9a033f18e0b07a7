"""Bulk INSERT through the driver's executemany, with SQLAlchemy's own value conversion.

A Core ``insert()`` with a list of dicts spends most of its time building a parameter dict per
row. Here the statement is compiled once per table, each column's bind processor is looked up
once, and every row becomes one tuple (or dict, for drivers with named parameters) of values
already converted exactly as SQLAlchemy would convert them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert

Processor = Callable[[Any], Any]


class BulkInsert:
    """A compiled INSERT of every column but the integer key, for one table and connection."""

    def __init__(self, connection: Connection, table: Table) -> None:
        dialect = connection.dialect
        names = [column.key for column in table.columns if not column.primary_key]
        compiled = insert(table).compile(dialect=dialect, column_keys=names)
        self._connection = connection
        self._sql = str(compiled)
        self._positional = bool(compiled.positional)
        self._names = list(compiled.positiontup or names) if self._positional else names
        self._get = itemgetter(*self._names)
        self._processors: list[tuple[int, Processor]] = []
        for index, name in enumerate(self._names):
            processor = table.columns[name].type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self._processors.append((index, _remembering(processor)))

    def __call__(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert ``rows`` (dicts with a value for every column but the key); returns their number."""
        if not rows:
            return 0
        get, processors = self._get, self._processors
        params: list[Any] = []
        for row in rows:
            values = list(get(row))
            for index, processor in processors:
                values[index] = processor(values[index])
            params.append(tuple(values) if self._positional else dict(zip(self._names, values, strict=True)))
        self._connection.exec_driver_sql(self._sql, params)
        return len(rows)


def _remembering(processor: Processor) -> Processor:
    """Convert a value that repeats row after row (the fill time, a company id) only once."""
    last: list[Any] = [object(), None]

    def process(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, processor(value)
        return last[1]

    return process
