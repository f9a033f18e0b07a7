"""sales header fields and VAT rate of order lines

Revision ID: 5a1e5d0c0a01
Revises: e0d17a5c0002
Create Date: 2026-12-01

Sales orders get a contact person of the customer, a delivery date and our reference; order
lines get their VAT rate (19 % for lines that existed before). The columns are added in place
(``ALTER TABLE … ADD COLUMN``): rebuilding ``sales_orders`` would, with foreign keys on, delete
its lines through their cascade. The contact person is therefore a plain UUID column; the
register rules clear it when the person is deleted (what ``ON DELETE SET NULL`` would do).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5a1e5d0c0a01"
down_revision: str | Sequence[str] | None = "e0d17a5c0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sales_orders", sa.Column("delivery_date", sa.Date(), nullable=True))
    op.add_column(
        "sales_orders", sa.Column("our_reference", sa.String(length=50), nullable=False, server_default="")
    )
    op.add_column("sales_orders", sa.Column("contact_person_uuid", sa.String(length=36), nullable=True))
    op.create_index("ix_sales_orders_contact_person_uuid", "sales_orders", ["contact_person_uuid"])
    op.add_column(
        "sales_order_lines",
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=False, server_default="19.00"),
    )


def downgrade() -> None:
    with op.batch_alter_table("sales_order_lines") as batch_op:
        batch_op.drop_column("vat_rate")
    op.drop_index("ix_sales_orders_contact_person_uuid", table_name="sales_orders")
    with op.batch_alter_table("sales_orders") as batch_op:
        batch_op.drop_column("contact_person_uuid")
        batch_op.drop_column("our_reference")
        batch_op.drop_column("delivery_date")
