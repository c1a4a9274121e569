"""``sijeong check`` over a database: one municipality-year at a time (never every document
at once), the same findings as checking everything together, filters, and ``--save``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from sijeong.cli import main
from sijeong.store import repository, views
from sijeong.store.db import create_engine_for

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(str(p) for p in (ROOT / "samples").glob("*.txt"))
TOWNS = ("가온시", "나래시")


@pytest.fixture
def stored(db_url, capsys):
    """The two samples (a 2023 settlement report, a 2024 work plan) stored for two municipalities."""
    assert len(SAMPLES) == 2
    for town in TOWNS:
        assert main(["ingest", *SAMPLES, "--db", db_url, "--municipality", town]) == 0
    capsys.readouterr()
    return db_url


def run_json(capsys, *argv) -> list[dict]:
    assert main(["check", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def key(f: dict) -> str:
    return json.dumps(f, ensure_ascii=False, sort_keys=True)


def test_check_loads_one_municipality_year_at_a_time(stored, capsys, monkeypatch):
    calls = []
    real = views.load_documents  # check reads through the read layer

    def spy(conn, **kw):
        docs = real(conn, **kw)
        calls.append((kw.get("municipality"), kw.get("year"), len(docs)))
        return docs

    monkeypatch.setattr(views, "load_documents", spy)
    found = run_json(capsys, "--db", stored, "--full")  # without --full, what ingest stamped is not loaded at all
    assert sorted(calls) == [(t, [y], 1) for t in TOWNS for y in (2023, 2024)]
    assert found and {(f["municipality"], f["year"]) for f in found} <= {(t, y) for t in TOWNS for y in (2023, 2024)}


def test_check_per_year_finds_what_checking_every_year_at_once_finds(stored, capsys):
    """Per municipality-year as with all of a municipality's years together (what
    ``sijeong ingest`` checks). Not all municipalities at once: the rules tell documents
    apart by name, and both municipalities here hold files of the same names."""
    from sijeong.rules import run_rules

    engine = create_engine_for(stored)
    together = []
    with engine.connect() as conn:
        for town in TOWNS:
            docs = repository.load_documents(conn, municipality=town)
            assert len(docs) == 2
            together += [f.as_dict() for d in docs for f in d.findings]  # read.*, link.*, perf.*
            together += [f.as_dict() for f in run_rules(docs)]
    engine.dispose()
    per_scope = run_json(capsys, "--db", stored)
    assert sorted(map(key, per_scope)) == sorted(map(key, json.loads(json.dumps(together, ensure_ascii=False))))
    errors = [f for f in per_scope if f["severity"] == "error"]
    assert len(errors) >= 2 * 3  # the samples' three deliberate misprints, in both municipalities


def test_check_filters_by_municipality_and_year(stored, capsys):
    every = run_json(capsys, "--db", stored)
    one = run_json(capsys, "--db", stored, "--municipality", TOWNS[1], "--year", "2023")
    assert one and {(f["municipality"], f["year"]) for f in one} == {(TOWNS[1], 2023)}
    assert sorted(map(key, one)) == sorted(key(f) for f in every if (f["municipality"], f["year"]) == (TOWNS[1], 2023))
    # a municipality with no document: an empty list, and exit 1 saying so
    assert main(["check", "--db", stored, "--municipality", "없는시", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out) == [] and "없는시는 저장된 문서가 없습니다" in err
    assert main(["check", "--db", stored]) == 0
    err = capsys.readouterr().err
    assert "# 문서 4개" in err


def test_check_save_replaces_each_scopes_rule_findings(stored, capsys):
    engine = create_engine_for(stored)

    def stored_rules() -> list[tuple]:
        with engine.connect() as conn:
            rows, _ = repository.list_findings(conn, origin="rule", limit=10_000)
        return sorted((r["municipality"], r["year"], r["rule"], r["doc"], json.dumps(r["lines"])) for r in rows)

    with engine.begin() as conn:  # a stale finding of one scope, and one of a scope not checked
        conn.execute(sa.text("insert into findings (rule, severity, doc, message, municipality, year, origin) values "
                             "('stale.rule', 'error', 'x.txt', 'old', :a, 2023, 'rule'), "
                             "('stale.rule', 'error', 'x.txt', 'old', :b, 2023, 'rule')"), {"a": TOWNS[0], "b": TOWNS[1]})
    found = run_json(capsys, "--db", stored, "--municipality", TOWNS[0], "--save")
    from sijeong.commands.check import READER_FAMILIES

    expected = [f for f in found if f["rule"].split(".")[0] not in READER_FAMILIES]
    after = stored_rules()
    mine = [r for r in after if r[0] == TOWNS[0]]
    assert len(mine) == len(expected) and ("stale.rule" not in {r[2] for r in mine})
    assert [r for r in after if r[0] == TOWNS[1] and r[2] == "stale.rule"]  # the other municipality is untouched
    run_json(capsys, "--db", stored, "--municipality", TOWNS[0], "--save")
    assert stored_rules() == after  # replaced, not added again
    assert main(["check", "--db", stored, "--save", "--rule", "program"]) == 2
    engine.dispose()


def test_check_save_for_one_year_keeps_the_findings_of_a_document_without_a_year(stored, capsys, make_document):
    """``--year 2023 --save`` does not check the document without a year, so it must not
    delete that document's rule findings (year None) either."""
    from sijeong.model import Finding

    engine = create_engine_for(stored)
    undated = make_document("undated.txt", municipality=TOWNS[0], year=None)
    with engine.begin() as conn:
        repository.save_document(conn, undated)
        repository.save_findings(conn, [Finding(rule="kept.rule", severity="error", doc="undated.txt", lines=[14],
                                                message="합계 불일치", municipality=TOWNS[0], year=None)])
    run_json(capsys, "--db", stored, "--municipality", TOWNS[0], "--year", "2023", "--save")
    with engine.connect() as conn:
        rows, _ = repository.list_findings(conn, origin="rule", rule="kept.rule")
    engine.dispose()
    assert [(r["doc"], r["year"]) for r in rows] == [("undated.txt", None)]


def test_an_unknown_rule_is_refused_with_exit_2(capsys):
    assert main(["check", "--files", SAMPLES[0], "--rule", "no.such.rule"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("알 수 없는 규칙: 'no.such.rule'") and "--list-rules" in err and "unknown rule" in err


def test_a_known_rule_id_and_a_family_are_accepted(capsys):
    from sijeong.rules import RULES

    some = next(iter(RULES.values()))
    assert main(["check", "--files", SAMPLES[0], "--rule", some.id, "--rule", some.family]) == 0


def test_list_rules_prints_every_rule_with_its_korean_name(capsys):
    from sijeong.rules import RULES

    assert main(["check", "--list-rules"]) == 0
    from sijeong.commands.check import READER_NAMES

    rows = [ln.split("\t") for ln in capsys.readouterr().out.splitlines()]
    assert [r[0] for r in rows] == list(RULES) + list(READER_NAMES)
    assert all(r[1] == (RULES[r[0]].name if r[0] in RULES else READER_NAMES[r[0]]) and r[1] for r in rows)


def test_text_output_names_each_finding_in_korean(capsys):
    from sijeong.rules import RULES

    assert main(["check", "--files", *SAMPLES]) == 0
    out = [ln for ln in capsys.readouterr().out.splitlines() if ln.strip()]
    assert out
    for ln in out:
        rule_id = ln.split(" ")[1]
        if rule_id in RULES:
            assert f"] " in ln and f"[{RULES[rule_id].name}] " in ln, ln


def test_every_reader_finding_id_has_a_korean_name():
    import re

    from sijeong.commands.check import READER_NAMES

    src = ROOT / "src" / "sijeong"
    ids = {m for p in src.rglob("*.py") for m in re.findall(r'"((?:read|link|perf)\.[a-z_]+)"', p.read_text(encoding="utf-8"))}
    assert ids and ids <= set(READER_NAMES), ids - set(READER_NAMES)


def test_check_jobs_gives_the_same_output_as_one_process(stored, capsys):
    """``--jobs 2`` checks the municipalities in two worker processes: the same findings, in
    the same order, text and JSON, and the same summary line."""
    one = run_json(capsys, "--db", stored)
    two = run_json(capsys, "--db", stored, "--jobs", "2")
    assert one and [key(f) for f in two] == [key(f) for f in one]
    assert main(["check", "--db", stored]) == 0
    text_one = capsys.readouterr()
    assert main(["check", "--db", stored, "--jobs", "2"]) == 0
    text_two = capsys.readouterr()
    assert text_two.out == text_one.out and text_two.err == text_one.err
    assert main(["check", "--db", stored, "--jobs", "2", "--municipality", TOWNS[0], "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [f for f in one if f["municipality"] == TOWNS[0]]


def test_the_context_read_once_per_municipality_is_the_context_read_per_scope(stored):
    """A read-only check reads a municipality's reports once (``ContextCache``) and filters
    them per scope: the same context documents, records and order as the query."""
    from sijeong.operations import ContextCache, context_of

    engine = create_engine_for(stored)
    try:
        with engine.connect() as conn:
            cache = ContextCache()
            compared = 0
            for m, ys in views.scopes(conn):
                docs = views.load_documents(conn, municipality=m, year=ys)
                plain, cached = context_of(conn, docs), context_of(conn, docs, cache)
                assert [(d.name, d.year, d.family, d.title, d.headings) for d in cached] == \
                    [(d.name, d.year, d.family, d.title, d.headings) for d in plain]
                assert [d.records for d in cached] == [d.records for d in plain]
                compared += sum(len(d.records) for d in plain)
            assert compared  # the 2024 plan's context holds the 2023 report's results
    finally:
        engine.dispose()
