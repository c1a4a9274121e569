"""Korean full-text search over plan tasks, narratives and indicators."""

import sqlalchemy as sa

from sijeong.model import OutlineItem, Source
from sijeong.store.repository import delete_document, save_document
from sijeong.store.search import search, search_count


def _save(engine, *docs):
    with engine.begin() as conn:
        for d in docs:
            save_document(conn, d)


def test_finds_plan_tasks_by_outline_text(engine, make_document):
    _save(engine, make_document("a.txt", year=2020), make_document("b.txt", year=2021, department="예산과"))
    with engine.connect() as conn:
        hits = search(conn, "분석 플랫폼")  # words of a nested outline item
        assert [(h["kind"], h["year"], h["number"], h["source_line"]) for h in hits] == [
            ("plan_task", 2020, 3, 30), ("plan_task", 2021, 3, 30)]
        assert all(h["title"] == "스마트 행정 구현" and "분석 플랫폼" in h["snippet"] for h in hits)
        assert [h["year"] for h in search(conn, "분석 플랫폼", year=2021)] == [2021]
        assert [h["department"] for h in search(conn, "분석 플랫폼", department="예산과")] == ["예산과"]
        assert search(conn, "착수보고회")[0]["kind"] == "plan_task"  # schedule text
        assert search(conn, "없는낱말입니다") == []
        assert search(conn, "   ") == []


def test_narratives_and_indicators_are_indexed(engine, make_document):
    _save(engine, make_document())
    with engine.connect() as conn:
        kinds = {h["kind"] for h in search(conn, "징수율")}
        assert kinds == {"indicator", "narrative"}
        assert {h["kind"] for h in search(conn, "초과 달성")} == {"narrative"}


def test_short_queries_fall_back_to_like(engine, make_document):
    doc = make_document()
    task = next(r for r in doc.records if r.kind == "plan_task")
    task.sections.append(OutlineItem(Source(doc.name, 38), "-", "AI 챗봇 도입", []))
    _save(engine, doc)
    with engine.connect() as conn:
        assert [h["kind"] for h in search(conn, "AI")] == ["plan_task"]  # two characters
        assert [h["kind"] for h in search(conn, "챗봇")] == ["plan_task"]
        assert search(conn, "ai 챗봇")[0]["number"] == 3  # case-insensitive, every term must match
        assert search(conn, "AI 없음") == []


def test_paging(engine, make_document):
    _save(engine, *[make_document(f"d{i}.txt", year=2000 + i) for i in range(5)])
    with engine.connect() as conn:
        all_hits = search(conn, "스마트 행정", limit=10)
        assert len(all_hits) == 5 and search_count(conn, "스마트 행정") == 5
        assert search_count(conn, "AI 스마트") == 0 and search_count(conn, "행정", year=2001) == 1
        page = search(conn, "스마트 행정", limit=2, offset=2)
        assert [h["record_id"] for h in page] == [h["record_id"] for h in all_hits[2:4]]


def test_index_follows_replacement_and_deletion(engine, make_document):
    _save(engine, make_document())
    doc = make_document()
    task = next(r for r in doc.records if r.kind == "plan_task")
    task.title = "자율주행 셔틀 시범운행"
    _save(engine, doc)
    with engine.connect() as conn:
        assert search(conn, "스마트 행정") == []
        assert [h["title"] for h in search(conn, "자율주행")] == ["자율주행 셔틀 시범운행"]
        assert conn.execute(sa.text("select count(*) from search_index")).scalar_one() == 4  # task, narrative, indicator, program
        if engine.dialect.name == "sqlite":  # no stale entries left in the FTS table itself
            stale = "select count(*) from search_fts where search_fts match '\"스마트 행정\"'"
            assert conn.execute(sa.text(stale)).scalar_one() == 0
            conn.execute(sa.text("insert into search_fts(search_fts) values ('integrity-check')"))
    with engine.begin() as conn:
        delete_document(conn, name="plan_a.txt", municipality="가온시")
    with engine.connect() as conn:
        assert search(conn, "자율주행") == []
        assert conn.execute(sa.text("select count(*) from search_index")).scalar_one() == 0


def test_programs_are_indexed_and_migration_0015_fills_the_index_of_older_databases(engine, fixtures_dir):
    """A fresh save indexes every 정책사업/단위사업/세부사업 (not the department's total line);
    a database stored before (its program entries gone, at revision 0014) gets the very same
    entries from migration 0015 — and searching finds them on both backends."""
    import sqlalchemy as sa
    from alembic import command

    from sijeong.pipeline import load_path
    from sijeong.store import save_document
    from sijeong.store.db import alembic_config, migrate
    from sijeong.store.search import search

    doc = load_path(fixtures_dir / "performance_report.txt")
    with engine.connect() as conn:
        save_document(conn, doc)
        conn.commit()
    entries = "select record_id, municipality, year, department, title, body, source_doc, source_line " \
              "from search_index where kind = 'program' order by record_id"
    with engine.connect() as conn:
        fresh = [tuple(r) for r in conn.execute(sa.text(entries))]
        programs = conn.execute(sa.text("select count(*) from programs where level in ('policy', 'unit', 'detail')")).scalar_one()
        name = conn.execute(sa.text("select name from programs where level = 'detail' order by id limit 1")).scalar_one()
    assert fresh and len(fresh) == programs
    with engine.begin() as conn:
        conn.execute(sa.text("delete from search_index where kind = 'program'"))
    command.stamp(alembic_config(engine), "0014")
    migrate(engine, "0015")  # 0015 only: the later revisions' tables are there already
    command.stamp(alembic_config(engine), "head")
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(sa.text(entries))] == fresh
        hits = search(conn, name, kinds=["program"])
    assert any(h["title"] == name and h["kind"] == "program" for h in hits)
