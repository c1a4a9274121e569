"""Alembic environment: runs on the connection handed over by ``sijeong.store.db.migrate``
(``config.attributes["connection"]``, already in the transaction that holds the write lock:
every migration then commits with it, or none), on the engine handed over
(``config.attributes["engine"]``), or against ``sqlalchemy.url`` / ``SIJEONG_DB`` when run
by the ``alembic`` command line."""

from __future__ import annotations

from alembic import context

from sijeong.store import schema

config = context.config
target_metadata = schema.metadata()
include_name = schema.include_name


def _engine():
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine
    from sijeong.settings import db_url, default_db_url
    from sijeong.store.db import create_engine_for

    url = config.get_main_option("sqlalchemy.url")
    return create_engine_for(db_url(url) if url else default_db_url())


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      include_name=include_name,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with _engine().connect() as connection:
        _run(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
