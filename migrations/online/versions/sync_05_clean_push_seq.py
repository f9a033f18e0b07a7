"""the sequence of a connection's last clean push

A push that the server applied exactly as sent, right after everything the client had pulled,
leaves the tenant as the client already has it: its waiting pull does not send those rows back.

Revision ID: sync_05
Revises: lists_04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sync_05"
down_revision: str | Sequence[str] | None = "lists_04"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clean_push_seq", sa.BigInteger(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.drop_column("clean_push_seq")
