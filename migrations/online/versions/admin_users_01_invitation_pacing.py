"""invitations: resends per hour and the reminder to the inviter

Revision ID: admin_users_01
Revises: e0d17a5c0003
Create Date: 2026-12-01 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "admin_users_01"
down_revision: str | Sequence[str] | None = "e0d17a5c0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resend_window_at", models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("resends_in_window", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("inviter_reminded_at", models.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("inviter_reminded_at")
        batch_op.drop_column("resends_in_window")
        batch_op.drop_column("resend_window_at")
