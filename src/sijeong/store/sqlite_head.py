"""A new SQLite database created at the newest revision in one step.

Running the Alembic migrations one after another on a new SQLite file costs about a third of
a second of CPU (Alembic's own import, then 18 revisions, several of which copy a table to
change it), more than reading a whole settlement report. The schema they leave is the same
every time, so it is kept here (``sqlite_head.json``: the ``CREATE`` statements from
``sqlite_master`` and the rows the migrations leave, at one revision) and a new, empty
SQLite database gets it by executing those statements in the migration's write transaction.

The snapshot is used only when its revision is the newest one (:func:`db.head_revision`);
otherwise, and for every other database, the migrations run as before.
``tests/store/test_sqlite_head.py`` checks that a database made from the snapshot and one
made by the migrations hold the same schema and rows, and that the snapshot is at the head.
After adding a migration, regenerate it::

    python -m sijeong.store.sqlite_head
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

SNAPSHOT = Path(__file__).with_name("sqlite_head.json")
#: tables an FTS5 virtual table makes for itself (created with it, never by a statement)
_FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")
#: statement kinds in the order they can be created: a trigger or index needs its table
_ORDER = {"table": 0, "view": 1, "index": 2, "trigger": 3}


def _shadow_tables(conn: sa.Connection) -> set[str]:
    virtual = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'").scalars().all()
    return {f"{v}_{s}" for v in virtual for s in _FTS5_SHADOWS}


def statements(conn: sa.Connection) -> list[str]:
    """The statements that recreate the schema and rows of the SQLite database on ``conn``
    (tables, views, indexes, triggers in creation order; then each ordinary table's rows)."""
    shadows = _shadow_tables(conn)
    rows = conn.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY rowid").all()
    objects = [(t, n, s) for t, n, s in rows if n not in shadows]
    out = [s for _, _, s in sorted(objects, key=lambda o: _ORDER[o[0]])]
    for kind, name, sql in objects:
        if kind != "table" or sql.startswith("CREATE VIRTUAL TABLE"):
            continue
        cols = [r[1] for r in conn.exec_driver_sql(f'PRAGMA table_info("{name}")')]
        quoted = " || ',' || ".join(f'quote("{c}")' for c in cols)
        out += conn.exec_driver_sql(
            f"SELECT 'INSERT INTO \"{name}\" VALUES(' || {quoted} || ')' FROM \"{name}\"").scalars().all()
    return out


@lru_cache(maxsize=1)
def load() -> dict:
    try:
        return json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def create(conn: sa.Connection, target: str) -> bool:
    """Create the schema at ``target`` on the empty SQLite database of ``conn`` (inside the
    caller's transaction) from the snapshot; False, doing nothing, when the snapshot is not
    at ``target``."""
    snap = load()
    if snap.get("revision") != target or not snap.get("statements"):
        return False
    for stmt in snap["statements"]:
        conn.exec_driver_sql(stmt)
    return True


def regenerate(path: Path = SNAPSHOT) -> dict:
    """Migrate a new SQLite file with Alembic and write its snapshot to ``path``."""
    import tempfile

    from .db import create_engine_for, head_revision, migrate

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine_for(f"sqlite:///{Path(tmp) / 'head.db'}")
        try:
            migrate(engine, snapshot=False)
            with engine.connect() as conn:
                snap = {"revision": head_revision(), "statements": statements(conn)}
        finally:
            engine.dispose()
    path.write_text(json.dumps(snap, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    load.cache_clear()
    return snap


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    snap = regenerate()
    print(f"{SNAPSHOT}: {snap['revision']}, {len(snap['statements'])} statements", file=sys.stderr)
