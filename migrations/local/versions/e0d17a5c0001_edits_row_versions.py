"""edits: a row version on every record of company data

Revision ID: e0d17a5c0001
Revises: 602652d1c994
Create Date: 2026-12-01 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e0d17a5c0001"
down_revision: str | Sequence[str] | None = "602652d1c994"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "contacts",
    "contact_persons",
    "products",
    "employees",
    "sales_orders",
    "sales_order_lines",
    "activities",
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
