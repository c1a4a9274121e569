"""Engines and migrations. Nothing here runs at import time.

SQLite (the default): one file, WAL journal, foreign keys on, and real transactions
(``BEGIN`` emitted by us, so a failed save rolls back every statement of it).
PostgreSQL: ``postgresql+psycopg://...`` (``postgresql://`` and ``postgres://`` are
rewritten to the psycopg driver).
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def normalize_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def json_dumps(value) -> str:
    """JSON columns as written: Korean as itself (3 bytes a syllable in UTF-8), not as
    ``\\uXXXX`` escapes (6 bytes)."""
    return json.dumps(value, ensure_ascii=False)


def create_engine_for(url: str, **kw) -> Engine:
    """An engine for a SQLAlchemy URL; SQLite gets WAL and foreign keys on every connection.
    JSON columns are written by :func:`json_dumps`."""
    url = normalize_url(url)
    kw.setdefault("json_serializer", json_dumps)
    engine = sa.create_engine(url, **kw)
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine)
    return engine


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised through every test
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN")


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (the newest by default) with Alembic."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
