"""list indexes of the online contacts, the sales documents' customer search

Revision ID: lists_03
Revises: 5a1e5d0c0b02

The Online Desktop's contacts list reads a page in the order of an index over the live rows
(tenant, deleted, the sorted column, uuid) and counts from it, as the sales list does: by name
(SQLite: the sort key; PostgreSQL: the name in each ICU collation), by number and by city.
The dashboard's sums (sales per month, top customers, open documents) read one index that holds
every column they need, instead of each document's row.

``online_sales_orders.customer_search`` holds the searched text of the document's customer (name,
number, city, postal code, e-mail; empty when the customer is gone), so that a search for a
customer's name finds the documents in one index instead of going through every matching contact.
PostgreSQL keeps it with triggers created here and indexes it (and the document number) with
trigrams; SQLite keeps it with the triggers of its full-text index, which the Online Desktop
installs at start-up (``services.online.workspace.search_index``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.collation import COLLATION_LOCALES

revision: str = "lists_03"
down_revision: str | Sequence[str] | None = "5a1e5d0c0b02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTACTS, ORDERS = "online_contacts", "online_sales_orders"
LIST = f"ix_{CONTACTS}_list"
DASHBOARD = ["tenant_id", "deleted", "status", "order_date", "total", "contact_uuid"]
# The customer's searched text, as ``services.online.workspace.lists.CONTACT_SEARCH`` reads it.
CUSTOMER_TEXT = (
    "{c}.name || ' ' || {c}.number || ' ' || {c}.city || ' ' || {c}.postal_code || ' ' || {c}.email"
)

POSTGRES_FUNCTIONS = (
    f"""
    CREATE OR REPLACE FUNCTION online_sales_orders_customer() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.customer_search := coalesce((
            SELECT {CUSTOMER_TEXT.format(c="c")} FROM {CONTACTS} c
            WHERE c.tenant_id = NEW.tenant_id AND c.uuid = NEW.contact_uuid AND NOT c.deleted), '');
        RETURN NEW;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION online_contacts_customer_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            UPDATE {ORDERS} o SET customer_search = '' FROM gone g
            WHERE o.tenant_id = g.tenant_id AND o.contact_uuid = g.uuid AND o.customer_search <> '';
        ELSE
            UPDATE {ORDERS} o
            SET customer_search = CASE WHEN n.deleted THEN '' ELSE {CUSTOMER_TEXT.format(c="n")} END
            FROM changed n
            WHERE o.tenant_id = n.tenant_id AND o.contact_uuid = n.uuid
              AND o.customer_search IS DISTINCT FROM
                  CASE WHEN n.deleted THEN '' ELSE {CUSTOMER_TEXT.format(c="n")} END;
        END IF;
        RETURN NULL;
    END $$
    """,
)
POSTGRES_TRIGGERS = (
    f"CREATE TRIGGER online_sales_orders_customer BEFORE INSERT OR UPDATE OF contact_uuid ON {ORDERS} "
    "FOR EACH ROW EXECUTE FUNCTION online_sales_orders_customer()",
    # Statement triggers: a snapshot page of contacts updates the documents once, not per row.
    f"CREATE TRIGGER online_contacts_customer_ins AFTER INSERT ON {CONTACTS} REFERENCING NEW TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION online_contacts_customer_search()",
    f"CREATE TRIGGER online_contacts_customer_upd AFTER UPDATE ON {CONTACTS} REFERENCING NEW TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION online_contacts_customer_search()",
    f"CREATE TRIGGER online_contacts_customer_del AFTER DELETE ON {CONTACTS} REFERENCING OLD TABLE AS gone "
    "FOR EACH STATEMENT EXECUTE FUNCTION online_contacts_customer_search()",
)


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    op.add_column(ORDERS, sa.Column("customer_search", sa.Text(), nullable=False, server_default=""))
    if postgres:
        for collation in COLLATION_LOCALES:
            op.execute(f"DROP INDEX IF EXISTS ix_{CONTACTS}_tenant_name_{collation}")
            op.execute(
                f"CREATE INDEX {LIST}_name_{collation} ON {CONTACTS} "
                f"(tenant_id, deleted, name COLLATE {collation}, uuid)"
            )
    else:
        op.drop_index(f"ix_{CONTACTS}_tenant_name_sort", table_name=CONTACTS)
        op.create_index(f"{LIST}_name", CONTACTS, ["tenant_id", "deleted", "name_sort", "uuid"])
    for column in ("number", "city"):
        op.create_index(f"{LIST}_{column}", CONTACTS, ["tenant_id", "deleted", column, "uuid"])
    op.drop_index(f"ix_{ORDERS}_tenant_status_date", table_name=ORDERS)
    op.create_index(f"ix_{ORDERS}_dashboard", ORDERS, DASHBOARD)
    if not postgres:
        return
    for sql in (*POSTGRES_FUNCTIONS, *POSTGRES_TRIGGERS):
        op.execute(sql)
    op.execute(
        f"UPDATE {ORDERS} o SET customer_search = {CUSTOMER_TEXT.format(c='c')} FROM {CONTACTS} c "
        "WHERE c.tenant_id = o.tenant_id AND c.uuid = o.contact_uuid AND NOT c.deleted"
    )
    trigrams = bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first()
    if trigrams is not None:  # see migration fd40fb58ec40: without the extension, searches read the rows
        op.execute(f"CREATE INDEX ix_{ORDERS}_search_number ON {ORDERS} USING gin (number gin_trgm_ops)")
        op.execute(
            f"CREATE INDEX ix_{ORDERS}_search_customer ON {ORDERS} "
            "USING gin (lower(customer_search) gin_trgm_ops)"
        )


def downgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        for name in ("ins", "upd", "del"):
            op.execute(f"DROP TRIGGER IF EXISTS online_contacts_customer_{name} ON {CONTACTS}")
        op.execute(f"DROP TRIGGER IF EXISTS online_sales_orders_customer ON {ORDERS}")
        op.execute("DROP FUNCTION IF EXISTS online_contacts_customer_search()")
        op.execute("DROP FUNCTION IF EXISTS online_sales_orders_customer()")
        op.execute(f"DROP INDEX IF EXISTS ix_{ORDERS}_search_number")
        op.execute(f"DROP INDEX IF EXISTS ix_{ORDERS}_search_customer")
    for column in ("number", "city"):
        op.drop_index(f"{LIST}_{column}", table_name=CONTACTS)
    op.drop_index(f"ix_{ORDERS}_dashboard", table_name=ORDERS)
    op.create_index(f"ix_{ORDERS}_tenant_status_date", ORDERS, ["tenant_id", "status", "order_date"])
    if postgres:
        for collation in COLLATION_LOCALES:
            op.execute(f"DROP INDEX IF EXISTS {LIST}_name_{collation}")
            op.execute(
                f"CREATE INDEX ix_{CONTACTS}_tenant_name_{collation} ON {CONTACTS} "
                f"(tenant_id, name COLLATE {collation}, uuid)"
            )
    else:
        op.drop_index(f"{LIST}_name", table_name=CONTACTS)
        op.create_index(f"ix_{CONTACTS}_tenant_name_sort", CONTACTS, ["tenant_id", "name_sort", "uuid"])
    with op.batch_alter_table(ORDERS) as batch:
        batch.drop_column("customer_search")
