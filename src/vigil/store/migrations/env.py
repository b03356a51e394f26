"""Alembic environment: runs on the connection `vigil.store.db.migrate` hands it."""

from alembic import context

from vigil.store.tables import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")

if connection is None:  # `alembic` command line, for autogenerate during development
    from vigil.store.db import database_url, home, make_engine

    with make_engine(database_url(home())).connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
