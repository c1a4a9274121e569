"""A new SQLite database made from the head snapshot is the one the migrations make."""

from __future__ import annotations

import json

import sqlalchemy as sa

from sijeong.store import sqlite_head
from sijeong.store.db import create_engine_for, head_revision, migrate


def _contents(engine) -> dict:
    """Every schema object and every table's rows (shadow tables of FTS5 included)."""
    with engine.connect() as conn:
        master = sorted(tuple(r) for r in conn.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master"))
        tables = [n for t, n, _, s in master if t == "table" and not (s or "").startswith("CREATE VIRTUAL")]
        rows = {n: sorted((tuple(r) for r in conn.exec_driver_sql(f'SELECT * FROM "{n}"')), key=repr) for n in tables}
        columns = {n: [tuple(r) for r in conn.exec_driver_sql(f'PRAGMA table_xinfo("{n}")')] for n in tables}
        fks = {n: [tuple(r) for r in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{n}")')] for n in tables}
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    return {"master": master, "rows": rows, "columns": columns, "foreign_keys": fks}


def _made(tmp_path, name, **kw):
    engine = create_engine_for(f"sqlite:///{tmp_path / name}")
    try:
        migrate(engine, **kw)
        return _contents(engine)
    finally:
        engine.dispose()


def test_snapshot_is_at_the_head():
    assert sqlite_head.load().get("revision") == head_revision(), (
        "src/sijeong/store/sqlite_head.json is not at the newest migration: run "
        "`python -m sijeong.store.sqlite_head` and commit the file")


def test_snapshot_database_equals_migrated_database(tmp_path):
    by_snapshot = _made(tmp_path, "snapshot.db")
    by_migrations = _made(tmp_path, "migrations.db", snapshot=False)
    assert by_snapshot["master"] and by_snapshot["rows"]["alembic_version"] == [(head_revision(),)]
    assert by_snapshot == by_migrations


def test_snapshot_is_used_for_a_new_database(tmp_path, monkeypatch):
    """A new database is made from the snapshot (no Alembic), and the search index it gets works."""
    import alembic.command

    def no_alembic(*a, **k):
        raise AssertionError("Alembic ran for a new SQLite database")

    monkeypatch.setattr(alembic.command, "upgrade", no_alembic)
    engine = create_engine_for(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        migrate(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO documents (name, municipality, family, loaded_at) "
                                 "VALUES ('a.txt', '김포시', 'plan', '2020-01-01')")
            assert conn.exec_driver_sql("SELECT count(*) FROM documents").scalar() == 1
    finally:
        engine.dispose()


def test_stale_snapshot_falls_back_to_the_migrations(tmp_path, monkeypatch):
    stale = dict(sqlite_head.load(), revision="0000_not_the_head")
    monkeypatch.setattr(sqlite_head, "load", lambda: stale)
    assert _made(tmp_path, "fallback.db") == _made(tmp_path, "migrations.db", snapshot=False)


def test_snapshot_file_is_valid_json():
    snap = json.loads(sqlite_head.SNAPSHOT.read_text(encoding="utf-8"))
    assert snap["statements"][0].startswith("CREATE TABLE")
    assert all(isinstance(s, str) and s for s in snap["statements"])


def test_a_database_with_other_tables_is_migrated(tmp_path):
    """Not empty (someone else's table): the migrations run, the snapshot is not applied over it."""
    engine = create_engine_for(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE someone_elses (x INTEGER)")
        migrate(engine)
        with engine.connect() as conn:
            names = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars())
        assert {"someone_elses", "documents", "alembic_version"} <= names
        assert sa.inspect(engine).has_table("search_fts")
    finally:
        engine.dispose()
