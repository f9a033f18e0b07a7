"""the idempotency key of connections

A connect request retried with the key of an earlier one (its answer was lost) gets the same
company account instead of a second one.

Revision ID: wizard_connection_key
Revises: admin_dashboard_01
Create Date: 2026-12-01 12:40:13.888697
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "wizard_connection_key"
down_revision: str | Sequence[str] | None = "admin_dashboard_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_connections_idempotency_key"), ["idempotency_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_connections_idempotency_key"))
        batch_op.drop_column("idempotency_key")
