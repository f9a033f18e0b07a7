"""edits: who changed a field online, and when

Revision ID: e0d17a5c0003
Revises: admin_audit_01
Create Date: 2026-12-01 12:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "e0d17a5c0003"
down_revision: str | Sequence[str] | None = "admin_audit_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_field_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changed_by", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("changed_at", models.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_field_changes", schema=None) as batch_op:
        batch_op.drop_column("changed_at")
        batch_op.drop_column("changed_by")
