"""Alembic environment of the online database (run through services.db, which passes the connection)."""

from alembic import context
from sqlalchemy import Connection

from models.online import OnlineBase
from models.online.base import include_object

target_metadata = OnlineBase.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through services.db.migrate")
run(connection)
