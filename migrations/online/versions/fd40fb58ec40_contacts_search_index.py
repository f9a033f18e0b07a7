"""contacts search index

Revision ID: fd40fb58ec40
Revises: bd6f4d26de9e
Create Date: 2026-11-28

On PostgreSQL, a trigram index on the text the Online Desktop's contacts search reads (see
``services.online.workspace.lists.CONTACT_SEARCH``), so that "contains" searches need not read every
contact of a company. It needs the pg_trgm extension; where it cannot be created (no right to
create extensions), the search still works, by reading the rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "fd40fb58ec40"
down_revision: str | Sequence[str] | None = "bd6f4d26de9e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_TEXT = "lower(name || ' ' || number || ' ' || city || ' ' || postal_code || ' ' || email)"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    attempt = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        attempt.rollback()
        return
    attempt.commit()
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_online_contacts_search ON online_contacts "
        f"USING gin ({SEARCH_TEXT} gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_online_contacts_search")
