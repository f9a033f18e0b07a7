"""rows synchronised per day; the sync interval setting goes (the sync runs continuously)

Revision ID: focus_sync_days
Revises: lists_01
Create Date: 2026-12-01 12:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "focus_sync_days"
down_revision: str | Sequence[str] | None = "lists_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_days",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("rows_up", sa.BigInteger(), nullable=False),
        sa.Column("rows_down", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_sync_days_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("company_id", "day", name=op.f("pk_sync_days")),
    )
    with op.batch_alter_table("online_desktop_settings") as batch:
        batch.drop_column("sync_interval_seconds")


def downgrade() -> None:
    with op.batch_alter_table("online_desktop_settings") as batch:
        batch.add_column(
            sa.Column("sync_interval_seconds", sa.Integer(), nullable=False, server_default="60")
        )
    op.drop_table("sync_days")
