"""dashboard: rows synchronised per day, sales orders by status and date

Revision ID: admin_dashboard_01
Revises: lists_02
Create Date: 2026-12-01 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "admin_dashboard_01"
down_revision: str | Sequence[str] | None = "lists_02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_daily_rows",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rows_up", sa.BigInteger(), nullable=False),
        sa.Column("rows_down", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_sync_daily_rows_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "day", name=op.f("pk_sync_daily_rows")),
    )
    with op.batch_alter_table("online_sales_orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_online_sales_orders_tenant_status_date", ["tenant_id", "status", "order_date"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("online_sales_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_online_sales_orders_tenant_status_date")
    op.drop_table("sync_daily_rows")
