"""sales header fields and VAT rate of order lines

Revision ID: 5a1e5d0c0b01
Revises: admin_users_01
Create Date: 2026-12-01

The synced copies of the new sales columns (contact person, delivery date, our reference, VAT
rate of a line); see the local migration of the same name.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5a1e5d0c0b01"
down_revision: str | Sequence[str] | None = "admin_users_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("online_sales_orders", sa.Column("delivery_date", sa.Date(), nullable=True))
    op.add_column(
        "online_sales_orders",
        sa.Column("our_reference", sa.String(length=50), nullable=False, server_default=""),
    )
    op.add_column(
        "online_sales_orders", sa.Column("contact_person_uuid", sa.String(length=36), nullable=True)
    )
    op.add_column(
        "online_sales_order_lines",
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=False, server_default="19.00"),
    )


def downgrade() -> None:
    with op.batch_alter_table("online_sales_order_lines") as batch_op:
        batch_op.drop_column("vat_rate")
    with op.batch_alter_table("online_sales_orders") as batch_op:
        batch_op.drop_column("contact_person_uuid")
        batch_op.drop_column("our_reference")
        batch_op.drop_column("delivery_date")
