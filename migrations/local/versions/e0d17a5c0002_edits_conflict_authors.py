"""edits: who changed the online value of a conflict, when, and when it was applied after all

Revision ID: e0d17a5c0002
Revises: e0d17a5c0001
Create Date: 2026-12-01 12:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "e0d17a5c0002"
down_revision: str | Sequence[str] | None = "e0d17a5c0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("online_by", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("online_at", models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("applied_at", models.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.drop_column("applied_at")
        batch_op.drop_column("online_at")
        batch_op.drop_column("online_by")
