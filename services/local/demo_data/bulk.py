"""Bulk INSERT through the driver's executemany, with SQLAlchemy's own value conversion.

A Core ``insert()`` with a list of dicts spends most of its time building a parameter dict per
row. Here the statement is compiled once per table, each column's bind processor is looked up
once, and every row (a tuple) becomes one tuple (or dict, for drivers with named parameters) of
values already converted exactly as SQLAlchemy would convert them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Dialect, Table, insert

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
    with _dropped(
        connection,
        "TRIGGER",
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
        tables,
    ):
        yield


@contextmanager
def indexes_suspended(connection: Connection, tables: Sequence[str]) -> Iterator[None]:
    """Drop the secondary indexes of ``tables`` for the block and build them again after it.

    For a block that writes most of the rows the tables will hold: SQLite builds an index from
    scratch by sorting, several times faster than it inserts the same keys one row at a time in
    random order (names, cities, references). Unique indexes stay: they check the rows and serve
    the foreign key look-ups of the block. As with ``triggers_suspended``, a rollback brings the
    dropped indexes back.
    """
    with _dropped(
        connection,
        "INDEX",
        "SELECT m.name, m.sql FROM sqlite_master AS m JOIN pragma_index_list(m.tbl_name) AS i "
        "ON i.name = m.name WHERE m.type = 'index' AND i.\"unique\" = 0 "
        "AND m.tbl_name IN ({marks}) ORDER BY m.name",
        tables,
    ):
        yield


@contextmanager
def _dropped(connection: Connection, kind: str, listing: str, tables: Sequence[str]) -> Iterator[None]:
    """SQLite: drop the schema objects ``listing`` names (name, sql) for ``tables`` for the block,
    then create them again from their stored SQL (inside the caller's transaction)."""
    if connection.dialect.name != "sqlite" or not tables:
        yield
        return
    marks = ", ".join("?" for _ in tables)
    found = connection.exec_driver_sql(listing.format(marks=marks), tuple(tables)).all()
    for name, _sql in found:
        connection.exec_driver_sql(f'DROP {kind} "{name}"')
    yield
    for _name, sql in found:
        connection.exec_driver_sql(sql)


class BulkInsert:
    """A compiled INSERT of one table, for rows given as tuples of ``columns``.

    ``constants`` are the values every row shares (the company, the fill time): converted once
    and added to each row, like the sort keys derived from the row's own values. Together they
    must cover every column but the integer key and the row version (which starts at its server
    default, 1).
    """

    def __init__(
        self, connection: Connection, table: Table, *, columns: Sequence[str], constants: Mapping[str, Any]
    ) -> None:
        dialect = connection.dialect
        sort_keys = sort_key_columns(table)
        order = [*columns, *constants, *sort_keys]
        wanted = {
            column.key for column in table.columns if not column.primary_key and column.key != "version"
        }
        if len(set(order)) != len(order) or set(order) != wanted:
            raise ValueError(f"{table.name}: columns {sorted(set(order) ^ wanted)} missing or extra")
        compiled = insert(table).compile(dialect=dialect, column_keys=order)
        self._connection = connection
        self._sql = str(compiled)
        self._positional = bool(compiled.positional)
        self._names = list(compiled.positiontup or order) if self._positional else order
        position = {name: index for index, name in enumerate(order)}
        permutation = [position[name] for name in self._names]
        self._reorder = None if permutation == list(range(len(order))) else itemgetter(*permutation)
        processors = {name: _bind_processor(table, name, dialect) for name in order}
        self._constants = tuple(
            value if processors[name] is None else processors[name](value)  # type: ignore[misc]
            for name, value in constants.items()
        )
        self._processors = [
            (index, _memoized(processor))
            for index, name in enumerate(columns)
            if (processor := processors[name]) is not None
        ]
        self._key_sources = [position[source] for source in sort_keys.values()]

    def params(self, rows: Sequence[tuple[Any, ...]]) -> list[Any]:
        """Driver parameters for ``rows``."""
        constants, processors, sources, reorder = (
            self._constants,
            self._processors,
            self._key_sources,
            self._reorder,
        )
        params: list[Any] = []
        for row in rows:
            values = list(row)
            for index, processor in processors:
                values[index] = processor(values[index])
            values += constants
            for source in sources:
                values.append(sort_key(row[source]))
            params.append(reorder(values) if reorder else tuple(values))
        if not self._positional:
            params = [dict(zip(self._names, values, strict=True)) for values in params]
        return params

    def execute(self, params: list[Any]) -> int:
        """One executemany of prepared parameters; returns the number of rows."""
        if params:
            self._connection.exec_driver_sql(self._sql, params)
        return len(params)


def _bind_processor(table: Table, name: str, dialect: Dialect) -> Processor | None:
    processor: Processor | None = table.columns[name].type.dialect_impl(dialect).bind_processor(dialect)
    return processor


def _memoized(processor: Processor) -> Processor:
    """Convert each distinct value once: demo values repeat (dates, prices, rates, flags)."""
    converted: dict[Any, Any] = {}

    def process(value: Any) -> Any:
        try:
            return converted[value]
        except KeyError:
            result = converted[value] = processor(value)
            return result

    return process
