"""Paged listing, streaming, findings and the one-transaction guarantee."""

import pytest
import sqlalchemy as sa

from sijeong.model import Finding
from sijeong.store import repository
from sijeong.store.repository import (
    count_rows,
    iter_records,
    list_findings,
    list_records,
    load_documents,
    save_document,
    save_findings,
    to_record,
)


@pytest.fixture
def three_docs(engine, make_document):
    with engine.begin() as conn:
        save_document(conn, make_document("a.txt", year=2020, department="기획과"))
        save_document(conn, make_document("b.txt", year=2021, department="기획과", scale=2))
        save_document(conn, make_document("c.txt", year=2021, department="예산과", scale=3))
    return engine


def test_list_records_pages_and_filters(three_docs):
    with three_docs.connect() as conn:
        rows, total = list_records(conn, "programs")
        assert total == 3 and [r["budget"] for r in rows] == [900_000, 1_800_000, 2_700_000]
        rows, total = list_records(conn, "program", year=2021, limit=1, offset=1)
        assert total == 2 and len(rows) == 1 and rows[0]["department"] == "예산과"
        rows, total = list_records(conn, "indicators", department="기획과", q="징수")
        assert total == 2 and {r["year"] for r in rows} == {2020, 2021}
        assert rows[0]["figures"]["target"] == {"raw": "95", "line": 11, "unit": "%", "value": 95}
        assert rows[0]["target"] == 95 and isinstance(rows[0]["target"], int)
        assert rows[0]["actual"] == 96.4
        _, total = list_records(conn, "plan_tasks", q="스마트")  # matches the title
        assert total == 3
        _, total = list_records(conn, "plan_tasks", q="100%")  # LIKE wildcards are escaped
        assert total == 0
        rows, _ = list_records(conn, "indicators", limit=1)
        rec = to_record("indicators", rows[0])
        assert rec.kind == "indicator" and rec.figures["rate"].raw == "101" and rec.appearances[0].source.line == 40
        with pytest.raises(KeyError):
            list_records(conn, "no_such_kind")


def test_iter_records_streams_every_row_in_batches(three_docs, monkeypatch):
    seen_limits = []
    real_execute = sa.Connection.execute

    def spy(self, stmt, *a, **kw):
        if isinstance(stmt, sa.Select) and stmt._limit_clause is not None:
            seen_limits.append(stmt._limit_clause.value)
        return real_execute(self, stmt, *a, **kw)

    with three_docs.connect() as conn:
        monkeypatch.setattr(sa.Connection, "execute", spy)
        names = [r["document_id"] for r in iter_records(conn, "programs", batch_size=2)]
        monkeypatch.undo()
        assert names == [1, 2, 3]
        assert seen_limits == [2, 2]  # two batches, never the whole table at once
        assert len(list(iter_records(conn, "indicators", year=2021))) == 2
        assert len(list(iter_records(conn, "tables"))) == 3
        assert len(list(iter_records(conn, "findings"))) == 3


def test_save_findings_replaces_rule_findings_of_the_years(three_docs):
    def finding(rule, year, doc="a.txt"):
        return Finding(rule=rule, severity="error", doc=doc, lines=[14, 15], message=f"{rule} {year}",
                       expected=1_000, actual={"printed": 990}, municipality="가온시", year=year, department="기획과")

    with three_docs.begin() as conn:
        save_findings(conn, [finding("sum.total", 2020), finding("rate.grade", 2021, "b.txt")])
    with three_docs.begin() as conn:
        save_findings(conn, [finding("sum.columns", 2021, "b.txt")], replace_for=[("가온시", 2021)])
    with three_docs.connect() as conn:
        rows, total = list_findings(conn, origin="rule")
        assert total == 2
        assert sorted(r["rule"] for r in rows) == ["sum.columns", "sum.total"]
        assert rows[0]["expected"] == 1_000 and rows[0]["actual"] == {"printed": 990}
        docs = dict(conn.execute(sa.text("select id, name from documents")).all())
        assert {docs[r["document_id"]] for r in rows} == {"a.txt", "b.txt"}
        _, read_total = list_findings(conn, origin="read")
        assert read_total == 3  # the readers' findings stay with their documents
        (doc,) = load_documents(conn, names=["a.txt"])
        assert [f.rule for f in doc.findings] == ["read.unit"]


def test_a_failed_save_leaves_the_database_as_it_was(engine, make_document, monkeypatch):
    with engine.begin() as conn:
        save_document(conn, make_document(scale=1))
    with engine.connect() as conn:
        before = count_rows(conn)
        (old,) = load_documents(conn)

    real_insert = repository._insert

    def failing_insert(conn, t, rows):
        if t.name == "findings":  # after the document, its records and tables were written
            raise sa.exc.OperationalError("INSERT INTO findings", {}, RuntimeError("disk full (injected)"))
        return real_insert(conn, t, rows)

    monkeypatch.setattr(repository, "_insert", failing_insert)
    with pytest.raises(sa.exc.OperationalError):
        with engine.begin() as conn:
            save_document(conn, make_document(scale=5))
    with pytest.raises(sa.exc.OperationalError):  # without a transaction of the caller's
        with engine.connect() as conn:
            save_document(conn, make_document("new.txt"))
    monkeypatch.undo()
    with engine.connect() as conn:
        assert count_rows(conn) == before
        (again,) = load_documents(conn)
    assert again.records == old.records


def test_a_record_kind_without_a_table_is_refused(engine, make_document):
    from dataclasses import dataclass
    from typing import ClassVar

    from sijeong.model import Record, Source

    @dataclass(kw_only=True, slots=True)
    class Unheard(Record):
        kind: ClassVar[str] = "unheard"

    doc = make_document()
    doc.records.append(Unheard(source=Source("plan_a.txt", 5), municipality="가온시", year=2020, department=None, name="x"))
    with pytest.raises(ValueError, match="no table for record kind 'unheard'"):
        with engine.begin() as conn:
            save_document(conn, doc)
    with engine.connect() as conn:
        assert count_rows(conn)["documents"] == 0
