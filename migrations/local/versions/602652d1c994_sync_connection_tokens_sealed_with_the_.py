"""sync connection tokens sealed with the installation secret

The token a company's sync presents was kept in clear in ``sync_connections.token``. It moves to
``sealed_token``, encrypted with the installation's secret key (``services.secrets.sealing``); rows that
exist are sealed here, so no clear token is left in the database.

Revision ID: 602652d1c994
Revises: 73c894f1cb87
Create Date: 2026-12-01 09:24:28.880731
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from services.secrets.sealing import TokenSeal

revision: str = "602652d1c994"
down_revision: str | Sequence[str] | None = "73c894f1cb87"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_connections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_token", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT company_id, token FROM sync_connections WHERE token != ''")).all()
    if rows:
        secret_key = context.config.attributes.get("secret_key")
        if not secret_key:
            raise RuntimeError("sealing the stored sync tokens needs the installation's secret key")
        seal = TokenSeal(secret_key)
        for company_id, token in rows:
            conn.execute(
                sa.text("UPDATE sync_connections SET sealed_token = :sealed WHERE company_id = :c"),
                {"sealed": seal.seal(token), "c": company_id},
            )
    with op.batch_alter_table("sync_connections", schema=None) as batch_op:
        batch_op.drop_column("token")


def downgrade() -> None:
    with op.batch_alter_table("sync_connections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT company_id, sealed_token FROM sync_connections")).all()
    secret_key = context.config.attributes.get("secret_key")
    if rows and not secret_key:
        raise RuntimeError("opening the sealed sync tokens needs the installation's secret key")
    for company_id, sealed in rows:
        token = TokenSeal(secret_key).open(sealed) if sealed else ""
        conn.execute(
            sa.text("UPDATE sync_connections SET token = :token WHERE company_id = :c"),
            {"token": token, "c": company_id},
        )
    with op.batch_alter_table("sync_connections", schema=None) as batch_op:
        batch_op.drop_column("sealed_token")
