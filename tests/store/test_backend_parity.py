"""SQLite and PostgreSQL give the same answers where the difference would be the database's:
where NULLs sort, a bare whole number in a JSON column, and search's hits and their order
(FTS5's bm25 on SQLite, worked out the same way on PostgreSQL)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import sqlalchemy as sa

from sijeong.model import Finding
from sijeong.store import repository
from sijeong.store.search import search, search_count

ROOT = Path(__file__).resolve().parents[2]


def test_records_without_a_year_sort_first_as_on_sqlite(engine, make_document):
    from sijeong.store import views

    with engine.connect() as conn:
        repository.save_document(conn, make_document("dated.txt", year=2020))
        repository.save_document(conn, make_document("undated.txt", year=None))
        rows, total = views.records(conn, "indicators", municipality="가온시", order=("year", "department", "doc_order", "id"))
        newest_first, _ = views.records(conn, "indicators", municipality="가온시", order=("-year", "id"))
    assert total == 2
    assert [r["year"] for r in rows] == [None, 2020]  # ascending: NULL first
    assert [r["year"] for r in newest_first] == [2020, None]  # descending: NULL last


def test_findings_without_a_year_list_first_as_on_sqlite(engine):
    base = Finding(rule="indicator.rate", severity="error", message="m", doc="a.txt", lines=[3],
                   municipality="가온시", department="기획과", subject="s")
    with engine.connect() as conn:
        repository.save_findings(conn, [dataclasses.replace(base, year=2020), dataclasses.replace(base, year=None)])
        rows, _ = repository.list_findings(conn, municipality="가온시")
    assert [r["year"] for r in rows] == [None, 2020]


def test_a_bare_whole_number_in_json_comes_back_an_integer(engine):
    """SQLite's JSON column has NUMERIC affinity: the text 225.0 is stored as the integer 225.
    PostgreSQL's json keeps the text; the store writes (and reads) it as SQLite gives it."""
    f = Finding(rule="indicator.rate", severity="error", message="m", doc="a.txt", lines=[3], municipality="가온시",
                year=2020, department="기획과", subject="s", expected=225.0, actual=99.5)
    g = dataclasses.replace(f, subject="t", expected=[225.0, 1], actual={"v": 3.0})
    with engine.connect() as conn:
        repository.save_findings(conn, [f, g])
        rows, _ = repository.list_findings(conn, municipality="가온시")
    got = {r["subject"]: (r["expected"], r["actual"]) for r in rows}
    assert got["s"] == (225, 99.5) and type(got["s"][0]) is int and type(got["s"][1]) is float
    # inside an array or object a number is text on both databases: as written
    assert got["t"] == ([225.0, 1], {"v": 3.0}) and type(got["t"][0][0]) is float and type(got["t"][1]["v"]) is float


def test_json_loads_reads_old_rows_as_sqlite_does():
    from sijeong.store.db import integral, json_dumps, json_loads

    assert json_loads("225.0") == 225 and type(json_loads("225.0")) is int
    assert json_loads("[225.0]") == [225.0] and type(json_loads("[225.0]")[0]) is float
    assert json_dumps(3e5) == "300000" and json_dumps(0.5) == "0.5" and json_dumps(True) == "true"
    assert type(integral(1e19)) is float  # past SQLite's 64-bit integers: stays a real


@pytest.mark.postgres
def test_search_gives_the_same_hits_in_the_same_order(tmp_path, request):
    """The samples saved into SQLite (FTS5, bm25) and PostgreSQL (ILIKE on pg_trgm, bm25
    worked out by store.search): every query — long terms (ranked), short ones (LIKE, by
    year, department, number), several terms, filters, pages — gives the same answer."""
    from tests.conftest import _empty_pg
    from sijeong.pipeline import load_path
    from sijeong.store.db import create_engine_for, migrate

    docs = [load_path(p) for p in sorted((ROOT / "samples").glob("*.txt"))]
    assert docs
    lite = create_engine_for(f"sqlite:///{tmp_path / 'parity.db'}")
    migrate(lite)
    pg = request.getfixturevalue("pg_engine")
    _empty_pg(pg)
    answers = {}
    for eng in (lite, pg):
        with eng.connect() as conn:
            for d in docs:
                repository.save_document(conn, d)
            conn.commit()
            words = sorted({w for (t,) in conn.execute(sa.text("SELECT title FROM search_index")) for w in t.split()})
            assert len(words) > 20
            queries = [(w, {}) for w in words] + [
                ("정보화 강화", {}), ("CCTV 고도화", {}), ("실적", {"limit": 3, "offset": 2}),
                ("성과", {"kinds": ["narrative"]}), ("데이터", {"year": 2023}),
            ]
            answers[eng.dialect.name] = [(q, kw, search(conn, q, **{"limit": 500, **kw}),
                                          search_count(conn, q, **{k: v for k, v in kw.items()
                                                                                        if k not in ("limit", "offset")}))
                                         for q, kw in queries]
    lite.dispose()
    ranked = [q for q, _, hits, _ in answers["sqlite"] if len(hits) > 1 and all(len(t) >= 3 for t in q.split())]
    assert ranked, "no long term with several hits: the bm25 order is not tested"
    for a, b in zip(answers["sqlite"], answers["postgresql"], strict=True):
        assert a == b, f"search {a[0]!r} {a[1]}: SQLite and PostgreSQL differ"
