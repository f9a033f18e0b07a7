"""the connection wizard's progress per user and company

A reload or a Fix link's round trip returns to the same step with what was typed; the Online
ID login of step 4 is kept sealed; the attempt key makes a retried Run idempotent.

Revision ID: wizard_progress
Revises: focus_sync_days
Create Date: 2026-12-01 12:40:09.498375
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "wizard_progress"
down_revision: str | Sequence[str] | None = "focus_sync_days"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "connect_wizard_progress",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("entered", sa.Text(), nullable=False),
        sa.Column("login_email", sa.String(length=254), nullable=False),
        sa.Column("login_name", sa.String(length=200), nullable=False),
        sa.Column("sealed_login_token", sa.Text(), nullable=False),
        sa.Column("fixing", sa.Boolean(), nullable=False),
        sa.Column("attempt_key", sa.String(length=64), nullable=False),
        sa.Column("updated_at", models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_connect_wizard_progress_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_connect_wizard_progress_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("company_id", "user_id", name=op.f("pk_connect_wizard_progress")),
    )


def downgrade() -> None:
    op.drop_table("connect_wizard_progress")
