"""Alembic environment: runs migrations on the engine the app (or CLI) hands over."""

from alembic import context
from sqlmodel import SQLModel

from directory import models  # noqa: F401  (registers the tables on the metadata)
from directory.accounts import audit, second_factor  # noqa: F401  (tables kept in their feature packages)
from directory.content import pages  # noqa: F401
from directory.evidence import tallies  # noqa: F401
from directory.indexing import changes  # noqa: F401

target_metadata = SQLModel.metadata
engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
