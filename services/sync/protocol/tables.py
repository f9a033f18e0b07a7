"""The synced tables as the sync protocol sees them, derived from the models (never hand-kept).

A table's protocol name is its local table name (``models.local.SYNCED_MODELS`` order, parents
before children). Its synced columns are the local model's columns minus the local key, the
owning company and ``updated_at``; the online model must declare the same columns, checked at
import time. References to other synced tables (``contact_uuid`` ...) carry the local foreign
key's ``ON DELETE`` rule, which the online side mirrors so both sides delete the same rows.

Every value travels in one "wire" form per column kind (see PROTOCOL.md): text as str, integers
as int, booleans as bool, numerics as JSON numbers, dates as ``YYYY-MM-DD`` and UTC datetimes as
``YYYY-MM-DD HH:MM:SS.ffffff``. Checksums hash the wire form, so both sides agree whatever the
database engine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Boolean, Date, Integer, Numeric, String, Text
from sqlalchemy.orm import DeclarativeBase

from models.collation import sort_key, sort_key_columns
from models.local import SYNCED_MODELS
from models.online import SYNCED_ONLINE_MODELS
from models.types import UTCDateTime

Kind = Literal["str", "int", "bool", "numeric", "date", "datetime"]
LOCAL_ONLY_COLUMNS = frozenset({"id", "company_id", "updated_at", "uuid", "version"})
ONLINE_ONLY_COLUMNS = frozenset({"tenant_id", "seq", "deleted", "updated_at", "uuid"})
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    name: str
    kind: Kind
    nullable: bool
    max_length: int | None = None
    scale: int = 0
    limit: float = 0.0  # numerics: absolute values must stay below this
    # The wire value a new row gets when a change leaves this column out (None: no default).
    default: Any = None
    has_default: bool = False


@dataclass(frozen=True, slots=True)
class RefSpec:
    column: str
    target: str  # protocol name of the referenced table
    on_delete: Literal["CASCADE", "SET NULL"]


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    online_table: str
    columns: tuple[ColumnSpec, ...]
    refs: tuple[RefSpec, ...]
    # Derived sort key columns of the table on both sides: (key column, synced source column).
    sort_keys: tuple[tuple[str, str], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def with_sort_keys(self, rows: Sequence[Sequence[Any]], offset: int = 0) -> list[list[Any]]:
        """``rows`` (synced columns in order, starting at ``offset``) with each sort key appended."""
        positions = [offset + self.column_names.index(source) for _key, source in self.sort_keys]
        return [[*row, *(sort_key(row[p]) for p in positions)] for row in rows]

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


def _kind(column_type: object) -> Kind:
    if isinstance(column_type, UTCDateTime):
        return "datetime"
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, Numeric):
        return "numeric"
    if isinstance(column_type, Integer):
        return "int"
    if isinstance(column_type, Date):
        return "date"
    if isinstance(column_type, String | Text):
        return "str"
    raise TypeError(f"no wire form for column type {column_type!r}")


def _column_spec(column: Any) -> ColumnSpec:
    kind = _kind(column.type)
    default = _default(kind, column)
    if kind == "numeric":
        precision, scale = column.type.precision or 18, column.type.scale or 0
        return ColumnSpec(
            column.name, kind, column.nullable, scale=scale, limit=10.0 ** (precision - scale), **default
        )
    length = getattr(column.type, "length", None) if kind == "str" else None
    return ColumnSpec(column.name, kind, bool(column.nullable), max_length=length, **default)


def _default(kind: Kind, column: Any) -> dict[str, Any]:
    """The column's constant default as a wire value; a nullable column defaults to None."""
    arg = getattr(column.default, "arg", None)
    if column.default is not None and not callable(arg):
        return {"default": column_to_wire(kind, [arg])[0], "has_default": True}
    if column.nullable:
        return {"default": None, "has_default": True}
    return {}


def _refs(model: type[DeclarativeBase], synced_names: set[str]) -> tuple[RefSpec, ...]:
    refs = []
    for column in model.__table__.columns:
        for fk in column.foreign_keys:
            target = fk.column.table.name
            if target in synced_names and fk.column.name == "uuid":
                refs.append(
                    RefSpec(column.name, target, "SET NULL" if fk.ondelete == "SET NULL" else "CASCADE")
                )
    return tuple(refs)


def _build_specs() -> dict[str, TableSpec]:
    names = {m.__tablename__ for m in SYNCED_MODELS}
    specs: dict[str, TableSpec] = {}
    for model in SYNCED_MODELS:
        name = model.__tablename__
        online = SYNCED_ONLINE_MODELS[name]
        # Sort keys (models.collation) are derived on each side, never sent; so are the online
        # side's derived search columns.
        local_cols = [
            c
            for c in model.__table__.columns
            if c.name not in LOCAL_ONLY_COLUMNS and "sort_key_of" not in c.info
        ]
        derived = ("sort_key_of", "derived")
        online_cols = {
            c.name for c in online.__table__.columns if not any(k in c.info for k in derived)
        } - ONLINE_ONLY_COLUMNS
        if {c.name for c in local_cols} != online_cols:
            raise RuntimeError(f"synced columns of {name} differ between local and online models")
        specs[name] = TableSpec(
            name=name,
            online_table=online.__tablename__,
            columns=tuple(_column_spec(c) for c in local_cols),
            refs=_refs(model, names),
            sort_keys=tuple(sort_key_columns(model.__table__).items()),
        )
    return specs


def schema_version() -> str:
    """A short fingerprint of every synced column: both sides must agree on it."""
    text = ";".join(
        f"{t.name}:" + ",".join(f"{c.name}/{c.kind}/{int(c.nullable)}" for c in t.columns)
        for t in TABLES.values()
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- database values -> wire values -------------------------------------------------------------


def _datetime_to_wire(value: Any) -> str:
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " ":
            return value
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return str(value.isoformat(sep=" ", timespec="microseconds"))  # strftime leaves "999" unpadded


def _date_to_wire(value: Any) -> str:
    return value if isinstance(value, str) else str(value.isoformat())


def _numeric_to_wire(value: Any) -> int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal | str):
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    raise TypeError(f"not a number: {value!r}")


def column_to_wire(kind: Kind, values: Sequence[Any]) -> Sequence[Any]:
    """Convert one column of raw database values (SQLite or PostgreSQL) to wire values.

    Raw SQLite values are mostly wire values already; the checks below keep that common case at
    C speed, which matters when a snapshot reads hundreds of thousands of rows.
    """
    if kind in ("str", "int") or not values:
        return values
    types = set(map(type, values))
    if kind == "bool":
        if types <= {bool}:
            return values
        if types <= {int, bool}:
            return list(map(bool, values))
        return [None if v is None else bool(v) for v in values]
    if kind == "numeric" and types <= {int, float}:
        return values
    if kind == "date" and types <= {str}:
        return values
    if kind == "datetime" and types <= {str, type(None)}:
        present = [v for v in values if v is not None]
        if not present or (set(map(len, present)) == {26} and {v[10] for v in present} == {" "}):
            return values
    converters: dict[str, Callable[[Any], Any]] = {
        "numeric": _numeric_to_wire,
        "date": _date_to_wire,
        "datetime": _datetime_to_wire,
    }
    convert = converters[kind]
    return [None if v is None else convert(v) for v in values]


def columns_to_wire(spec: TableSpec, columns: Sequence[Sequence[Any]]) -> list[Any]:
    """``columns[0]`` holds the uuids, the rest follow ``spec.columns``."""
    out: list[Any] = [columns[0]]
    for column, values in zip(spec.columns, columns[1:], strict=True):
        out.append(column_to_wire(column.kind, values))
    return out


# --- checksums -----------------------------------------------------------------------------------

DIGEST_BLOCK = 4096  # rows per hashed block; both sides read the table in blocks of this size


def _canonical_column(column: ColumnSpec | None, values: Sequence[Any]) -> str:
    """One column of a block as text: values joined by \x1f, NULL as \x00, numerics with their scale.

    Text columns (most of them) are joined at C speed; only numbers and booleans are formatted.
    """
    if column is None or column.kind in ("str", "date", "datetime"):
        present = values if None not in values else ["\x00" if v is None else v for v in values]
    elif column.kind == "numeric":
        fmt = f".{column.scale}f"
        if None not in values and set(map(type, values)) <= {int, float}:
            # the whole column in one %-format ("%.2f" % v is format(v, ".2f")), at C speed
            return (f"%{fmt}\x1f" * len(values) % tuple(values))[:-1]
        present = ["\x00" if v is None else format(v, fmt) for v in values]
    elif column.kind == "bool":
        present = ["\x00" if v is None else ("1" if v else "0") for v in values]
    else:
        present = ["\x00" if v is None else str(v) for v in values]
    return "\x1f".join(present)


class TableDigest:
    """Row count and checksum of a table's live rows, read in uuid order in blocks of
    ``DIGEST_BLOCK`` rows (byte order: ``COLLATE "C"`` on PostgreSQL). Each block is hashed
    column by column (BLAKE2b), so both sides agree exactly when they hold the same rows."""

    def __init__(self, spec: TableSpec) -> None:
        self._columns: list[ColumnSpec | None] = [None, *spec.columns]
        self._hash = hashlib.blake2b(digest_size=8)
        self.count = 0

    def add(self, wire_columns: Sequence[Sequence[Any]]) -> None:
        """One block (uuid column first), in wire form."""
        if not wire_columns or not len(wire_columns[0]):
            return
        self.count += len(wire_columns[0])
        for column, values in zip(self._columns, wire_columns, strict=True):
            self._hash.update(_canonical_column(column, values).encode())
            self._hash.update(b"\x1e")

    def canonical(self, index: int, values: Sequence[Any]) -> str:
        """Column ``index`` (0: uuid) of a block, in wire form, as the text that is hashed."""
        return _canonical_column(self._columns[index], values)

    def add_joined(self, count: int, texts: Sequence[str]) -> None:
        """One block of ``count`` rows whose columns are already that text (``sqlite_digest``)."""
        if not count:
            return
        self.count += count
        for joined in texts:
            self._hash.update(joined.encode())
            self._hash.update(b"\x1e")

    def add_encoded(self, count: int, parts: Sequence[bytes]) -> None:
        """Like ``add_joined``, with each column's text already UTF-8 bytes (``pg_digest``)."""
        if not count:
            return
        self.count += count
        for joined in parts:
            self._hash.update(joined)
            self._hash.update(b"\x1e")

    @property
    def checksum(self) -> int:
        return int.from_bytes(self._hash.digest(), "little")


def transpose(rows: Iterable[Sequence[Any]], width: int) -> list[tuple[Any, ...]]:
    """Rows to columns; an empty input gives ``width`` empty columns."""
    columns = list(zip(*rows, strict=True))
    return columns if columns else [() for _ in range(width)]


# Built last: building a column's default needs the wire conversions above.
TABLES: dict[str, TableSpec] = _build_specs()
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)  # parents before children
SCHEMA_VERSION = schema_version()
