"""The schema follows the model; migrations build exactly it; SQLite and PostgreSQL set-up."""

import dataclasses

import sqlalchemy as sa

from sijeong.model import RECORD_TYPES, Indicator, PlanTask, Program
from sijeong.store import schema
from sijeong.store.db import create_engine_for, current_revision, normalize_url


def test_record_tables_are_named_by_the_plural_of_kind():
    names = {cls.kind: t.name for cls, t in zip(schema.record_classes(), schema.record_tables().values())}
    assert names["indicator"] == "indicators"
    assert names["department_summary"] == "department_summaries"
    assert names["strategic_goal"] == "strategic_goals"
    assert names["staffing"] == "staffings"
    assert [c.kind for c in schema.record_classes()][: len(RECORD_TYPES)] == [c.kind for c in RECORD_TYPES]


def test_every_dataclass_field_has_a_column_of_its_type():
    for cls in schema.record_classes():
        t = schema.record_table(cls.kind)
        for f in dataclasses.fields(cls):
            if f.name in schema.BASE_FIELDS:
                continue
            assert f.name in t.c, f"{t.name} lacks {f.name}"
        for col in schema.COMMON_COLUMNS:
            assert col in t.c
    prog = schema.record_table("program")
    assert isinstance(prog.c.budget.type, sa.BigInteger)  # money in won
    ind = schema.record_table("indicators")
    assert isinstance(ind.c.rate.type, sa.Double)
    assert isinstance(ind.c.formula.type, sa.Text)
    task = schema.record_table(PlanTask.kind)
    assert isinstance(task.c.sections.type, sa.JSON) and isinstance(task.c.objectives.type, sa.JSON)
    assert isinstance(schema.record_table("department_summary").c.is_total.type, sa.Boolean)
    assert schema.record_class("programs") is Program and schema.record_class("indicator") is Indicator


def test_every_record_table_is_indexed_on_dimensions_and_document():
    for t in schema.record_tables().values():
        cols = {tuple(c.name for c in ix.columns) for ix in t.indexes}
        assert ("municipality", "year", "department", "id") in cols, t.name
        assert ("document_id",) in cols, t.name
        (fk,) = t.c.document_id.foreign_keys
        assert fk.column.table.name == "documents" and fk.ondelete == "CASCADE"
    f = schema.table("findings")
    assert ("municipality", "year", "rule", "id") in {tuple(c.name for c in ix.columns) for ix in f.indexes}
    d = schema.table("documents")
    assert ("municipality", "year") in {tuple(c.name for c in ix.columns) for ix in d.indexes}
    assert f.c.document_id.nullable


def test_postgres_urls_use_psycopg():
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"


def test_migrations_build_exactly_the_model_schema(engine):
    """Fails when a model field or record class has no migration yet:
    run ``python -m sijeong.store.revision "message"`` and review the new file."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from sijeong.store.schema import include_name

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(ctx, schema.metadata())
    assert diff == [], f"the database at head differs from the model: {diff}"
    assert current_revision(engine) is not None


def test_migration_0006_replaces_the_scope_indexes_and_goes_back(tmp_path):
    """0005 -> 0006 -> 0005 on a database holding a document: the indexes change, no row is lost."""
    from alembic import command

    from sijeong.store.db import alembic_config, migrate

    eng = create_engine_for(f"sqlite:///{tmp_path / 'm.db'}")

    def columns(table, name):
        return next((tuple(ix["column_names"]) for ix in sa.inspect(eng).get_indexes(table) if ix["name"] == name), None)

    migrate(eng, "0005")
    with eng.begin() as conn:
        conn.execute(sa.text("insert into documents (name, municipality, year, family, loaded_at) "
                             "values ('a.txt', '가온시', 2020, 'work_plan', '2024-01-01')"))
    assert columns("programs", "ix_programs_dims") == ("municipality", "year", "department")
    assert columns("documents", "ix_documents_dims") is None
    migrate(eng)
    assert columns("programs", "ix_programs_dims") == ("municipality", "year", "department", "id")
    assert columns("findings", "ix_findings_dims") == ("municipality", "year", "rule", "id")
    assert columns("documents", "ix_documents_dims") == ("municipality", "year")
    command.downgrade(alembic_config(eng), "0005")
    assert columns("programs", "ix_programs_dims") == ("municipality", "year", "department")
    assert columns("documents", "ix_documents_dims") is None
    with eng.connect() as conn:
        assert conn.execute(sa.text("select count(*) from documents")).scalar_one() == 1
    eng.dispose()


def test_sqlite_has_wal_and_foreign_keys(tmp_path):
    from sijeong.store.db import create_engine_for, migrate

    eng = create_engine_for(f"sqlite:///{tmp_path / 'x.db'}")
    migrate(eng)
    migrate(eng)  # a second time is a no-op
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        names = {r[0] for r in conn.exec_driver_sql("select name from sqlite_master")}
    assert {"documents", "indicators", "search_index", "search_fts", "alembic_version"} <= names
    eng.dispose()


def test_postgres_has_trigram_search_index(pg_engine):
    with pg_engine.connect() as conn:
        ext = conn.execute(sa.text("select 1 from pg_extension where extname = 'pg_trgm'")).scalar()
        idx = conn.execute(sa.text("select indexdef from pg_indexes where indexname = 'ix_search_index_trgm'")).scalar()
    assert ext == 1
    assert "gin_trgm_ops" in idx


# --- migrations cost one query at the head; writers queue ------------------------------------


def test_head_revision_read_from_the_files_is_alembics_head():
    from alembic.script import ScriptDirectory

    from sijeong.store.db import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config(None)).get_current_head()


def test_migrate_at_the_head_is_one_select_and_behind_it_upgrades(tmp_path):
    from sqlalchemy import event

    from sijeong.store.db import head_revision, migrate

    engine = create_engine_for(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine, "0006")
    assert current_revision(engine) == "0006"
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda conn, cur, stmt, *a: statements.append(stmt))
    migrate(engine)  # behind: upgraded
    assert current_revision(engine) == head_revision() and len(statements) > 1
    statements.clear()
    migrate(engine)  # at the head: one SELECT (in the BEGIN sijeong emits on SQLite)
    assert [s for s in statements if s != "BEGIN"] == ["SELECT version_num FROM alembic_version"]
    engine.dispose()


def test_a_writer_waits_for_the_other_and_readers_wait_for_none(tmp_path):
    import threading
    import time

    from sijeong.store.db import migrate, writing

    url = f"sqlite:///{tmp_path / 'w.db'}"
    first, second = create_engine_for(url), create_engine_for(url)
    migrate(first)
    entered = threading.Event()

    def other_writer():
        with writing(second) as conn:
            entered.set()
            conn.execute(sa.text("SELECT count(*) FROM documents")).scalar()

    with writing(first) as conn:
        conn.execute(sa.text("DELETE FROM documents"))
        t = threading.Thread(target=other_writer)
        t.start()
        time.sleep(0.5)
        assert not entered.is_set()  # BEGIN IMMEDIATE: waiting for the write lock, not failing
        with second.connect() as reader:  # a plain BEGIN: reads at once
            assert reader.execute(sa.text("SELECT count(*) FROM documents")).scalar() == 0
    t.join(timeout=60)
    assert entered.is_set()
    first.dispose()
    second.dispose()
