"""The filtered queries are answered through an index, never by a scan of a whole table.

Each test calls the real function (repository, search, the web pages' queries), captures
every SELECT/DELETE it sends, and asks the database for that statement's plan with the same
parameters: ``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN (FORMAT JSON)`` with
``enable_seqscan = off`` on PostgreSQL (so a ``Seq Scan`` in the plan means no index could
serve the query). The tables hold a few thousand rows over many municipalities, years and
departments, with statistics (``ANALYZE``), so the planners choose as they would at scale.

No timing here: speed is measured by ``bench/bench_queries.py`` (docs/benchmarks.md).
Paths known to scan a whole table are marked ``xfail(strict=True)`` with the fix in the
reason: when the fix lands the test passes, strict xfail turns that into a failure, and
the marker must go.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from sijeong.model import Finding
from sijeong.store import repository
from sijeong.store.schema import metadata, record_tables
from sijeong.store.search import search

MUNICIPALITIES = [f"시험{i:02d}시" for i in range(24)]
YEARS = list(range(2016, 2021))
DEPARTMENTS = [f"부서{i}과" for i in range(6)]
ROWS_PER_SCOPE = 3
#: the scope every test asks for
M, Y, D = MUNICIPALITIES[7], 2018, DEPARTMENTS[2]
FILLED = ("indicators", "programs", "revenues", "plan_tasks", "policy_goals", "department_summaries", "narratives")


# --- filling -------------------------------------------------------------------------------


def _fill(engine) -> None:
    """Documents and rows for every municipality × year × department (only the columns the
    queries look at are set), then statistics."""
    md = metadata()
    now = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    docs = [
        {"name": f"{m}_{y}_{fam}.txt", "municipality": m, "year": y, "family": fam, "sha256": "", "line_count": 1,
         "loaded_at": now}
        for m in MUNICIPALITIES for y in YEARS for fam in ("settlement_report", "work_plan")
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(md.tables["documents"]), docs)
        doc_id = {(r.municipality, r.year): r.id for r in conn.execute(
            sa.select(md.tables["documents"].c.id, md.tables["documents"].c.municipality, md.tables["documents"].c.year)
            .where(md.tables["documents"].c.family == "settlement_report"))}
        for name in FILLED:
            t = md.tables[name]
            rows = []
            for m in MUNICIPALITIES:
                for y in YEARS:
                    for d in DEPARTMENTS:
                        for k in range(ROWS_PER_SCOPE):
                            row = {"document_id": doc_id[(m, y)], "doc_order": k, "municipality": m, "year": y,
                                   "department": d, "name": f"{name} {d} {k}", "source_doc": f"{m}_{y}.txt",
                                   "source_line": 10 + k}
                            if name == "indicators":
                                row.update(grade="×◎○"[k % 3], rate=90.0 + k, policy_goal=f"policy_goals {d} 0")
                            if name == "programs":
                                row.update(level=("total", "policy", "unit")[k % 3], current_budget=1000 * (k + 1),
                                           spent=900 * (k + 1), parent=None if k < 2 else f"programs {d} 1", position=k)
                            if name == "plan_tasks":
                                row.update(number=k + 1, budget=5000)
                            if name == "policy_goals":
                                row.update(budget=1000, settled=900)
                            rows.append(row)
            conn.execute(sa.insert(t), rows)
        si = md.tables["search_index"]
        conn.execute(sa.insert(si), [
            {"document_id": doc_id[(m, y)], "kind": "plan_task", "record_id": k, "municipality": m, "year": y,
             "department": d, "number": k, "title": f"청렴 시민감사관 운영 {k}", "body": "시민 만족도 향상",
             "source_doc": f"{m}_{y}.txt", "source_line": k}
            for m in MUNICIPALITIES for y in YEARS for d in DEPARTMENTS for k in range(ROWS_PER_SCOPE)])
        ft = md.tables["findings"]
        conn.execute(sa.insert(ft), [
            {"document_id": doc_id[(m, y)], "rule": f"program.total.{k}", "severity": "warning", "doc": f"{m}_{y}.txt",
             "lines": [k], "message": "…", "municipality": m, "year": y, "department": d, "origin": "rule"}
            for m in MUNICIPALITIES for y in YEARS for d in DEPARTMENTS for k in range(ROWS_PER_SCOPE)])
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


@pytest.fixture
def filled(engine):
    _fill(engine)
    return engine


# --- capturing statements and reading plans ---------------------------------------------------


@contextlib.contextmanager
def captured(engine):
    """The (statement, parameters) of every SELECT / DELETE sent while the block runs."""
    seen: list[tuple[str, object]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH", "DELETE")):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


@dataclass
class Access:
    """How one table is reached: ``full`` means every row (or every index entry) is read."""

    table: str
    index: str | None
    cond: str
    full: bool
    detail: str


def _aliases(statement: str) -> dict[str, str]:
    names = set(metadata().tables)
    out = {n: n for n in names}
    for table, alias in re.findall(r'"?(\w+)"? AS "?(\w+)"?', statement):
        if table in names:
            out[alias] = table
    return out


def sqlite_plan(conn, statement: str, params) -> list[Access]:
    aliases = _aliases(statement)
    out = []
    for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params):
        detail = row[-1]
        m = re.match(r"(SCAN|SEARCH) (?:TABLE )?(\w+)(?: AS \w+)?(.*)", detail)
        if not m or m.group(2) not in aliases:  # temp b-trees, subqueries, FTS virtual table ...
            continue
        how, name, rest = m.groups()
        idx = re.search(r"USING (?:COVERING )?INDEX (\w+)(?: \((.*)\))?", rest)
        pk = re.search(r"USING INTEGER PRIMARY KEY \((.*)\)", rest)
        out.append(Access(
            table=aliases[name],
            index=idx.group(1) if idx else ("PRIMARY KEY" if pk else None),
            cond=(idx.group(2) or "") if idx else (pk.group(1) if pk else ""),
            full=how == "SCAN",
            detail=detail,
        ))
    return out


def pg_plan(conn, statement: str, params) -> list[Access]:
    with conn.begin():
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        (plan,) = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params).scalar_one()
    out: list[Access] = []

    def bitmap_indexes(node):
        if node["Node Type"] == "Bitmap Index Scan":
            yield node
        for child in node.get("Plans", []):
            yield from bitmap_indexes(child)

    def walk(node):
        kind, rel = node["Node Type"], node.get("Relation Name")
        text = json.dumps({k: v for k, v in node.items() if k != "Plans"}, ensure_ascii=False)
        if kind == "Seq Scan" and rel:
            out.append(Access(rel, None, node.get("Filter", ""), True, text))
        elif kind in ("Index Scan", "Index Only Scan") and rel:
            cond = node.get("Index Cond", "")
            out.append(Access(rel, node["Index Name"], cond, not cond, text))
        elif kind == "Bitmap Heap Scan" and rel:
            for b in bitmap_indexes(node):
                cond = b.get("Index Cond", "")
                out.append(Access(rel, b["Index Name"], cond, not cond, text))
        for child in node.get("Plans", []):
            if kind != "Bitmap Heap Scan":
                walk(child)

    walk(plan["Plan"])
    return out


def plans(engine, statements) -> list[tuple[str, list[Access]]]:
    out = []
    with engine.connect() as conn:
        for statement, params in statements:
            if engine.dialect.name == "sqlite":
                out.append((statement, sqlite_plan(conn, statement, params)))
            else:
                out.append((statement, pg_plan(conn, statement, params)))
    return out


def _show(statement: str, accesses: list[Access]) -> str:
    return " ".join(statement.split())[:300] + "\n    " + "\n    ".join(a.detail for a in accesses)


def assert_no_full_scan(engine, statements, *, skip_tables: tuple[str, ...] = ()) -> list[tuple[str, list[Access]]]:
    got = plans(engine, statements)
    assert got, "the function sent no statement"
    for statement, accesses in got:
        bad = [a for a in accesses if a.full and a.table not in skip_tables]
        assert not bad, "a whole table is read:\n" + _show(statement, accesses)
    return got


def assert_dims_index(engine, statements, table: str, columns=("municipality", "year", "department")) -> None:
    """Every statement reading ``table`` reaches it through ``ix_<table>_dims`` on ``columns``."""
    got = assert_no_full_scan(engine, statements)
    reading = [(s, acc) for s, acc in got if any(a.table == table for a in acc)]
    assert reading, f"no statement read {table}"
    for statement, accesses in reading:
        for a in (a for a in accesses if a.table == table):
            assert a.index == f"ix_{table}_dims", "not the (municipality, year, department) index:\n" + _show(statement, accesses)
            for c in columns:
                assert c in a.cond, f"the index is not used for {c}:\n" + _show(statement, accesses)


# --- the repository -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["indicators", "programs", "revenues", "plan_tasks"])
def test_list_records_page_uses_the_dims_index(filled, kind):
    with filled.connect() as conn, captured(filled) as stmts:
        rows, total = repository.list_records(conn, kind, municipality=M, year=Y, department=D, limit=2)
    assert total == ROWS_PER_SCOPE and len(rows) == 2
    assert len(stmts) == 2  # the count and the page
    assert_dims_index(filled, stmts, kind)


def test_iter_records_with_filters_uses_the_dims_index(filled):
    """The filtered export (``sijeong export --municipality M --year Y``) walks the index,
    not the primary key from the first row on."""
    with filled.connect() as conn, captured(filled) as stmts:
        rows = list(repository.iter_records(conn, "programs", municipality=M, year=Y, department=D, batch_size=2))
    assert len(rows) == ROWS_PER_SCOPE and len(stmts) == 2
    assert_dims_index(filled, stmts, "programs")


def test_iter_records_of_one_municipality_uses_the_dims_index(filled):
    """``sijeong export --municipality M`` and /opendata: the scopes of M listed through the
    index, then each scope's rows by keyset on the index (which ends with id), never
    ``WHERE municipality = M ORDER BY id LIMIT n`` (a walk of the primary key)."""
    with filled.connect() as conn, captured(filled) as stmts:
        rows = list(repository.iter_records(conn, "indicators", municipality=M, batch_size=2))
    assert len(rows) == len(YEARS) * len(DEPARTMENTS) * ROWS_PER_SCOPE
    assert len({r["id"] for r in rows}) == len(rows) and {r["municipality"] for r in rows} == {M}
    scopes = [(r["year"], r["department"], r["id"]) for r in rows]
    assert scopes == sorted(scopes)  # scope by scope, ids ascending within each
    assert_dims_index(filled, stmts, "indicators", columns=("municipality",))
    for statement, accesses in plans(filled, stmts)[1:]:  # the pages: the whole scope in the index condition
        assert all(c in a.cond for a in accesses for c in ("year", "department")), _show(statement, accesses)


def test_iter_records_of_one_municipality_keeps_rows_without_year_or_department(filled):
    """Scopes with an empty year or department are streamed too (IS NULL, not = NULL), last."""
    t = metadata().tables["indicators"]
    with filled.begin() as conn:
        doc_id = conn.execute(sa.select(t.c.document_id).where(t.c.municipality == M).limit(1)).scalar_one()
        conn.execute(sa.insert(t), [
            {"document_id": doc_id, "municipality": M, "year": y, "department": d, "name": f"빈 범위 {k}",
             "source_doc": "x.txt", "source_line": 1}
            for k, (y, d) in enumerate([(None, None), (Y, None), (None, D), (Y, None)])])
    with filled.connect() as conn:
        rows = list(repository.iter_records(conn, "indicators", municipality=M, batch_size=1))
        every = conn.execute(sa.select(t.c.id).where(t.c.municipality == M)).scalars().all()
    assert sorted(r["id"] for r in rows) == sorted(every)
    tail = [(r["year"], r["department"]) for r in rows if r["name"].startswith("빈 범위")]
    assert tail == [(Y, None), (Y, None), (None, D), (None, None)]
    assert [r["name"] for r in rows[-2:]] == ["빈 범위 2", "빈 범위 0"]


def test_iter_records_of_one_municipality_year_streams_findings_by_their_index(filled):
    with filled.connect() as conn, captured(filled) as stmts:
        rows = list(repository.iter_records(conn, "findings", municipality=M, year=Y, batch_size=2))
    assert len(rows) == len(DEPARTMENTS) * ROWS_PER_SCOPE and {(r["municipality"], r["year"]) for r in rows} == {(M, Y)}
    assert_dims_index(filled, stmts, "findings", columns=("municipality", "year"))


def test_list_findings_uses_its_index(filled):
    """Ordered by (municipality, year, rule, id), the order of ix_findings_dims: a page is
    read from the index (ORDER BY id alone walked the primary key on PostgreSQL)."""
    with filled.connect() as conn, captured(filled) as stmts:
        rows, total = repository.list_findings(conn, municipality=M, year=Y, limit=5)
    assert total == len(DEPARTMENTS) * ROWS_PER_SCOPE and len(rows) == 5
    assert [(r["rule"], r["id"]) for r in rows] == sorted((r["rule"], r["id"]) for r in rows)
    assert {r["rule"] for r in rows} == {"program.total.0"}  # the first rule's findings come first
    got = assert_no_full_scan(filled, stmts)
    assert all(a.index == "ix_findings_dims" for _, acc in got for a in acc if a.table == "findings")


def test_load_documents_reads_records_by_document_id(filled):
    """What ``sijeong check`` and the reports load: every record table by document id."""
    with filled.connect() as conn, captured(filled) as stmts:
        docs = repository.load_documents(conn, municipality=M, year=Y)
    assert len(docs) == 2 and sum(len(d.records) for d in docs) == len(FILLED) * len(DEPARTMENTS) * ROWS_PER_SCOPE
    record_stmts = [s for s in stmts if "FROM documents" not in s[0]]
    got = assert_no_full_scan(filled, record_stmts)
    names = {t.name for t in record_tables().values()}
    for statement, accesses in got:
        for a in accesses:
            if a.table in names:
                assert a.index == f"ix_{a.table}_document_id", _show(statement, accesses)


def test_documents_of_one_municipality_year_use_an_index(filled):
    """repository.document_rows (load_documents, sijeong export, sijeong check) through
    ix_documents_dims (migration 0006), not a scan of documents."""
    with filled.connect() as conn, captured(filled) as stmts:
        rows = repository.document_rows(conn, municipality=M, year=Y)
    assert len(rows) == 2
    assert_no_full_scan(filled, stmts)


def test_cross_document_context_reads_one_municipalitys_later_plans_by_index(filled):
    """operations.restated_report_years (the plan scopes a stored report re-checks: the later
    plans restating its results; the report scopes a stored plan re-checks): the plans'
    documents through ix_documents_dims, their statistics by document id, the reports through
    ix_indicators_dims — never a scan."""
    md = metadata()
    docs, st, ind = md.tables["documents"], md.tables["statistics"], md.tables["indicators"]
    with filled.begin() as conn:
        plan_ids = {r.year: r.id for r in conn.execute(sa.select(docs.c.id, docs.c.year).where(
            docs.c.municipality == M, docs.c.family == "work_plan"))}
        conn.execute(sa.insert(st), [
            {"document_id": plan_ids[y], "doc_order": 0, "municipality": M, "year": y, "department": D,
             "name": f"통계 {y}", "source_doc": f"{M}_{y}_work_plan.txt", "source_line": 5} for y in YEARS])
        conn.execute(sa.update(ind).where(ind.c.municipality == M).values(actual=1.0))
    with filled.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    with filled.connect() as conn, captured(filled) as stmts:
        got = repository.load_plan_statistics(conn, municipality=M, after=Y, exclude=[f"{M}_{Y + 1}_work_plan.txt"])
        by_name = repository.load_plan_statistics(conn, municipality=M, names=[f"{M}_{Y}_work_plan.txt"])
        years = repository.report_years(conn, municipality=M, years=[Y, Y + 1])
    assert [(d.year, [r.name for r in d.records]) for d in got] == [
        (y, [f"통계 {y}"]) for y in YEARS if y > Y + 1]
    assert [(d.year, len(d.records)) for d in by_name] == [(Y, 1)]
    assert years == [Y, Y + 1]
    assert_no_full_scan(filled, stmts)


def test_save_findings_does_not_read_every_document(filled):
    """repository._save_findings links findings to their documents by reading only the
    documents the findings name (through uq_documents_name_municipality)."""
    finding = Finding(rule="program.total", severity="warning", doc=f"{M}_{Y}_settlement_report.txt", lines=[3],
                      message="…", municipality=M, year=Y, department=D)
    with filled.begin() as conn, captured(filled) as stmts:
        repository.save_findings(conn, [finding], replace_for=[(M, Y)])
    assert_no_full_scan(filled, stmts)
    with filled.connect() as conn:
        linked = conn.execute(sa.text(
            "select d.name, d.municipality from findings f join documents d on d.id = f.document_id "
            "where f.rule = 'program.total'")).all()
    assert [tuple(r) for r in linked] == [(finding.doc, M)]


# --- search ------------------------------------------------------------------------------------


def test_short_term_search_in_one_scope_uses_an_index(filled):
    """A two-syllable Korean word (청렴) is too short for the trigram index: SQLite falls
    back to LIKE, which must then be narrowed by the (municipality, year, department) index."""
    with filled.connect() as conn, captured(filled) as stmts:
        hits = search(conn, "청렴", municipality=M, year=Y, department=D)
    assert len(hits) == ROWS_PER_SCOPE
    got = assert_no_full_scan(filled, stmts)
    if filled.dialect.name == "sqlite":
        assert all(a.index == "ix_search_index_dims" for _, acc in got for a in acc), _show(*got[0])


def test_long_term_search_uses_the_text_index(filled):
    with filled.connect() as conn:
        if filled.dialect.name != "sqlite":
            # PostgreSQL ranks as FTS5 does, which needs the whole index's size (rows,
            # trigrams): read once, then kept until a document is saved (tested below)
            search(conn, "시민감사관", municipality=M)
        with captured(filled) as stmts:
            hits = search(conn, "시민감사관", municipality=M)
    assert len(hits) == 20  # the limit
    assert_no_full_scan(filled, stmts)


def test_the_index_size_is_read_again_when_a_document_is_saved(engine, make_document):
    """PostgreSQL's bm25 (store.search) keeps the index's size per engine: a save moves its
    stamp, so the next search counts the new rows (a stale size would rank differently
    from SQLite's FTS5)."""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite's FTS5 keeps its own size")
    from sijeong.store.search import _index_size
    from sijeong.store.schema import table

    si = table("search_index")
    with engine.connect() as conn:
        repository.save_document(conn, make_document("a.txt"))
        first = _index_size(conn, si)
        with captured(engine) as stmts:
            assert _index_size(conn, si) == first
        assert all("sum(" not in s.lower() for s, _ in stmts)  # kept: probes only
        repository.save_document(conn, make_document("b.txt"))
        second = _index_size(conn, si)
        n = conn.execute(sa.select(sa.func.count()).select_from(si)).scalar_one()
    assert second[0] == n > first[0]


# --- the read layer (store.views) ----------------------------------------------------------------------


@pytest.mark.parametrize("table", ["indicators", "programs", "revenues", "plan_tasks"])
def test_web_page_uses_the_dims_index(filled, table):
    from sijeong.store import views

    with filled.connect() as conn, captured(filled) as stmts:
        rows, total = views.records(conn, table, municipality=M, year=Y, department=D,
                                    order=("year", "department", "doc_order", "id"), limit=2)
    assert total == ROWS_PER_SCOPE and len(rows) == 2
    assert_dims_index(filled, stmts, table)


@pytest.mark.parametrize("name", ["years", "departments", "grade_counts", "execution_by_department",
                                  "missed_indicators", "department_summaries", "rate_changes", "finding_counts"])
def test_dashboard_queries_use_indexes(filled, name):
    from sijeong.store import views

    calls = {
        "years": lambda c: views.years(c, M),
        "departments": lambda c: views.departments(c, M, Y),
        "grade_counts": lambda c: views.grade_counts(c, M, Y),
        "execution_by_department": lambda c: views.execution_by_department(c, M, Y),
        "missed_indicators": lambda c: views.missed_indicators(c, M, Y)[0],
        "department_summaries": lambda c: views.department_summaries(c, M, Y),
        "rate_changes": lambda c: views.rate_changes(c, M, Y, Y - 1),
        "finding_counts": lambda c: list(views.finding_counts(c, M, Y)),
    }
    with filled.connect() as conn, captured(filled) as stmts:
        got = calls[name](conn)
    assert got, f"{name} found nothing: the test data do not reach it"
    assert_no_full_scan(filled, stmts)


def test_municipalities_do_not_scan_record_tables(filled):
    """store.views.municipalities (app._default_municipality, every request without
    ?municipality=) reads documents only."""
    from sijeong.store import views

    with filled.connect() as conn, captured(filled) as stmts:
        assert views.municipalities(conn) == sorted(MUNICIPALITIES)
    assert_no_full_scan(filled, stmts, skip_tables=("documents",))  # listing them all reads documents
    assert all(a.table == "documents" for _, acc in plans(filled, stmts) for a in acc)


def test_municipalities_are_cached_until_a_document_is_saved_or_the_ttl_ends(filled, make_document):
    from sijeong.store import views

    with filled.connect() as conn:
        assert views.municipalities(conn) == sorted(MUNICIPALITIES)
        with captured(filled) as stmts:
            assert views.municipalities(conn) == sorted(MUNICIPALITIES)
        assert len(stmts) == 1 and "max(documents.id)" in stmts[0][0].lower()  # the probe only
        assert_no_full_scan(filled, stmts)
    with filled.begin() as conn:  # a new municipality: seen at once
        repository.save_document(conn, make_document("new.txt", municipality="가나다시", year=2018))
    with filled.connect() as conn:
        assert views.municipalities(conn) == sorted([*MUNICIPALITIES, "가나다시"])
    with filled.begin() as conn:  # deleting an older document does not move the newest row: seen when the ttl ends
        conn.execute(sa.text("delete from documents where municipality = :m"), {"m": MUNICIPALITIES[0]})
    with filled.connect() as conn:
        assert MUNICIPALITIES[0] in views.municipalities(conn)
        assert MUNICIPALITIES[0] not in views.municipalities(conn, ttl=0)
