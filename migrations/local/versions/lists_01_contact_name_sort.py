"""contacts sorted by name in the language's order

Revision ID: lists_01
Revises: 5a1e5d0c0a01

SQLite: the sort key column ``contacts.name_sort`` (``models.collation.sort_key``), filled for the
existing rows, with the index the contacts list pages along; it replaces the index on the name.
PostgreSQL: the ICU collations ``bs_de`` (German, DIN 5007) and ``bs_root`` (Unicode root order)
and an index on the name in each of them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.collation import COLLATION_LOCALES, sort_key

revision: str = "lists_01"
down_revision: str | Sequence[str] | None = "5a1e5d0c0a01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIE = "id"  # the lists' tie-breaker, so that the index gives the whole order
KEY = ("id",)
TABLE, OWNER, PREFIX = "contacts", "company_id", "ix_contacts_company"


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column(TABLE, sa.Column("name_sort", sa.String(700), nullable=False, server_default=""))
    keys = ", ".join(KEY)
    rows = bind.execute(sa.text(f"SELECT {keys}, name FROM {TABLE}")).all()
    if rows:
        where = " AND ".join(f"{k} = :{k}" for k in KEY)
        bind.execute(
            sa.text(f"UPDATE {TABLE} SET name_sort = :name_sort WHERE {where}"),
            [{**dict(zip(KEY, row[:-1], strict=True)), "name_sort": sort_key(row[-1])} for row in rows],
        )
    op.drop_index(f"{PREFIX}_name", table_name=TABLE)
    if bind.dialect.name == "postgresql":
        for collation, locale in COLLATION_LOCALES.items():
            op.execute(f"CREATE COLLATION IF NOT EXISTS {collation} (provider = icu, locale = '{locale}')")
            op.execute(
                f"CREATE INDEX {PREFIX}_name_{collation} ON {TABLE} ({OWNER}, name COLLATE {collation}, {TIE})"
            )
    else:
        op.create_index(f"{PREFIX}_name_sort", TABLE, [OWNER, "name_sort"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for collation in COLLATION_LOCALES:
            op.execute(f"DROP INDEX IF EXISTS {PREFIX}_name_{collation}")
    else:
        op.drop_index(f"{PREFIX}_name_sort", table_name=TABLE)
    op.create_index(f"{PREFIX}_name", TABLE, [OWNER, "name"])
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_column("name_sort")
