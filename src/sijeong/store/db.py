"""Engines and migrations. Nothing here runs at import time.

SQLite (the default): one file, WAL journal, foreign keys on, and real transactions
(``BEGIN`` emitted by us, so a failed save rolls back every statement of it). A connection
that writes is opened by :func:`writing`: on SQLite its transaction starts with
``BEGIN IMMEDIATE``, which takes the write lock at once (waiting up to ``busy_timeout`` for
another writer to finish) instead of reading first and then failing with ``database is
locked`` when the lock cannot be upgraded. Every other transaction (``engine.connect()``,
``engine.begin()``: the web's, the reports') starts with a plain ``BEGIN`` and never waits
for the write lock — in WAL mode readers and the writer do not block each other.
PostgreSQL: ``postgresql+psycopg://...`` (``postgresql://`` and ``postgres://`` are
rewritten to the psycopg driver).

:func:`migrate` costs one ``SELECT`` when the database is at the newest revision (the head is
read from the migration files' ``revision`` / ``down_revision`` lines, without Alembic);
only a database behind it is upgraded, under the write lock (SQLite) or an advisory lock
(PostgreSQL), so concurrent commands on a new database migrate it once.
"""

from __future__ import annotations

import contextlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"
#: how long a SQLite writer waits for the write lock (milliseconds)
BUSY_TIMEOUT_MS = 120_000
#: the execution option that marks a connection as a writer (see :func:`writing`)
WRITE_OPTION = "sijeong_write"
#: the pg_advisory_xact_lock key that serializes migrations on PostgreSQL
PG_MIGRATE_LOCK = 0x5139_6A65  # "Q9je": any constant of our own


def normalize_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


#: the integers SQLite stores as INTEGER (64-bit signed)
_INT64 = (-(2**63), 2**63)


def integral(value):
    """A JSON column's value as SQLite gives it back: the column has NUMERIC affinity, so a
    value that is a bare number whose value is whole (``225.0``, ``3e5``) is stored and read
    as an integer (``225``); numbers inside arrays and objects are text and stay as written.
    Applied on every database, on write and on read, so PostgreSQL (whose ``json`` keeps the
    text) answers the same."""
    if isinstance(value, float) and value.is_integer() and _INT64[0] <= value < _INT64[1]:
        return int(value)
    return value


#: ``json.dumps(value, ensure_ascii=False)`` without building an encoder for every value (what
#: ``dumps`` does when given any option) nor keeping the ids of every list and dict it walks
#: (``check_circular``; a stored value is a tree — a circular one would end in RecursionError
#: instead of ValueError): the same text, ≈ 25% less time
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def json_dumps(value) -> str:
    """JSON columns as written: Korean as itself (3 bytes a syllable in UTF-8), not as
    ``\\uXXXX`` escapes (6 bytes); a bare whole number as an integer (:func:`integral`)."""
    return _encode(integral(value))


def json_loads(text):
    """JSON columns as read (PostgreSQL; SQLite's affinity does the same): a bare whole
    number as an integer (:func:`integral`), also in rows written before :func:`json_dumps` did."""
    return integral(json.loads(text))


def create_engine_for(url: str, **kw) -> Engine:
    """An engine for a SQLAlchemy URL; SQLite gets WAL and foreign keys on every connection.
    JSON columns are written by :func:`json_dumps` (and read on PostgreSQL by :func:`json_loads`)."""
    url = normalize_url(url)
    kw.setdefault("json_serializer", json_dumps)
    if url.startswith("postgresql"):
        kw.setdefault("json_deserializer", json_loads)
    engine = sa.create_engine(url, **kw)
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine)
    return engine


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised through every test
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        # first: switching a new file to WAL takes a lock, which must wait like any other
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            _switch_to_wal(cur)
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = conn.get_execution_options().get(WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _switch_to_wal(cur) -> None:
    """``PRAGMA journal_mode=WAL``, retried while another process holds the lock: the switch
    of a new file needs an exclusive lock, and SQLite may answer ``database is locked`` at
    once instead of calling the busy handler (several commands opening one new file
    together). The mode is kept in the file, so only the first switch ever waits."""
    import sqlite3
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.01
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


@contextlib.contextmanager
def writing(engine: Engine, *, bump: bool = True) -> Iterator[sa.Connection]:
    """A connection in a write transaction, committed at the end (rolled back on an
    exception): ``BEGIN IMMEDIATE`` on SQLite, so concurrent writers wait for each other
    (up to :data:`BUSY_TIMEOUT_MS`) instead of failing; an ordinary transaction elsewhere.
    Before the commit the data version is bumped (:func:`bump_data_version`), in the same
    transaction; ``bump=False`` only for :func:`migrate`, which may run before its table exists."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            yield conn
            if bump:
                bump_data_version(conn)


#: the one row of ``data_version``
_BUMP = "UPDATE data_version SET version = version + 1 WHERE id = 1"
_READ = "SELECT version FROM data_version WHERE id = 1"


def bump_data_version(conn: sa.Connection) -> None:
    """Add one to the stored data version, in ``conn``'s transaction: called by every write
    transaction (:func:`writing`, ``repository``'s own), so a reader that sees the data of a
    write also sees its new version (the public page cache keys answers by it). A database
    without the row (made without the migrations) has no version to bump."""
    conn.exec_driver_sql(_BUMP)


def data_version(conn: sa.Connection) -> int | None:
    """The stored data version (None: no row, so nothing can be cached against it)."""
    row = conn.exec_driver_sql(_READ).first()
    return int(row[0]) if row is not None else None


# --- migrations ------------------------------------------------------------------------


def alembic_config(engine: Engine, connection: sa.Connection | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["engine"] = engine
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(None|['\"]([^'\"]+)['\"])", re.M)


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision id, from the ``revision = '…'`` and ``down_revision = '…'`` lines
    of the migration files (the one revision no other revises), without loading Alembic.
    Raises RuntimeError when the files do not form one line of revisions."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text), _DOWN.search(text)
        if rev is None or down is None:
            raise RuntimeError(f"{path.name}: no revision / down_revision line")
        revisions.add(rev.group(1))
        if down.group(2):
            revised.add(down.group(2))
    heads = revisions - revised
    if len(heads) != 1:
        raise RuntimeError(f"migrations: expected one head, found {sorted(heads)}")
    return heads.pop()


def stored_revision(conn: sa.Connection, *, probe: bool = False) -> str | None:
    """The revision recorded in ``alembic_version``, or None for a database that has none
    (new, or not ours). ``probe``: just run the one SELECT and take an error for "none"
    (rolling the connection back) — for a connection outside any transaction of ours."""
    stmt = sa.text("SELECT version_num FROM alembic_version")
    if probe:
        try:
            rows = conn.execute(stmt).scalars().all()
        except sa.exc.DBAPIError:
            conn.rollback()
            return None
    else:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(stmt).scalars().all()
    return rows[0] if len(rows) == 1 else None


def migrate(engine: Engine, revision: str = "head", *, snapshot: bool = True) -> None:
    """Bring the database to ``revision`` (the newest by default) with Alembic. At the head
    already: one query and nothing else. Otherwise the upgrade runs in one write transaction
    that first takes the write lock (SQLite ``BEGIN IMMEDIATE``; PostgreSQL an advisory
    lock) and then reads the revision again: of several commands started together on a new
    database, one migrates and the others find it done. A new, empty SQLite database brought
    to the head gets the head's schema in one step from :mod:`sijeong.store.sqlite_head`
    (the same schema and rows as the migrations leave; ``snapshot=False`` runs them instead)."""
    target = head_revision() if revision == "head" else revision
    with engine.connect() as conn:
        if stored_revision(conn, probe=True) == target:
            return
    with writing(engine, bump=False) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATE_LOCK})
        if stored_revision(conn) == target:
            return
        if snapshot and revision == "head" and conn.dialect.name == "sqlite" and not conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master").scalar():
            from . import sqlite_head

            if sqlite_head.create(conn, target):
                return
        from alembic import command

        command.upgrade(alembic_config(engine, conn), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
