"""Bulk INSERT through the driver's executemany, with SQLAlchemy's own value conversion.

A Core ``insert()`` with a list of dicts spends most of its time building a parameter dict per
row. Here the statement is compiled once per table, each column's bind processor is looked up
once, and every row becomes one tuple (or dict, for drivers with named parameters) of values
already converted exactly as SQLAlchemy would convert them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert

from models.collation import sort_key, sort_key_columns

Processor = Callable[[Any], Any]
FILL_CACHE_KIB = 128 * 1024


@contextmanager
def roomy_cache(connection: Connection) -> Iterator[None]:
    """Give SQLite 128 MB of page cache while a fill runs on this connection.

    With the default 2 MB, every row's index and foreign-key lookups re-read pages from the
    operating system; at size L the larger cache nearly halves the time spent in SQLite.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size=-{FILL_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={previous}")


@contextmanager
def triggers_suspended(connection: Connection, tables: Sequence[str]) -> Iterator[None]:
    """Drop the SQLite triggers of ``tables`` for the block and create them again after it.

    Only for a caller that knows the triggers would do nothing for what it writes (the fill
    refuses companies whose changes are tracked for sync). A table with a trigger makes SQLite
    keep a statement journal of every page each row touches, which more than doubles the cost
    of a bulk insert. Dropping and re-creating happen in the caller's transaction: if the block
    fails, the rollback brings the triggers back.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    marks = ", ".join("?" for _ in tables)
    triggers = connection.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
        tuple(tables),
    ).all()
    for name, _sql in triggers:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    for _name, sql in triggers:
        connection.exec_driver_sql(sql)


@contextmanager
def indexes_suspended(connection: Connection, tables: Sequence[str]) -> Iterator[None]:
    """Drop the secondary indexes of ``tables`` for the block and build them again after it.

    For a block that writes most of the rows the tables will hold: SQLite builds an index from
    scratch by sorting, several times faster than it inserts the same keys one row at a time in
    random order (names, cities, references). Unique indexes stay: they check the rows and serve
    the foreign key look-ups of the block. As with ``triggers_suspended``, a rollback brings the
    dropped indexes back.
    """
    if connection.dialect.name != "sqlite" or not tables:
        yield
        return
    marks = ", ".join("?" for _ in tables)
    indexes = connection.exec_driver_sql(
        "SELECT m.name, m.sql FROM sqlite_master AS m JOIN pragma_index_list(m.tbl_name) AS i "
        "ON i.name = m.name WHERE m.type = 'index' AND i.\"unique\" = 0 "
        f"AND m.tbl_name IN ({marks}) ORDER BY m.name",
        tuple(tables),
    ).all()
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        connection.exec_driver_sql(sql)


class BulkInsert:
    """A compiled INSERT of every column but the integer key (and the row version), for one table
    and connection."""

    def __init__(self, connection: Connection, table: Table) -> None:
        dialect = connection.dialect
        # The row version starts at its server default (1).
        names = [column.key for column in table.columns if not column.primary_key and column.key != "version"]
        compiled = insert(table).compile(dialect=dialect, column_keys=names)
        self._connection = connection
        self._sql = str(compiled)
        self._positional = bool(compiled.positional)
        self._names = list(compiled.positiontup or names) if self._positional else names
        self._get = itemgetter(*self._names)
        self._sort_keys = tuple(sort_key_columns(table).items())  # derived from the row's own values
        self._processors: list[tuple[int, Processor]] = []
        for index, name in enumerate(self._names):
            processor = table.columns[name].type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self._processors.append((index, _remembering(processor)))

    def params(self, rows: Sequence[dict[str, Any]]) -> list[Any]:
        """Driver parameters for ``rows`` (dicts with a value for every column but the key)."""
        get, processors = self._get, self._processors
        params: list[Any] = []
        for row in rows:
            for key, source in self._sort_keys:
                row[key] = sort_key(row[source])
            values = list(get(row))
            for index, processor in processors:
                values[index] = processor(values[index])
            params.append(tuple(values) if self._positional else dict(zip(self._names, values, strict=True)))
        return params

    def execute(self, params: list[Any]) -> int:
        """One executemany of prepared parameters; returns the number of rows."""
        if params:
            self._connection.exec_driver_sql(self._sql, params)
        return len(params)


def _remembering(processor: Processor) -> Processor:
    """Convert a value that repeats row after row (the fill time, a company id) only once."""
    last: list[Any] = [object(), None]

    def process(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, processor(value)
        return last[1]

    return process
