"""service contract: the licence a company account's contract was read from

Revision ID: admin_contract_01
Revises: 62ca00b6ea0f
Create Date: 2026-12-01 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "admin_contract_01"
down_revision: str | Sequence[str] | None = "62ca00b6ea0f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("licence_number", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("contract_updated_at", models.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("contract_updated_at")
        batch_op.drop_column("licence_number")
