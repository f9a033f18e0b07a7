"""sync rounds: each exchange of rows, the list behind the dashboard's sync health

Revision ID: lists_04
Revises: lists_03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "lists_04"
down_revision: str | Sequence[str] | None = "lists_03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("rows_up", sa.BigInteger(), nullable=False),
        sa.Column("rows_down", sa.BigInteger(), nullable=False),
        sa.Column("at", models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_sync_rounds_connection_id_connections"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_sync_rounds_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_rounds")),
    )
    op.create_index("ix_sync_rounds_tenant_at", "sync_rounds", ["tenant_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_sync_rounds_tenant_at", table_name="sync_rounds")
    op.drop_table("sync_rounds")
