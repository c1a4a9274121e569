"""The year's performance cycle (``sijeong.cycle``): every role against every cycle operation,
allowed and refused (the table below is the one in ``docs/security.md``); the whole path
from a new year's plan to an accepted annual result, the entered document checked by the
rules and the report made from it; stale edits, a locked year, evidence by content, the
audit trail, plan-quality findings and lagging indicators."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest

from sijeong import cycle, operations
from sijeong.model import Document, Figure, Indicator, Source
from sijeong.operations import Actor, Invalid, Refused, Stale
from sijeong.store import repository, writes
from sijeong.store.db import create_engine_for, migrate

M = "김포시"
D = "기획담당관"
OTHER = "세무과"
Y = 2025
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

#: role × operation: ✓ allowed (in their own department for editor/approver), · refused.
#: docs/security.md prints the same table; OPERATIONS must agree with it.
TABLE = """
operation          admin performance editor approver evaluator viewer
cycle.open         ✓     ✓           ·      ·        ·         ·
cycle.close        ✓     ✓           ·      ·        ·         ·
cycle.reopen       ✓     ✓           ·      ·        ·         ·
cycle.window       ✓     ✓           ·      ·        ·         ·
plan.carry_over    ✓     ✓           ✓      ·        ·         ·
plan.edit          ✓     ✓           ✓      ·        ·         ·
plan.submit        ✓     ·           ·      ✓        ·         ·
plan.confirm       ✓     ✓           ·      ·        ·         ·
plan.return        ✓     ✓           ·      ·        ·         ·
result.enter       ✓     ·           ✓      ·        ·         ·
result.evidence    ✓     ·           ✓      ·        ·         ·
result.submit      ✓     ·           ·      ✓        ·         ·
result.accept      ✓     ✓           ·      ·        ·         ·
result.return      ✓     ✓           ·      ·        ·         ·
"""


def _table() -> dict[str, set[str]]:
    lines = [ln.split() for ln in TABLE.strip().splitlines()]
    roles = lines[0][1:]
    return {row[0]: {r for r, mark in zip(roles, row[1:]) if mark == "✓"} for row in lines[1:]}


EXPECTED = _table()
ADMIN = Actor("admin1", "admin", via="api")


def actor(role: str, department: str | None = D) -> Actor:
    return Actor(f"{role}@{department}", role, department if role in ("editor", "approver") else None, via="api")


def test_the_table_is_the_operations_roles_and_the_documented_table():
    from pathlib import Path

    for name, roles in EXPECTED.items():
        assert operations.OPERATIONS[name].roles == roles, name
    text = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    documented = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 + len(operations.ACTOR_ROLES) and cells[0].strip("`") in EXPECTED:
            documented[cells[0].strip("`")] = {r for r, mark in zip(operations.ACTOR_ROLES, cells[2:])
                                               if mark.startswith("✓")}
    assert documented == EXPECTED


# --- state builders ----------------------------------------------------------------------------


def last_year_doc(actual: float = 80) -> Document:
    name = "last_year.txt"
    ind = Indicator(source=Source(name, 12), municipality=M, year=Y - 1, department=D, name="민원 처리 건수",
                    unit="건", formula="연간 처리 건수 합계", policy_goal="열린 행정")
    ind.set("target", Figure(70, "70", Source(name, 12), "건"))
    ind.set("actual", Figure(actual, str(actual), Source(name, 13), "건"))
    return Document(name=name, municipality=M, year=Y - 1, family="settlement_report", records=[ind])


def build(engine, upto: str) -> dict:
    """Bring the database to the state the named step needs; returns ids."""
    out: dict = {}
    with engine.connect() as conn:
        repository.save_document(conn, last_year_doc())
        conn.commit()
    if upto == "none":
        return out
    out["year"] = cycle.open_year(engine, ADMIN, municipality=M, year=Y)
    if upto == "open":
        return out
    if upto == "closed":
        cycle.close_year(engine, ADMIN, municipality=M, year=Y)
        return out
    ind = cycle.create_indicator(engine, ADMIN, municipality=M, year=Y, department=D, name="민원 만족도", unit="%",
                                 formula="만족 응답 / 전체 응답 × 100", data_source="민원 설문", target=85, weight=40)
    out["indicator"] = ind
    if upto == "draft":
        return out
    cycle.submit_plan(engine, ADMIN, municipality=M, year=Y, department=D)
    if upto == "submitted":
        return out
    cycle.confirm_plan(engine, ADMIN, municipality=M, year=Y)
    if upto == "confirmed":
        return out
    res, _ = cycle.enter_result(engine, ADMIN, ind["id"], period=f"{Y}-Q1", actual=80, comment="1분기")
    out["result"] = res
    if upto == "result":
        return out
    out["result"] = cycle.submit_result(engine, ADMIN, res["id"])
    return out


def call(op: str, engine, who: Actor, st: dict, tmp_path):
    ind = st.get("indicator", {}).get("id")
    res = st.get("result", {}).get("id")
    return {
        "cycle.open": lambda: cycle.open_year(engine, who, municipality=M, year=Y),
        "cycle.close": lambda: cycle.close_year(engine, who, municipality=M, year=Y),
        "cycle.reopen": lambda: cycle.reopen_year(engine, who, municipality=M, year=Y, reason="정정 필요"),
        "cycle.window": lambda: cycle.set_window(engine, who, municipality=M, year=Y, period=f"{Y}-Q1",
                                                 due_on=f"{Y}-04-10"),
        "plan.carry_over": lambda: cycle.carry_over(engine, who, municipality=M, year=Y, department=D),
        "plan.edit": lambda: cycle.create_indicator(engine, who, municipality=M, year=Y, department=D, name="새 지표",
                                                    target=10),
        "plan.submit": lambda: cycle.submit_plan(engine, who, municipality=M, year=Y, department=D),
        "plan.confirm": lambda: cycle.confirm_plan(engine, who, municipality=M, year=Y, department=D),
        "plan.return": lambda: cycle.return_plan(engine, who, municipality=M, year=Y, department=D, reason="목표 재검토"),
        "result.enter": lambda: cycle.enter_result(engine, who, ind, period=f"{Y}-Q1", actual=10),
        "result.evidence": lambda: cycle.add_evidence(engine, who, res, file_name="증빙.pdf", data=PDF,
                                                      directory=tmp_path / "evidence", max_bytes=1 << 20),
        "result.submit": lambda: cycle.submit_result(engine, who, res),
        "result.accept": lambda: cycle.accept_result(engine, who, res),
        "result.return": lambda: cycle.return_result(engine, who, res, reason="근거 부족"),
    }[op]()


STATE_FOR = {"cycle.open": "none", "cycle.close": "open", "cycle.reopen": "closed", "cycle.window": "open", "plan.carry_over": "open",
             "plan.edit": "open", "plan.submit": "draft", "plan.confirm": "submitted", "plan.return": "submitted",
             "result.enter": "confirmed", "result.evidence": "result", "result.submit": "result",
             "result.accept": "submitted_result", "result.return": "submitted_result"}


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cycle") / "template.db"
    eng = create_engine_for(f"sqlite:///{path}")
    migrate(eng)
    eng.dispose()
    return path


@pytest.fixture
def fresh(template_db, tmp_path):
    made = []

    def make():
        path = tmp_path / f"db{len(made)}.db"
        shutil.copy(template_db, path)
        eng = create_engine_for(f"sqlite:///{path}")
        made.append(eng)
        return eng

    yield make
    for e in made:
        e.dispose()


def _audit_count(engine) -> int:
    with engine.connect() as conn:
        return len(writes.audit_rows(conn, limit=100_000))


CASES = [(op, role, dept) for op in EXPECTED for role in operations.ROLES for dept in (D, OTHER)
         if dept == D or role in ("editor", "approver")]


@pytest.mark.parametrize("op,role,dept", CASES, ids=[f"{o}-{r}-{'own' if d == D else 'other'}" for o, r, d in CASES])
def test_every_role_against_every_cycle_operation(op, role, dept, fresh, tmp_path):
    engine = fresh()
    upto = STATE_FOR[op]
    st = build(engine, "result" if upto == "submitted_result" else upto)
    if upto == "submitted_result":
        st["result"] = cycle.submit_result(engine, ADMIN, st["result"]["id"])
    who = actor(role, dept)
    want = role in EXPECTED[op] and dept == D
    before = _audit_count(engine)
    if want:
        call(op, engine, who, st, tmp_path)
        assert _audit_count(engine) > before
        with engine.connect() as conn:
            newest = writes.audit_rows(conn, limit=1)[0]
        assert newest["actor"] == who.login and newest["role"] == role
    else:
        with pytest.raises(Refused):
            call(op, engine, who, st, tmp_path)
        assert _audit_count(engine) == before  # nothing written
        assert not (tmp_path / "evidence").exists() or not any((tmp_path / "evidence").iterdir())


# --- the whole path ----------------------------------------------------------------------------


def test_plan_to_accepted_result_to_report(engine, tmp_path):
    """New year → carried-over plan → targets → submit → confirm → quarterly result with a PDF →
    returned with a reason → corrected and resubmitted → accepted; the annual result accepted;
    the entered document checked by the rules and the indicator table made from it."""
    from sijeong import pipeline
    from sijeong.reports import tables

    perf, ed, ap = actor("performance"), actor("editor"), actor("approver")
    with engine.connect() as conn:
        repository.save_document(conn, last_year_doc(actual=80))
        conn.commit()
    cycle.open_year(engine, perf, municipality=M, year=Y)
    (ind_id,) = cycle.carry_over(engine, ed, municipality=M, year=Y, department=D)
    with engine.connect() as conn:
        ind = writes.get_row(conn, "cycle_indicators", ind_id)
        assert (ind["name"], ind["unit"], ind["policy_goal"], ind["prior_actual"]) == ("민원 처리 건수", "건", "열린 행정", 80)
        assert ind["carried_from"] == "last_year.txt:12"
    # plan-quality findings while the plan is written
    ind = cycle.edit_indicator(engine, ed, ind_id, {"target": 75, "weight": 30}, version=ind["version"])
    with engine.connect() as conn:
        rules = {f.rule for f in cycle.plan_findings(conn, M, Y)}
    assert {"plan.target_not_ahead", "plan.formula_no_source", "plan.output_indicator"} <= rules
    ind = cycle.edit_indicator(engine, ed, ind_id, {"target": 90, "data_source": "민원시스템 통계", "measure": "outcome"},
                               version=ind["version"])
    with engine.connect() as conn:
        assert cycle.plan_findings(conn, M, Y) == []
    with pytest.raises(Refused):
        cycle.submit_plan(engine, ed, municipality=M, year=Y, department=D)
    cycle.submit_plan(engine, ap, municipality=M, year=Y, department=D)
    with pytest.raises(cycle.WrongState):  # submitted: no more edits until returned
        cycle.edit_indicator(engine, ed, ind_id, {"target": 95}, version=ind["version"] + 1)
    cycle.confirm_plan(engine, perf, municipality=M, year=Y)

    q1, created = cycle.enter_result(engine, ed, ind_id, period=f"{Y}-Q1", actual=20, comment="1분기 누적")
    assert created and q1["status"] == "draft"
    ev = cycle.add_evidence(engine, ed, q1["id"], file_name="1분기 실적.pdf", data=PDF, directory=tmp_path / "ev",
                            max_bytes=1 << 20)
    assert ev["content_type"] == "pdf" and ev["file_name"] == "1분기 실적.pdf" and ev["stored_name"] != ev["file_name"]
    assert (tmp_path / "ev" / ev["stored_name"]).read_bytes() == PDF
    q1 = cycle.submit_result(engine, ap, q1["id"])
    q1 = cycle.return_result(engine, perf, q1["id"], reason="증빙의 수치가 다릅니다")
    assert (q1["status"], q1["return_reason"]) == ("returned", "증빙의 수치가 다릅니다")
    q1, created = cycle.enter_result(engine, ed, ind_id, period=f"{Y}-Q1", actual=21, comment="정정",
                                     version=q1["version"])
    assert not created and q1["actual"] == 21 and q1["status"] == "draft"
    q1 = cycle.submit_result(engine, ap, q1["id"])
    assert q1["return_reason"] is None
    q1 = cycle.accept_result(engine, perf, q1["id"])
    with engine.connect() as conn:  # 21 so far of 90: pro rata 84 by the year's end
        (lag,) = cycle.lagging(conn, M, Y)
    assert lag["indicator_id"] == ind_id and lag["projected"] == 84 and lag["history"][0]["actual"] == 21

    year, _ = cycle.enter_result(engine, ed, ind_id, period=str(Y), actual=96, comment="연간")
    year = cycle.accept_result(engine, perf, cycle.submit_result(engine, ap, year["id"])["id"])
    with engine.connect() as conn:
        assert cycle.lagging(conn, M, Y) == []
        docs = repository.load_documents(conn, municipality=M, year=Y)
        (entered,) = [d for d in docs if d.family == cycle.ENTRY_FAMILY]
        assert entered.name == "입력 2025 성과관리"
        (rec,) = entered.of(Indicator)
        assert (rec.target, rec.actual, rec.department, rec.policy_goal) == (90, 96, D, "열린 행정")
        # each value's source is the audit entry that entered it
        t_entry = cycle.entry(conn, rec.figures["target"].source.line)
        a_entry = cycle.entry(conn, rec.figures["actual"].source.line)
        assert (t_entry["entity"], t_entry["entity_id"], t_entry["field"], t_entry["new_value"]) == (
            "cycle_indicators", ind_id, "target", 90)
        assert (a_entry["entity"], a_entry["entity_id"], a_entry["new_value"]["actual"]) == ("cycle_results", year["id"], 96)
        assert rec.rate_computed == pytest.approx(106.6667, abs=1e-3)
        stored_findings, _ = repository.list_findings(conn, municipality=M, year=Y, limit=500)
    # the rules ran over it (as over a read document): no crash
    assert not [f for f in pipeline.check(docs) if f.rule.endswith("crash")]
    assert not [f for f in stored_findings if str(f["rule"]).endswith("crash")]
    table = tables.build("indicators", [entered], Y).as_dict()
    cells = [c for row in table["rows"] for c in row["cells"]]
    target_cell = next(c for c in cells if c.get("value") == 90)
    actual_cell = next(c for c in cells if c.get("value") == 96)
    assert target_cell["source"] == {"doc": "입력 2025 성과관리", "line": t_entry["id"]}
    assert actual_cell["source"] == {"doc": "입력 2025 성과관리", "line": a_entry["id"]}
    summary = tables.build("summary", [entered], Y).as_dict()
    assert summary["rows"][1]["cells"][0]["value"] == D
    # `sijeong report` makes the 성과보고서 tables from the database holding the entered document
    from sijeong.cli import main
    from sijeong.reports.xlsx_read import read_xlsx

    out = tmp_path / "indicators.xlsx"
    url = engine.url.render_as_string(hide_password=False)
    assert main(["report", "indicators", "--year", str(Y), "--db", url, "-o", str(out)]) == 0
    (sheet,) = read_xlsx(out)
    flat = [v for row in sheet.rows for v in row]
    assert "민원 처리 건수(건)" in flat and 90 in flat and 96 in flat
    book = tmp_path / "plan.xlsx"
    assert main(["report", "plan-book", "--year", str(Y), "--db", url, "-o", str(book)]) == 0
    (sheet,) = read_xlsx(book)
    assert ["민원 처리 건수(건)", "연간 처리 건수 합계", "민원시스템 통계", 80, 90, 30] in [list(r) for r in sheet.rows]
    assert main(["report", "plan-book", "--year", str(Y + 1), "--db", url, "-o", str(book)]) == 1  # no plan

    # the audit trail of each step of the quarterly result, in order
    with engine.connect() as conn:
        trail = cycle.audit(conn, "cycle_results", q1["id"])
    steps = [(r["operation"], r["field"], r["new_value"]) for r in trail]
    assert steps[0][0] == "result.enter" and steps[0][1] is None
    status_steps = [v for op, f, v in steps if f == "status"]
    assert status_steps == ["submitted", "returned", "draft", "submitted", "accepted"]
    assert any(r["note"] == "증빙의 수치가 다릅니다" for r in trail)
    assert ("result.enter", "actual", 21) in steps
    assert [r["role"] for r in trail if r["field"] == "status"] == ["approver", "performance", "editor", "approver",
                                                                     "performance"]


def test_a_stale_edit_is_refused_and_writes_nothing(fresh):
    engine = fresh()
    st = build(engine, "result")
    res = st["result"]
    ed1, ed2 = actor("editor"), Actor("editor2", "editor", D)
    read_by_1 = res["version"]
    newer, _ = cycle.enter_result(engine, ed2, st["indicator"]["id"], period=f"{Y}-Q1", actual=81, version=res["version"])
    before = _audit_count(engine)
    with pytest.raises(Stale) as e:
        cycle.enter_result(engine, ed1, st["indicator"]["id"], period=f"{Y}-Q1", actual=99, version=read_by_1)
    assert e.value.current["actual"] == 81 and e.value.current["version"] == newer["version"]
    with pytest.raises(Stale):  # no version at all on an existing result: not read, refused
        cycle.enter_result(engine, ed1, st["indicator"]["id"], period=f"{Y}-Q1", actual=99)
    with pytest.raises(Stale):
        cycle.submit_result(engine, actor("approver"), res["id"], version=read_by_1)
    assert _audit_count(engine) == before
    with engine.connect() as conn:
        assert writes.get_row(conn, "cycle_results", res["id"])["actual"] == 81


def test_a_closed_year_is_locked_and_reopening_is_recorded(fresh, tmp_path):
    engine = fresh()
    st = build(engine, "result")
    perf = actor("performance")
    cycle.close_year(engine, perf, municipality=M, year=Y)
    before = _audit_count(engine)
    for attempt in (
        lambda: cycle.enter_result(engine, actor("editor"), st["indicator"]["id"], period=f"{Y}-Q2", actual=1),
        lambda: cycle.submit_result(engine, actor("approver"), st["result"]["id"]),
        lambda: cycle.add_evidence(engine, actor("editor"), st["result"]["id"], file_name="a.pdf", data=PDF,
                                   directory=tmp_path / "ev", max_bytes=1 << 20),
        lambda: cycle.close_year(engine, perf, municipality=M, year=Y),
    ):
        with pytest.raises(cycle.Locked, match="결산 확정"):
            attempt()
    assert _audit_count(engine) == before
    with pytest.raises(Invalid):  # reopening needs its reason
        cycle.reopen_year(engine, perf, municipality=M, year=Y, reason=" ")
    row = cycle.reopen_year(engine, perf, municipality=M, year=Y, reason="감사 지적 정정")
    assert row["status"] == "confirmed"
    with engine.connect() as conn:
        trail = cycle.audit(conn, "cycle_years", row["id"])
    assert [(r["operation"], r["new_value"]) for r in trail if r["field"] == "status"] == [
        ("plan.confirm", "confirmed"), ("cycle.close", "closed"), ("cycle.reopen", "confirmed")]
    assert "감사 지적 정정" in trail[-1]["note"]
    cycle.enter_result(engine, actor("editor"), st["indicator"]["id"], period=f"{Y}-Q2", actual=1)


# --- evidence by content ---------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for k, v in members.items():
            z.writestr(k, v)
    return buf.getvalue()


XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
HWPX = _zip({"mimetype": b"application/hwp+zip", "Contents/content.hpf": b"<x/>"})
HWP = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + b"HWP Document File" + b"\x00" * 100


@pytest.mark.parametrize("name,data,kind", [("a.pdf", PDF, "pdf"), ("b.PNG", PNG, "png"),
                                            ("c.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpeg"),
                                            ("d.xlsx", XLSX, "xlsx"), ("e.hwpx", HWPX, "hwpx"), ("f.hwp", HWP, "hwp")])
def test_accepted_kinds_are_recognised_by_content(name, data, kind):
    assert cycle.check_upload(name, data, max_bytes=1 << 20) == kind


@pytest.mark.parametrize("name,data,said", [
    ("실적.pdf", PNG, "PNG"),                     # a PNG named .pdf
    ("실적.xlsx", HWPX, "HWPX"),                  # a zip, but not a workbook
    ("실적.hwpx", _zip({"a.txt": b"x"}), "알 수 없는 내용"),
    ("실적.png", b"MZ\x90\x00" + b"\x00" * 30, "알 수 없는 내용"),  # an executable named .png
    ("실적.hwp", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "알 수 없는 내용"),  # an OLE file, not HWP
])
def test_a_file_that_is_not_what_its_name_says_is_refused(name, data, said):
    with pytest.raises(Invalid) as e:
        cycle.check_upload(name, data, max_bytes=1 << 20)
    assert said in str(e.value) and "the name says" in str(e.value)


def test_other_kinds_empty_and_oversized_files_are_refused():
    for name, data, words in (("x.exe", PDF, "받을 수 없는"), ("x.docx", PDF, "받을 수 없는"), ("x.pdf", b"", "빈 파일"),
                              ("x.pdf", PDF + b"0" * 100, "너무 큽니다")):
        with pytest.raises(Invalid, match=words):
            cycle.check_upload(name, data, max_bytes=len(PDF) + 10)


def test_a_refused_upload_writes_nothing(fresh, tmp_path):
    engine = fresh()
    st = build(engine, "result")
    before = _audit_count(engine)
    with pytest.raises(Invalid):
        cycle.add_evidence(engine, actor("editor"), st["result"]["id"], file_name="scan.pdf", data=PNG,
                           directory=tmp_path / "ev", max_bytes=1 << 20)
    assert _audit_count(engine) == before and not (tmp_path / "ev").exists()
    with engine.connect() as conn:
        assert cycle.results(conn, st["indicator"]["id"])["results"][0]["evidence"] == []


def test_evidence_is_served_only_to_those_allowed(fresh, tmp_path):
    engine = fresh()
    st = build(engine, "result")
    ev = cycle.add_evidence(engine, actor("editor"), st["result"]["id"], file_name="../../etc/passwd.pdf", data=PDF,
                            directory=tmp_path / "ev", max_bytes=1 << 20)
    assert ev["file_name"] == "passwd.pdf" and (tmp_path / "ev" / ev["stored_name"]).is_file()
    with engine.connect() as conn:
        for who in (actor("admin"), actor("performance"), actor("evaluator"), actor("editor"), actor("approver")):
            row, path = cycle.evidence_file(conn, who, ev["id"], tmp_path / "ev")
            assert path.read_bytes() == PDF
        for who in (actor("viewer"), actor("editor", OTHER), actor("approver", OTHER)):
            with pytest.raises(Refused):
                cycle.evidence_file(conn, who, ev["id"], tmp_path / "ev")


# --- values ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("period,actual", [("2024-Q1", 1), ("2025-Q5", 1), ("2025-M13", 1), ("25", 1), (2025, 1),
                                           ("2025", "12"), ("2025", True), ("2025", float("nan")), ("2025", 1e300),
                                           ("2025", None)])
def test_bad_values_are_invalid_and_write_nothing(period, actual, fresh):
    engine = fresh()
    st = build(engine, "confirmed")
    before = _audit_count(engine)
    with pytest.raises(Invalid):
        cycle.enter_result(engine, actor("editor"), st["indicator"]["id"], period=period, actual=actual)
    assert _audit_count(engine) == before


def test_results_need_a_confirmed_plan_and_a_known_indicator(fresh):
    engine = fresh()
    st = build(engine, "draft")
    with pytest.raises(cycle.WrongState):
        cycle.enter_result(engine, actor("editor"), st["indicator"]["id"], period=f"{Y}-Q1", actual=1)
    with pytest.raises(cycle.NotFound):
        cycle.enter_result(engine, actor("editor"), 999_999, period=f"{Y}-Q1", actual=1)


def test_periods_and_their_share_of_the_year():
    assert [cycle.period_fraction(p) for p in ("2025", "2025-H1", "2025-Q3", "2025-M02")] == [1, 0.5, 0.75, 2 / 12]


def test_two_editors_at_the_same_moment_one_wins_the_other_is_told(engine):
    """Two threads correct the same result with the version both read, and two create the same
    period's result: exactly one of each pair is written, the other gets Stale with the row
    the winner wrote."""
    import threading

    st = build(engine, "result")
    ind_id, res = st["indicator"]["id"], st["result"]
    barrier = threading.Barrier(2)
    outcomes: dict[str, list] = {"correct": [], "create": []}

    def run(kind: str, login: str, value: float, **kw):
        barrier.wait()
        try:
            row, _ = cycle.enter_result(engine, Actor(login, "editor", D), ind_id, actual=value, **kw)
            outcomes[kind].append(("ok", row["actual"]))
        except Stale as e:
            outcomes[kind].append(("stale", e.current["actual"] if e.current else None))

    for kind, kw in (("correct", dict(period=f"{Y}-Q1", version=res["version"])), ("create", dict(period=f"{Y}-Q2"))):
        threads = [threading.Thread(target=run, args=(kind, f"ed{i}", v), kwargs=kw) for i, v in ((1, 11.0), (2, 22.0))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        got = sorted(outcomes[kind])
        assert [o for o, _ in got] == ["ok", "stale"], (kind, got)
        assert got[0][1] == got[1][1]  # the loser is shown the winner's value
    with engine.connect() as conn:
        rows = {r["period"]: r for r in cycle.results(conn, ind_id)["results"]}
        trail = cycle.audit(conn, "cycle_results", rows[f"{Y}-Q1"]["id"])
    assert rows[f"{Y}-Q1"]["actual"] == dict(outcomes["correct"])["ok"]
    assert rows[f"{Y}-Q2"]["actual"] == dict(outcomes["create"])["ok"]
    assert len([t for t in trail if t["field"] == "actual"]) == 1  # the loser wrote nothing


def test_who_is_late_after_a_window_s_due_date(fresh):
    import datetime as dt

    engine = fresh()
    st = build(engine, "confirmed")
    perf = actor("performance")
    cycle.set_window(engine, perf, municipality=M, year=Y, period=f"{Y}-Q1", due_on=f"{Y}-04-10")
    w2 = cycle.set_window(engine, perf, municipality=M, year=Y, period=f"{Y}-Q2", due_on=f"{Y}-07-10")
    with pytest.raises(Stale):  # changing a window needs the version read
        cycle.set_window(engine, perf, municipality=M, year=Y, period=f"{Y}-Q2", due_on=f"{Y}-07-15")
    cycle.set_window(engine, perf, municipality=M, year=Y, period=f"{Y}-Q2", due_on=f"{Y}-07-15", version=w2["version"])
    for bad in (dict(period=f"{Y}-Q3", due_on="내일"), dict(period=f"{Y}-Q3", due_on=f"{Y}-10-10", opens_on=f"{Y}-11-01"),
                dict(period=f"{Y - 1}-Q3", due_on=f"{Y}-10-10")):
        with pytest.raises(Invalid):
            cycle.set_window(engine, perf, municipality=M, year=Y, **bad)
    ind = st["indicator"]["id"]
    with engine.connect() as conn:
        assert cycle.late(conn, M, Y, today=dt.date(Y, 4, 10)) == []  # due today: not late yet
        (row,) = cycle.late(conn, M, Y, today=dt.date(Y, 4, 12))
    assert (row["department"], row["indicator_id"], row["period"], row["status"], row["days_late"]) == (
        D, ind, f"{Y}-Q1", "missing", 2)
    res, _ = cycle.enter_result(engine, actor("editor"), ind, period=f"{Y}-Q1", actual=10)
    with engine.connect() as conn:
        assert [r["status"] for r in cycle.late(conn, M, Y, today=dt.date(Y, 4, 12))] == ["draft"]  # entered, not submitted
    cycle.submit_result(engine, actor("approver"), res["id"])
    with engine.connect() as conn:
        assert cycle.late(conn, M, Y, today=dt.date(Y, 4, 12)) == []
        assert [r["period"] for r in cycle.late(conn, M, Y, today=dt.date(Y, 7, 16))] == [f"{Y}-Q2"]
