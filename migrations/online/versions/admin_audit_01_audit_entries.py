"""audit log: actor, target, before and after, client address

Revision ID: admin_audit_01
Revises: admin_contract_01
Create Date: 2026-12-01 12:52:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "admin_audit_01"
down_revision: str | Sequence[str] | None = "admin_contract_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("target", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("before", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("after", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("address", sa.String(length=64), server_default="", nullable=False))
        batch_op.create_index("ix_audit_log_tenant_created", ["tenant_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_tenant_created")
        for column in ("address", "after", "before", "target", "actor"):
            batch_op.drop_column(column)
