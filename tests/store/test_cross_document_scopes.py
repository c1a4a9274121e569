"""``cross.document`` from the database: a report and a later plan of one municipality are
stored in different municipality-years, checked one scope at a time — yet the findings are
those of the two documents checked together, whichever is stored first.

- checking a scope that holds a report brings in the statistics, tasks and headings of the
  municipality's later plans (``operations.context_of``: only those, by indexed reads);
- storing a plan re-checks, in the same transaction, the scopes of the reports holding
  results of the years it restates — as read now and as the version it replaces restated
  them (``operations.restated_report_years``);
- one difference is one finding, the plan's, naming the report's lines (``related``):
  checking a scope that holds a plan brings in the indicator results of earlier years in the
  municipality's reports, and storing a report re-checks the scopes of the later plans
  restating one of its results; checking the report's scope leaves the plan's finding alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sijeong import operations, pipeline
from sijeong.cli import main
from sijeong.store import db, repository
from sijeong.web import uploads

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPORT = FIXTURES / "consistent_report.txt"  # FY2020, 미래가치담당관 민원 처리 만족도: '19 80.4, '20 87.3 (%)
PLAN = FIXTURES / "cross_document" / "later_plan_2022.txt"  # 2022 plan: 2019 80.4%, 2020 85.3%, 2021 88.1%
M = "김포시"


def plan_text(cells: str, header: str = "2019\t2020\t2021") -> str:
    """The 2022 plan with other values (or other years) in its table."""
    text = PLAN.read_text(encoding="utf-8")
    old_header, old_cells = "연도\t2019\t2020\t2021", "민원 처리 만족도\t80.4%\t85.3%\t88.1%"
    assert old_header in text and old_cells in text
    return text.replace(old_header, "연도\t" + header).replace(old_cells, "민원 처리 만족도\t" + cells)


def key(f) -> tuple:
    d = f if isinstance(f, dict) else f.as_dict()
    related = tuple((r["doc"], tuple(r["lines"])) for r in d.get("related") or [])
    return (d["rule"], d["severity"], d["doc"], tuple(d["lines"]), d["message"], d["year"], related)


def stored(url: str) -> list[tuple]:
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            rows, _ = repository.list_findings(conn, municipality=M, origin="rule", limit=10_000)
    finally:
        engine.dispose()
    return sorted(key(r) for r in rows)


def checked(url: str, capsys) -> list[tuple]:
    """``sijeong check --db``: the rules' findings (the readers' are stored with their documents)."""
    assert main(["check", "--db", url, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    return sorted(key(f) for f in out if f["rule"].split(".")[0] not in ("read", "link", "perf"))


def together(*paths: Path) -> list[tuple]:
    return sorted(key(f) for f in pipeline.check([pipeline.load_path(p) for p in paths]))


def ingest(url: str, *paths: Path, capsys) -> None:
    assert main(["ingest", *map(str, paths), "--db", url]) == 0
    capsys.readouterr()


def cross(findings: list[tuple]) -> list[tuple]:
    return [f for f in findings if f[0] == "cross.document"]


def test_either_order_of_storing_gives_the_findings_of_the_documents_checked_together(tmp_path, capsys):
    expected = together(REPORT, PLAN)
    # one finding: the plan's (its scope 2022), the report's lines beside its own
    (g,) = cross(expected)
    assert g[1] == "warning" and g[2] == PLAN.name and g[5] == 2022 and "85.3%" in g[4] and "87.3%" in g[4]
    assert [d for d, _ in g[6]] == [REPORT.name] and g[6][0][1]
    for order in ((REPORT, PLAN), (PLAN, REPORT)):
        url = f"sqlite:///{tmp_path / (order[0].stem + '.db')}"
        for p in order:  # one ingest (one transaction) each: the second finds the first in the store
            ingest(url, p, capsys=capsys)
        assert stored(url) == expected, [p.name for p in order]
        assert checked(url, capsys) == expected
        # check --save replaces each scope's findings with the same ones
        assert main(["check", "--db", url, "--save"]) == 0
        capsys.readouterr()
        assert stored(url) == expected


def test_replacing_the_plan_rechecks_the_report(db_url, tmp_path, capsys):
    """On SQLite and PostgreSQL."""
    url = db_url
    ingest(url, REPORT, PLAN, capsys=capsys)
    assert len(cross(stored(url))) == 1  # the plan's, naming the report's lines
    folder = tmp_path / "v"
    folder.mkdir()
    versions = [
        ("80.4%\t87.3%\t88.1%", "2019\t2020\t2021", 0),  # now agrees: the findings go
        ("78.4%\t87.3%\t88.1%", "2019\t2020\t2021", 1),  # the 2019 column disagrees
        ("80.4%\t85.3%", "2021\t2022", 0),  # restates no year of the report: the old 2019 findings go
        ("80.4%\t85.3%\t88.1%", "2019\t2020\t2021", 1),  # back as first stored
    ]
    for cells, header, n in versions:
        again = folder / PLAN.name  # the same name: replaces the stored plan
        again.write_text(plan_text(cells, header), encoding="utf-8")
        ingest(url, again, capsys=capsys)
        got = stored(url)
        assert len(cross(got)) == n, (cells, header)
        assert got == together(REPORT, again) == checked(url, capsys)


def test_storing_a_plan_touches_exactly_the_scopes_of_the_reports_it_restates(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 't.db'}"
    ingest(url, REPORT, capsys=capsys)
    engine = db.create_engine_for(url)
    actor = operations.cli_actor()
    try:
        def scopes_of(text: str, municipality: str = M, name: str = "plan.txt") -> set:
            doc = pipeline.load_text(name, text, municipality=municipality)
            assert doc.family == "work_plan" and doc.year == 2022
            with operations.write(engine, actor, "document.ingest", municipality=municipality) as tx:
                tx.save_document(municipality, doc)
            return tx.scopes

        # restates 2019-2021: the FY2020 report (results of 2019 and 2020) is re-checked with it
        assert scopes_of(plan_text("80.4%\t85.3%\t88.1%")) == {(M, 2022), (M, 2020)}
        # another municipality's plan: only its own scope
        assert scopes_of(plan_text("80.4%\t85.3%\t88.1%"), municipality="다른시") == {("다른시", 2022)}
        # a new version restating no year of the report still re-checks it: the old version did
        assert scopes_of(plan_text("1%\t2%", "2021\t2022")) == {(M, 2022), (M, 2020)}
        # and once that version is stored, a plan restating nothing touches only its own year
        assert scopes_of(plan_text("1%\t2%", "2021\t2022")) == {(M, 2022)}
    finally:
        engine.dispose()


def test_upload_preview_checks_what_the_confirm_would(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'u.db'}"
    ingest(url, REPORT, capsys=capsys)
    engine = db.create_engine_for(url)
    try:
        # a plan: the reports it restates are in its scope, with their findings
        with engine.connect() as conn:
            p = uploads.preview(conn, PLAN.read_bytes(), PLAN.name, M)
        assert REPORT.name in p.scope_documents
        assert p.scope_findings == len(together(REPORT, PLAN))
        # a report uploaded beside a stored plan: the plan's finding names the report's lines,
        # so the preview shows it among the report's
        ingest(url, PLAN, capsys=capsys)
        with engine.connect() as conn:
            r = uploads.preview(conn, REPORT.read_bytes(), REPORT.name, M)
        # the plan restates a result of the report: its scope is re-checked with it (where the
        # finding is made)
        assert r.scope_documents == [PLAN.name]
        assert [(f.rule, f.severity, f.doc) for f in r.findings if f.rule == "cross.document"] == [
            ("cross.document", "warning", PLAN.name)]
        assert sorted(key(f) for f in r.findings) == [
            f for f in together(REPORT, PLAN) if f[2] == REPORT.name or REPORT.name in [d for d, _ in f[6]]]
        assert [x["related"] for x in r.as_json()["findings"] if x["rule"] == "cross.document"] == [
            [{"doc": REPORT.name, "lines": list(cross(together(REPORT, PLAN))[0][6][0][1])}]]
        assert r.scope_findings == len(together(REPORT, PLAN))
    finally:
        engine.dispose()


def test_context_is_only_the_earlier_reports_indicators(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    earlier = tmp_path / "earlier_plan.txt"
    earlier.write_text(PLAN.read_text(encoding="utf-8").replace("2022", "2019"), encoding="utf-8")  # not after 2019
    ingest(url, REPORT, PLAN, earlier, capsys=capsys)
    engine = db.create_engine_for(url)
    try:
        # a scope of reports: nothing (the one finding on a restated result is the plan's)
        with engine.connect() as conn:
            report = repository.load_documents(conn, municipality=M, names=[REPORT.name])
            assert operations.context_of(conn, report) == []
        # a scope of plans: the indicators of the earlier years in the reports, nothing else
        with engine.connect() as conn:
            plans = repository.load_documents(conn, municipality=M, names=[PLAN.name])
            ctx = operations.context_of(conn, plans)
        assert [(d.name, d.year, d.family) for d in ctx] == [(REPORT.name, 2020, "settlement_report")]
        assert {type(r).__name__ for d in ctx for r in d.records} == {"Indicator"}
        assert {r.year for d in ctx for r in d.records} <= {2019, 2020, 2021}
        # the 2019 plan: no result of an earlier year is stored
        with engine.connect() as conn:
            plans = repository.load_documents(conn, municipality=M, names=[earlier.name])
            assert operations.context_of(conn, plans) == []
    finally:
        engine.dispose()


@pytest.mark.real
def test_real_documents_in_either_order(real_docs, tmp_path, capsys):
    files = {n[:3]: real_docs / n for n in (p.name for p in real_docs.glob("*.txt"))}
    if not {"000", "004"} <= set(files):
        pytest.skip("the 2022 plan and the FY2020 report are needed")
    expected = together(files["004"], files["000"])
    assert [(f[1], f[2], f[3], f[6]) for f in cross(expected)] == [
        ("info", files["000"].name, (2378,), ((files["004"].name, (346, 1422)),))]
    for order in (("004", "000"), ("000", "004")):
        url = f"sqlite:///{tmp_path / ('-'.join(order) + '.db')}"
        for k in order:
            ingest(url, files[k], capsys=capsys)
        assert stored(url) == expected, order


def test_confirming_an_uploaded_plan_rechecks_the_stored_report(tmp_path, capsys, monkeypatch):
    """The upload's confirm stores through the same write path (``tx.save_document``): the
    report's scope is re-checked in the confirm's transaction; the preview counted it."""
    from argon2 import PasswordHasher, profiles
    from fastapi.testclient import TestClient

    from sijeong import accounts
    from sijeong.settings import Settings
    from sijeong.web import create_app

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher.from_parameters(profiles.CHEAPEST))
    url = f"sqlite:///{tmp_path / 'w.db'}"
    ingest(url, REPORT, capsys=capsys)
    engine = db.create_engine_for(url)
    accounts.add_account(engine, operations.cli_actor(), login="perf", role="performance", password="correct horse battery")
    engine.dispose()
    app = create_app(Settings(db_url=url, upload_dir=str(tmp_path / "staging")))
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"login": "perf", "password": "correct horse battery"})
        csrf = r.json()["csrf_token"]
        r = c.post("/api/v1/uploads", files={"file": (PLAN.name, PLAN.read_bytes(), "text/plain")},
                   headers={"X-CSRF-Token": csrf})
        assert r.status_code == 201, r.text
        body = r.json()
        assert REPORT.name in body["scope"]["documents"]
        assert body["scope"]["findings"] == len(together(REPORT, PLAN))
        assert cross(stored(url)) == []
        r = c.post(f"/api/v1/uploads/{body['upload_id']}/confirm", headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200, r.text
    assert stored(url) == together(REPORT, PLAN)
    assert len(cross(stored(url))) == 1


#: another FY2020 report, with read and rule findings of its own (the scope's counts are not 0)
OTHER_2020 = FIXTURES / "performance_report.txt"


@pytest.mark.parametrize("order", [(REPORT, OTHER_2020, PLAN), (PLAN, REPORT, OTHER_2020)])
def test_one_ingest_counts_each_scope_once(order, tmp_path, capsys):
    """Storing the plan after the reports re-checks their scope in the plan's transaction:
    the summary counts that scope's findings (and its documents' read findings) as last
    checked, once — the numbers ``sijeong check`` prints."""
    import re

    url = f"sqlite:///{tmp_path / 'o.db'}"
    assert main(["ingest", *map(str, order), "--db", url]) == 0
    out = capsys.readouterr().out
    rules, reads = map(int, re.search(r"(\d+) rule findings .*; (\d+) read findings", out).groups())
    assert rules == len(stored(url)) == len(together(*order)) and reads > 0
    assert main(["check", "--db", url, "--format", "json"]) == 0
    assert rules + reads == len(json.loads(capsys.readouterr().out))


def test_a_result_restated_in_the_plans_words_is_found_from_the_store_too(tmp_path, capsys):
    """The plan states the 2020 result in its task's text, not in a table: the store keeps the
    tasks' outlines and the lines outside tables, so both scopes find what the two documents
    checked together find, in either order of storing."""
    text = PLAN.read_text(encoding="utf-8")
    table = "연도\t2019\t2020\t2021\n민원 처리 만족도\t80.4%\t85.3%\t88.1%\n"
    assert table in text
    worded = tmp_path / "worded_plan_2022.txt"
    worded.write_text(text.replace(table, "- '20년 실적 : 민원 처리 만족도 85.3%\n"), encoding="utf-8")
    expected = together(REPORT, worded)
    assert [(f[2], f[5], [d for d, _ in f[6]]) for f in cross(expected)] == [(worded.name, 2022, [REPORT.name])]
    for order in ((REPORT, worded), (worded, REPORT)):
        url = f"sqlite:///{tmp_path / (order[0].stem + '.db')}"
        for p in order:
            ingest(url, p, capsys=capsys)
        assert stored(url) == expected, [p.name for p in order]
        assert checked(url, capsys) == expected


def _one_everywhere(url: str, tmp_path: Path, capsys) -> dict:
    """The cross.document findings as ``sijeong check``, the export, the 검증 결과 page's JSON
    and the API give them: one each, the same one; returns the page's."""
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    assert main(["check", "--db", url, "--format", "json"]) == 0
    checked_ = [f for f in json.loads(capsys.readouterr().out) if f["rule"] == "cross.document"]
    out = tmp_path / "export.json"
    assert main(["export", "--db", url, "-o", str(out)]) == 0
    capsys.readouterr()
    exported = [f for f in json.loads(out.read_text(encoding="utf-8"))["findings"] if f["rule"] == "cross.document"]
    with TestClient(create_app(Settings(db_url=url))) as client:
        page = client.get("/findings.json", params={"municipality": M, "rule": "cross.document", "status": "all",
                                                    "reading": "show"}).json()
        api = client.get("/api/v1/findings", params={"municipality": M, "rule": "cross.document"}).json()
        html = client.get("/findings", params={"municipality": M, "rule": "cross.document"}).text
    assert len(checked_) == len(exported) == page["total"] == api["total"] == len(page["items"]) == 1
    want = (PLAN.name, [REPORT.name])
    for f in (checked_[0], exported[0], page["items"][0], api["items"][0]):
        assert (f["doc"], [r["doc"] for r in f["related"]]) == want
        assert f["related"][0]["lines"] and f["lines"]
    f = page["items"][0]
    # the work list links the lines of both documents
    for doc, lines in [(f["doc"], f["lines"])] + [(r["doc"], r["lines"]) for r in f["related"]]:
        assert f"/documents/{doc}?lines={','.join(map(str, lines))}" in html
    return f


@pytest.mark.parametrize("order", [(REPORT, PLAN), (PLAN, REPORT)], ids=["report-first", "plan-first"])
def test_one_defect_is_one_finding_with_the_lines_of_both_documents(order, tmp_path, capsys):
    """A report and a later plan restating one of its results with another value, stored in
    either order: one cross.document finding, the plan's, listing the report's lines too —
    counted once by ``sijeong check``, the export, the 검증 결과 page and the API; checking
    (and saving) either scope alone neither loses nor duplicates it, and a mark on it stays."""
    url = f"sqlite:///{tmp_path / 'one.db'}"
    for p in order:
        ingest(url, p, capsys=capsys)
    f = _one_everywhere(url, tmp_path, capsys)
    assert f["year"] == 2022
    engine = db.create_engine_for(url)
    try:
        operations.mark_finding(engine, operations.cli_actor(), finding_id=f["id"], status="seen")
    finally:
        engine.dispose()
    # the report's scope alone, then the plan's: the finding stays one, with its mark
    for year in (2020, 2022, 2020):
        assert main(["check", "--db", url, "--year", str(year), "--save"]) == 0
        capsys.readouterr()
        g = _one_everywhere(url, tmp_path, capsys)
        assert (g["doc"], g["lines"], g["related"]) == (f["doc"], f["lines"], f["related"])
        assert g["mark"] and g["mark"]["status"] == "seen", year
    # storing either document again re-checks without a second finding
    for p in order:
        ingest(url, p, capsys=capsys)
        assert len(cross(stored(url))) == 1
    assert stored(url) == together(REPORT, PLAN)


def test_migration_0020_keeps_the_plans_side_and_drops_the_reports(tmp_path, capsys):
    """A database stored before 0020 holds the two sides of one difference: the upgrade keeps
    the plan's (the one finding now, with its mark's fingerprint), deletes the report's; the
    next check of the plan's scope gives it its ``related`` lines."""
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'm.db'}"
    ingest(url, REPORT, PLAN, capsys=capsys)
    engine = db.create_engine_for(url)
    try:
        with engine.begin() as conn:
            (plan_side,) = conn.execute(sa.text("SELECT * FROM findings WHERE rule = 'cross.document'")).mappings()
            report_side = {k: v for k, v in dict(plan_side).items() if k not in ("id", "related")}
            plan_line = json.loads(plan_side["lines"])[0] if isinstance(plan_side["lines"], str) else plan_side["lines"][0]
            related = json.loads(plan_side["related"]) if isinstance(plan_side["related"], str) else plan_side["related"]
            report_side.update(doc=REPORT.name, year=2020, document_id=None, fingerprint="x",
                               lines=json.dumps(related[0]["lines"]),
                               message=f"… 87.3% ≠ 2022년 주요업무계획 85.3% ({PLAN.name}:{plan_line}행 민원 처리 만족도 2020) "
                                       "/ the same fact in two documents (the plan's line is in the message)")
            conn.execute(sa.text(f"INSERT INTO findings ({', '.join(report_side)}) VALUES "
                                 f"({', '.join(':' + k for k in report_side)})"), report_side)
            # a reviewer's mark on the report's side (the plan's has none)
            conn.execute(sa.text("INSERT INTO finding_marks (municipality, year, fingerprint, rule, status, note, "
                                 "marked_by, marked_at, version) VALUES (:m, 2020, 'x', 'cross.document', "
                                 "'false_positive', '같은 값', 'cli:t', CURRENT_TIMESTAMP, 1)"), {"m": M})
        from alembic import command

        from sijeong.store.db import alembic_config

        command.downgrade(alembic_config(engine), "0019")
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM findings WHERE rule = 'cross.document'")).scalar() == 2
        db.migrate(engine)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT doc, fingerprint, related FROM findings "
                                        "WHERE rule = 'cross.document'")).all()
            marks = conn.execute(sa.text("SELECT year, fingerprint, status FROM finding_marks")).all()
        assert [(r.doc, r.fingerprint, r.related) for r in rows] == [(PLAN.name, plan_side["fingerprint"], None)]
        # the mark now belongs to the one finding
        assert [tuple(m) for m in marks] == [(2022, plan_side["fingerprint"], "false_positive")]
    finally:
        engine.dispose()
    assert main(["check", "--db", url, "--save"]) == 0
    capsys.readouterr()
    (f,) = cross(stored(url))
    assert f[2] == PLAN.name and [d for d, _ in f[6]] == [REPORT.name]
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    with TestClient(create_app(Settings(db_url=url))) as client:
        (item,) = client.get("/findings.json", params={"municipality": M, "rule": "cross.document"}).json()["items"]
    assert item["mark"]["status"] == "false_positive" and item["related"]
