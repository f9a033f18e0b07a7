"""sales list indexes

Revision ID: 5a1e5d0c0b02
Revises: wizard_connection_key
Create Date: 2026-12-01

The Online Desktop's sales list reads a page in the order of one of these indexes
(tenant, live rows, the sorted column, uuid), and counts from them without reading the table.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5a1e5d0c0b02"
down_revision: str | Sequence[str] | None = "wizard_connection_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "online_sales_orders": {
        "date": ["order_date"],
        "number": ["number"],
        "total": ["total"],
        "status": ["status", "order_date"],
        "status_number": ["status", "number"],
        "status_total": ["status", "total"],
    },
}


def upgrade() -> None:
    for table, indexes in INDEXES.items():
        for name, columns in indexes.items():
            op.create_index(f"ix_{table}_list_{name}", table, ["tenant_id", "deleted", *columns, "uuid"])


def downgrade() -> None:
    for table, indexes in INDEXES.items():
        for name in indexes:
            op.drop_index(f"ix_{table}_list_{name}", table_name=table)
