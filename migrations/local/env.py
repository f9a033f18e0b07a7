"""Alembic environment of the local database (run through services.db, which passes the connection)."""

from alembic import context
from sqlalchemy import Connection

from models.local import LocalBase

target_metadata = LocalBase.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through services.db.migrate")
run(connection)
