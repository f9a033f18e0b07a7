"""The table checksum of ``tables.TableDigest`` on PostgreSQL, computed mostly by the database.

Fetching every row (a Python object per value, a ``datetime`` and a ``Decimal`` converted per
value) made the online half of a verify cost more than the whole sync's reading. Here
PostgreSQL numbers the tenant's live rows in byte order of their uuid, cuts them into blocks of
``DIGEST_BLOCK`` rows and joins each block's column itself (``string_agg`` over the UTF-8 bytes,
NULL as a zero byte, values separated by ``\\x1f``; over the text of a column without NULLs):
exactly the bytes ``TableDigest`` hashes.
Each value is formatted in SQL as its wire text (numerics with their scale, dates ISO, times with
microseconds). A table whose numbers could lose digits as floats is read the ordinary way, so the
checksum is always the one the Business Software computes.

The numbered rows are sorted once by block and uuid and each aggregate takes them in that order:
an ``ORDER BY`` inside each aggregate made PostgreSQL before 16 sort every block
once per column (from 16 on it sees the input is sorted and the ``ORDER BY`` costs nothing, so
there it stays). The verify's sorts get ``SORT_MEMORY`` instead of spilling to disk.
"""

from __future__ import annotations

from sqlalchemy import Connection

from services.sync.protocol.tables import DIGEST_BLOCK, ColumnSpec, TableDigest, TableSpec

FLOAT_DIGITS = 15  # numerics of at most this many digits format alike from NUMERIC and from float
NULL = "'\\x00'::bytea"
SEPARATOR = "'\\x1f'::bytea"
TEXT_SEPARATOR = "E'\\x1f'"
ORDER = 'uuid COLLATE "C"'
SORT_MEMORY = "64MB"  # work_mem of a verify transaction: a size-L table sorts in memory
PRESORTED_AGGREGATES = 160000  # server_version_num from which sorted input skips an aggregate's sort


def _text(column: ColumnSpec) -> str:
    """The wire text of a value (NULL stays NULL)."""
    name = f'"{column.name}"'
    if column.kind == "bool":
        return f"CASE WHEN {name} THEN '1' WHEN NOT {name} THEN '0' END"
    if column.kind == "int":
        return f"{name}::text"
    if column.kind == "numeric":
        return f"round({name}, {int(column.scale)})::text"
    if column.kind == "date":
        return f"to_char({name}, 'YYYY-MM-DD')"
    if column.kind == "datetime":
        return f"to_char({name}, 'YYYY-MM-DD HH24:MI:SS.US')"
    return name


def _joined(expression: str, *, nullable: bool, ordered: bool) -> str:
    """A block's column joined: as bytes where a NULL must become a zero byte (text cannot hold
    one), as text, a quarter cheaper, where the column has no NULL (encoded in Python)."""
    order = f" ORDER BY {ORDER}" if ordered else ""
    if not nullable:
        return f"string_agg({expression}, {TEXT_SEPARATOR}{order})"
    return f"string_agg(coalesce(convert_to({expression}, 'UTF8'), {NULL}), {SEPARATOR}{order})"


def prepare(conn: Connection) -> bool:
    """Give the verify transaction its sort memory; whether aggregates may keep their ORDER BY."""
    conn.exec_driver_sql(f"SET LOCAL work_mem = '{SORT_MEMORY}'")
    version = conn.exec_driver_sql("SELECT current_setting('server_version_num')::int").scalar_one()
    return int(version) >= PRESORTED_AGGREGATES


def in_sql(spec: TableSpec) -> bool:
    """Whether every column's wire text can be formatted in SQL exactly as in Python."""
    return all(
        column.kind != "numeric" or len(str(int(column.limit))) - 1 + column.scale <= FLOAT_DIGITS
        for column in spec.columns
    )


def pg_digest(
    conn: Connection, *, spec: TableSpec, table: str, tenant_id: int, ordered: bool = True
) -> TableDigest:
    """Digest of the tenant's live rows of ``table`` in uuid byte order, inside the caller's
    transaction; streamed block by block (a server-side cursor). ``ordered`` (see ``prepare``):
    each aggregate names its order itself; otherwise it relies on the sorted input alone."""
    digest = TableDigest(spec)
    joined = ", ".join(
        [
            _joined("uuid", nullable=False, ordered=ordered),
            *(_joined(_text(c), nullable=c.nullable, ordered=ordered) for c in spec.columns),
        ]
    )
    numbered = (
        f"SELECT (row_number() OVER (ORDER BY {ORDER}) - 1) / {DIGEST_BLOCK} AS block, * "
        f'FROM "{table}" WHERE tenant_id = %s AND deleted = false'
    )
    sql = (
        f"SELECT count(*), {joined} FROM (SELECT * FROM ({numbered}) AS n ORDER BY block, {ORDER}) AS sorted "
        "GROUP BY block ORDER BY block"
    )
    result = conn.execution_options(stream_results=True, max_row_buffer=1).exec_driver_sql(sql, (tenant_id,))
    try:
        while (row := result.fetchone()) is not None:
            count, *columns = row
            # a NULL where the column allows none gives an empty text: the checksums then differ
            parts = [(c or "").encode() if c is None or isinstance(c, str) else bytes(c) for c in columns]
            digest.add_encoded(count, parts)
    finally:
        result.close()
    return digest
