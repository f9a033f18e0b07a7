"""The table checksum of ``tables.TableDigest`` on PostgreSQL, computed mostly by the database.

Fetching every row (a Python object per value, a ``datetime`` and a ``Decimal`` converted per
value) made the online half of a verify cost more than the whole sync's reading. Here
PostgreSQL numbers the tenant's live rows in byte order of their uuid, cuts them into blocks of
``DIGEST_BLOCK`` rows and joins each block's column itself (``string_agg`` over the UTF-8 bytes,
NULL as a zero byte, values separated by ``\\x1f``): exactly the bytes ``TableDigest`` hashes.
Each value is formatted in SQL as its wire text (numerics with their scale, dates ISO, times with
microseconds). A table whose numbers could lose digits as floats is read the ordinary way, so the
checksum is always the one the Business Software computes.
"""

from __future__ import annotations

from sqlalchemy import Connection

from services.sync.protocol.tables import DIGEST_BLOCK, ColumnSpec, TableDigest, TableSpec

FLOAT_DIGITS = 15  # numerics of at most this many digits format alike from NUMERIC and from float
NULL = "'\\x00'::bytea"
SEPARATOR = "'\\x1f'::bytea"
ORDER = 'uuid COLLATE "C"'


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


def _joined(expression: str) -> str:
    return f"string_agg(coalesce(convert_to({expression}, 'UTF8'), {NULL}), {SEPARATOR} ORDER BY {ORDER})"


def in_sql(spec: TableSpec) -> bool:
    """Whether every column's wire text can be formatted in SQL exactly as in Python."""
    return all(
        column.kind != "numeric" or len(str(int(column.limit))) - 1 + column.scale <= FLOAT_DIGITS
        for column in spec.columns
    )


def pg_digest(conn: Connection, *, spec: TableSpec, table: str, tenant_id: int) -> TableDigest:
    """Digest of the tenant's live rows of ``table`` in uuid byte order, inside the caller's
    transaction; streamed block by block (a server-side cursor)."""
    digest = TableDigest(spec)
    joined = ", ".join([_joined("uuid"), *(_joined(_text(c)) for c in spec.columns)])
    sql = (
        f"SELECT count(*), {joined} FROM ("
        f"SELECT (row_number() OVER (ORDER BY {ORDER}) - 1) / {DIGEST_BLOCK} AS block, * "
        f'FROM "{table}" WHERE tenant_id = %s AND deleted = false) AS numbered GROUP BY block ORDER BY block'
    )
    result = conn.execution_options(stream_results=True, max_row_buffer=1).exec_driver_sql(sql, (tenant_id,))
    try:
        while (row := result.fetchone()) is not None:
            count, *columns = row
            digest.add_encoded(count, [bytes(c) for c in columns])
    finally:
        result.close()
    return digest
