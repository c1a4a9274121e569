"""The spreadsheet round trip of the performance cycle (``sijeong.cycle_sheet``): the template
(a sheet per department, a row per confirmed indicator × period, locked key, number
validation), the round trip (download, fill with openpyxl, upload: the results stored with
one audit entry each naming the upload), a rejected upload that changes nothing with every
bad cell reported by sheet, row and column, each hostile file refused with a clear error,
the roles, a locked year, a stale result and a submitted one, and random cell garbage."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from sijeong import cycle, cycle_sheet
from sijeong.cycle_sheet import SheetRejected
from sijeong.operations import Actor, Refused
from sijeong.store import writes
from sijeong.store.db import create_engine_for, migrate

M = "김포시"
D = "기획담당관"
OTHER = "세무과"
Y = 2025
ADMIN = Actor("admin1", "admin", via="api")
PERF = Actor("perf1", "performance", via="web")
XLSX_NAME = "실적_기획담당관.xlsx"


def who(role: str, department: str | None = D) -> Actor:
    return Actor(f"{role}@{department}", role, department if role in ("editor", "approver") else None, via="web")


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    """A year with a confirmed plan: 기획담당관 (민원 만족도 %, 민원 처리 건수 건, 인구 증감 명)
    and 세무과 (체납 징수율 %); reporting windows Q1 and H1; a Q1 draft result; another
    municipality's year with one confirmed indicator."""
    path = tmp_path_factory.mktemp("sheet") / "template.db"
    eng = create_engine_for(f"sqlite:///{path}")
    migrate(eng)
    cycle.open_year(eng, ADMIN, municipality=M, year=Y)
    for dept, name, unit, target in ((D, "민원 만족도", "%", 85), (D, "민원 처리 건수", "건", 1200),
                                     (D, "인구 증감", "명", 100), (OTHER, "체납 징수율", "%", 60)):
        cycle.create_indicator(eng, ADMIN, municipality=M, year=Y, department=dept, name=name, unit=unit,
                               target=target, weight=10)
    for dept in (D, OTHER):
        cycle.submit_plan(eng, ADMIN, municipality=M, year=Y, department=dept)
    cycle.confirm_plan(eng, ADMIN, municipality=M, year=Y)
    for period, due in ((f"{Y}-Q1", f"{Y}-04-10"), (f"{Y}-H1", f"{Y}-07-10")):
        cycle.set_window(eng, ADMIN, municipality=M, year=Y, period=period, due_on=due)
    first = _plan(eng)[(D, "민원 만족도")]
    cycle.enter_result(eng, ADMIN, first["id"], period=f"{Y}-Q1", actual=80, comment="1분기 설문")
    cycle.open_year(eng, ADMIN, municipality="고양시", year=Y)
    cycle.create_indicator(eng, ADMIN, municipality="고양시", year=Y, department=D, name="민원 만족도", unit="%", target=80)
    cycle.submit_plan(eng, ADMIN, municipality="고양시", year=Y, department=D)
    cycle.confirm_plan(eng, ADMIN, municipality="고양시", year=Y)
    eng.dispose()
    return path


@pytest.fixture
def engine(template_db, tmp_path):
    path = tmp_path / "sheet.db"
    shutil.copy(template_db, path)
    eng = create_engine_for(f"sqlite:///{path}")
    yield eng
    eng.dispose()


def _plan(engine, municipality: str = M) -> dict[tuple[str, str], dict]:
    with engine.connect() as conn:
        return {(p["department"], p["name"]): p for p in cycle.plan(conn, municipality, Y)["indicators"]}


def download(engine, department: str | None = D, municipality: str = M) -> bytes:
    with engine.connect() as conn:
        return cycle_sheet.template(conn, municipality, Y, department)


def rows_of(ws) -> dict[tuple[str, str], int]:
    """(indicator name, period) → row number."""
    out = {}
    for n in range(cycle_sheet.FIRST_ROW, ws.max_row + 1):
        name, period = ws[f"B{n}"].value, ws[f"E{n}"].value
        if name:
            out[(name, period.split(" ")[0])] = n
    return out


def fill(data: bytes, changes: dict[tuple[str, str], dict[str, object]], sheet: str = D, edit=None) -> bytes:
    """Set cells of the workbook by (indicator name, period) and column letter; ``edit(wb)``
    may do more."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    at = rows_of(ws)
    for (name, period), cells in changes.items():
        for letter, value in cells.items():
            ws[f"{letter}{at[(name, period)]}"] = value
    if edit:
        edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def state(engine) -> tuple[list[dict], int]:
    with engine.connect() as conn:
        res = writes.find_rows(conn, "cycle_results")
        return res, len(writes.audit_rows(conn, limit=100_000))


def rejected(engine, data: bytes, actor: Actor = PERF) -> list[cycle_sheet.CellError]:
    before = state(engine)
    with pytest.raises(SheetRejected) as e:
        cycle_sheet.apply(engine, actor, M, Y, data, XLSX_NAME)
    assert state(engine) == before  # nothing written, not even an audit entry
    assert e.value.errors
    return e.value.errors


# --- the template ------------------------------------------------------------------------------


def test_the_template_has_a_row_per_indicator_and_period_with_locked_keys(engine):
    wb = load_workbook(io.BytesIO(download(engine, None)))
    assert wb.sheetnames == [D, OTHER]
    ws = wb[D]
    assert [c.value for c in ws[cycle_sheet.HEADER_ROW]] == [label for _, _, label in cycle_sheet.COLUMNS]
    at = rows_of(ws)
    # the windows' periods and the year, for each confirmed indicator of the department
    assert set(at) == {(n, p) for n in ("민원 만족도", "민원 처리 건수", "인구 증감") for p in (f"{Y}-Q1", f"{Y}-H1", str(Y))}
    q1 = at[("민원 만족도", f"{Y}-Q1")]
    plan = _plan(engine)
    assert ws[f"A{q1}"].value == cycle_sheet.make_key(plan[(D, "민원 만족도")]["id"], f"{Y}-Q1")
    assert (ws[f"D{q1}"].value, ws[f"F{q1}"].value, ws[f"G{q1}"].value, ws[f"H{q1}"].value, ws[f"I{q1}"].value) \
        == (85, 80, "1분기 설문", "작성 중", 1)
    assert ws.column_dimensions["A"].hidden and ws.column_dimensions["I"].hidden
    assert ws.protection.sheet
    assert ws[f"A{q1}"].protection.locked and ws[f"D{q1}"].protection.locked
    assert not ws[f"F{q1}"].protection.locked and not ws[f"G{q1}"].protection.locked
    kinds = {(dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}
    assert ("decimal", "0") in kinds  # counts and rates: 0 or more
    assert ("decimal", str(-int(cycle.MAX_ABS))) in kinds  # 인구 증감: may be negative
    assert wb[OTHER][f"B{cycle_sheet.FIRST_ROW}"].value == "체납 징수율"


def test_the_template_of_an_unknown_year_or_department_is_not_found(engine):
    with engine.connect() as conn:
        with pytest.raises(cycle.NotFound):
            cycle_sheet.template(conn, M, Y + 1, None)
        with pytest.raises(cycle.NotFound):
            cycle_sheet.template(conn, M, Y, "없는과")


# --- the round trip ----------------------------------------------------------------------------


def test_the_round_trip_stores_the_results_with_one_audit_entry_each(engine):
    data = fill(download(engine), {
        ("민원 만족도", f"{Y}-Q1"): {"F": 82.5, "G": "1분기 설문 정정"},  # a correction of the draft
        ("민원 처리 건수", f"{Y}-Q1"): {"F": 310},                         # new
        ("민원 처리 건수", f"{Y}-H1"): {"F": "1,250", "G": "상반기 누적"},    # new, thousands separator
        ("인구 증감", f"{Y}-Q1"): {"F": -40},                              # a change may be negative
    })
    _, audit_before = state(engine)
    counts = cycle_sheet.apply(engine, PERF, M, Y, data, XLSX_NAME)
    assert (counts["created"], counts["updated"]) == (3, 1)
    assert counts["unchanged"] == counts["rows"] - 4 and counts["sheets"] == 1
    plan = _plan(engine)
    with engine.connect() as conn:
        got = {(r["indicator_id"], r["period"]): r for r in writes.find_rows(conn, "cycle_results")}
        trail = writes.audit_rows(conn, limit=100)
    q1 = got[(plan[(D, "민원 만족도")]["id"], f"{Y}-Q1")]
    assert (q1["actual"], q1["comment"], q1["status"], q1["version"]) == (82.5, "1분기 설문 정정", "draft", 2)
    assert got[(plan[(D, "민원 처리 건수")]["id"], f"{Y}-H1")]["actual"] == 1250
    assert got[(plan[(D, "인구 증감")]["id"], f"{Y}-Q1")]["actual"] == -40
    new = [a for a in trail if a["id"] > audit_before]
    assert len(new) == 4 and len({a["entity_id"] for a in new}) == 4  # one entry per changed result
    assert all(a["via"] == "upload" and a["actor"] == "perf1" and a["operation"] == "result.upload" for a in new)
    assert all(XLSX_NAME in a["note"] and f"시트 '{D}'" in a["note"] for a in new)
    corrected = next(a for a in new if a["entity_id"] == q1["id"])
    assert corrected["old_value"]["actual"] == 80 and corrected["new_value"]["actual"] == 82.5
    # the entered value's source is the upload's entry
    with engine.connect() as conn:
        from sijeong.store import cycle as q
        assert q.entry_ids(conn, "cycle_results", [q1["id"]], "actual")[q1["id"]] == corrected["id"]

    # the same file again: every row unchanged (its versions are old, but nothing changes): no audit noise
    after = state(engine)
    again = cycle_sheet.apply(engine, PERF, M, Y, fill(download(engine), {
        ("민원 만족도", f"{Y}-Q1"): {"F": 82.5, "G": "1분기 설문 정정"}}), XLSX_NAME)
    assert (again["created"], again["updated"]) == (0, 0)
    assert state(engine) == after


def test_an_editor_uploads_for_their_own_department_only(engine):
    data = fill(download(engine), {("민원 처리 건수", f"{Y}-Q1"): {"F": 5}})
    before = state(engine)
    for actor in (who("editor", OTHER), who("viewer"), who("evaluator"), who("approver")):
        with pytest.raises(Refused):
            cycle_sheet.apply(engine, actor, M, Y, data, XLSX_NAME)
    assert state(engine) == before
    assert cycle_sheet.apply(engine, who("editor"), M, Y, data, XLSX_NAME)["created"] == 1
    # a workbook with the other department's sheet: refused whole for the editor, fine for the team
    both = fill(download(engine, None), {("체납 징수율", f"{Y}-Q1"): {"F": 20}}, sheet=OTHER)
    with pytest.raises(Refused):
        cycle_sheet.apply(engine, who("editor"), M, Y, both, XLSX_NAME)
    assert cycle_sheet.apply(engine, PERF, M, Y, both, XLSX_NAME)["created"] == 1


def test_a_locked_year_is_refused(engine):
    data = fill(download(engine), {("민원 처리 건수", f"{Y}-Q1"): {"F": 5}})
    cycle.close_year(engine, ADMIN, municipality=M, year=Y)
    before = state(engine)
    with pytest.raises(cycle.Locked):
        cycle_sheet.apply(engine, PERF, M, Y, data, XLSX_NAME)
    assert state(engine) == before
    with pytest.raises(cycle.NotFound):
        cycle_sheet.apply(engine, PERF, M, Y + 1, data, XLSX_NAME)


def test_a_stale_and_a_submitted_result_are_errors_of_their_rows(engine):
    data = download(engine)
    plan = _plan(engine)
    q1 = _result(engine, plan[(D, "민원 만족도")]["id"], f"{Y}-Q1")
    # someone corrects the Q1 result after the download
    cycle.enter_result(engine, ADMIN, plan[(D, "민원 만족도")]["id"], period=f"{Y}-Q1", actual=81,
                       version=q1["version"])
    errors = rejected(engine, fill(data, {("민원 만족도", f"{Y}-Q1"): {"F": 90},
                                          ("민원 처리 건수", f"{Y}-Q1"): {"F": 5}}))
    (e,) = errors
    assert (e.sheet, e.column, e.field) == (D, "F", "actual") and "다른 사용자가 고쳤습니다" in e.reason and "81" in e.reason
    # the same value as now is no change, whatever the version: accepted
    assert cycle_sheet.apply(engine, PERF, M, Y, fill(data, {("민원 만족도", f"{Y}-Q1"): {"F": 81}}),
                             XLSX_NAME)["updated"] == 0
    # submitted: not overwritten
    cycle.submit_result(engine, ADMIN, q1["id"])
    data = download(engine)
    (e,) = rejected(engine, fill(data, {("민원 만족도", f"{Y}-Q1"): {"F": 70}}))
    assert "제출됨' 상태의 실적은 고칠 수 없습니다" in e.reason and e.column == "F"


def _result(engine, plan_id: int, period: str) -> dict:
    with engine.connect() as conn:
        return writes.find_rows(conn, "cycle_results", indicator_id=plan_id, period=period)[0]


# --- every error, nothing applied --------------------------------------------------------------


def test_a_rejected_upload_reports_every_bad_cell_and_changes_nothing(engine):
    data = fill(download(engine), {
        ("민원 처리 건수", f"{Y}-Q1"): {"F": "abc"},
        ("민원 처리 건수", f"{Y}-H1"): {"F": -3},
        ("민원 처리 건수", str(Y)): {"F": "=1+2"},
        ("인구 증감", f"{Y}-H1"): {"F": 12},  # a good row: not applied either
        ("인구 증감", str(Y)): {"G": "가" * 2001},
        ("민원 만족도", f"{Y}-H1"): {"G": "실적 없는 설명"},
    })
    errors = rejected(engine, data)
    at = rows_of(load_workbook(io.BytesIO(data))[D])
    got = {(e.sheet, e.row, e.column) for e in errors}
    assert got == {(D, at[("민원 처리 건수", f"{Y}-Q1")], "F"), (D, at[("민원 처리 건수", f"{Y}-H1")], "F"),
                   (D, at[("민원 처리 건수", str(Y))], "F"), (D, at[("인구 증감", str(Y))], "G"),
                   (D, at[("민원 만족도", f"{Y}-H1")], "F")}
    text = [e.message for e in errors]
    row = at[("민원 처리 건수", f"{Y}-Q1")]
    assert f"시트 '{D}' {row}행 F열(실적): 숫자가 아닙니다 'abc' / not a number" in text
    assert any("0 이상이어야 합니다" in t for t in text)
    assert any("수식은 받지 않습니다" in t for t in text)
    assert any("2,000자를 넘습니다" in t for t in text)


def _with_row(key: str, actual=1, version=None, sheet: str = D):
    def edit(wb):
        ws = wb[sheet]
        n = ws.max_row + 1
        ws[f"A{n}"], ws[f"B{n}"], ws[f"F{n}"], ws[f"I{n}"] = key, "붙여 넣은 행", actual, version
    return edit


def test_keys_of_other_departments_municipalities_years_changed_or_duplicated(engine):
    plan, other = _plan(engine), _plan(engine, "고양시")
    base = download(engine)
    mine = cycle_sheet.make_key(plan[(D, "민원 처리 건수")]["id"], f"{Y}-Q1")
    cases = {
        "다른 부서": cycle_sheet.make_key(plan[(OTHER, "체납 징수율")]["id"], f"{Y}-Q1"),
        "다른 지방자치단체": cycle_sheet.make_key(other[(D, "민원 만족도")]["id"], f"{Y}-Q1"),
        f"{Y}년이 아닙니다": cycle_sheet.make_key(plan[(D, "민원 처리 건수")]["id"], f"{Y - 1}-Q1"),
        "키가 바뀌었습니다": mine.replace("Q1", "Q2"),
        "키의 형식이 틀렸습니다": "민원 처리 건수",
        "같은 지표·기간의 행이": mine,
        "없는 지표입니다": cycle_sheet.make_key(99999, f"{Y}-Q1"),
        "키가 없는 행입니다": None,
    }
    for said, key in cases.items():
        errors = rejected(engine, fill(base, {}, edit=_with_row(key)))
        assert len(errors) == 1 and said in errors[0].reason, (said, errors)
        assert errors[0].column == "A" and errors[0].sheet == D and errors[0].row > cycle_sheet.FIRST_ROW


# --- hostile files ----------------------------------------------------------------------------


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


def _workbook(edit) -> bytes:
    wb = Workbook()
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _huge(wb):
    src = wb.active
    src.title = D
    src["A1"] = f"{cycle_sheet.MARKER}|{M}|{Y}"
    src["A2"] = D
    for _, letter, label in cycle_sheet.COLUMNS:
        src[f"{letter}3"] = label
    src["F1000000"] = 1


def _bomb() -> bytes:
    return _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>", "xl/big.xml": b"\0" * (80 << 20)})


def _entities(engine) -> bytes:
    """The downloaded template with a billion-laughs DTD in its first sheet's XML."""
    src = zipfile.ZipFile(io.BytesIO(download(engine)))
    dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            body = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                body = body.replace(b"?>", b"?>" + dtd, 1) if body.startswith(b"<?xml") else dtd + body
            z.writestr(name, body)
    return out.getvalue()


HOSTILE = {
    "xml entities": (_entities, "DOCTYPE"),
    "empty": (lambda e: b"", "빈 파일"),
    "pdf": (lambda e: b"%PDF-1.4\n%%EOF\n", "XLSX 파일이 아닙니다"),
    "xls": (lambda e: cycle.OLE_MAGIC + b"\0" * 600, "XLS(옛 형식)"),
    "garbage zip": (lambda e: b"PK\x03\x04" + b"\x00" * 100, "압축을 읽을 수 없습니다"),
    "other zip": (lambda e: _zip({"a.txt": b"hello"}), "(XLSX)가 아닌 압축 파일"),
    "zip bomb": (lambda e: _bomb(), "압축 폭탄"),
    "broken xml": (lambda e: _zip({"[Content_Types].xml": b"<", "xl/workbook.xml": b"<"}), "엑셀 파일을 읽을 수 없습니다"),
    "too large": (lambda e: b"PK\x03\x04" + b"\0" * (cycle_sheet.MAX_BYTES + 1), "파일이 너무 큽니다"),
    "wrong sheet": (lambda e: _workbook(lambda wb: wb.active.append(["이름", "실적"])), "실적 입력 양식의 시트가 아닙니다"),
    "other municipality": (lambda e: download(e, D, "고양시"), "다른 양식입니다"),
    "moved column": (lambda e: fill(download(e), {}, edit=lambda wb: wb[D].__setitem__("F3", "값")), "머리글이"),
    "huge dimensions": (lambda e: _workbook(_huge), "행이 너무 많습니다"),
    "too many sheets": (lambda e: _workbook(lambda wb: [wb.create_sheet(f"s{i}") for i in range(cycle_sheet.MAX_SHEETS)]),
                        "시트가 너무 많습니다"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_file_is_refused_with_a_clear_error(engine, kind):
    make, said = HOSTILE[kind]
    errors = rejected(engine, make(engine))
    assert any(said in e.message for e in errors), (kind, [e.message for e in errors])
    assert all(" / " in e.reason for e in errors)  # Korean, then English


def test_a_huge_text_cell_and_a_date_in_a_number_cell(engine):
    import datetime as dt

    errors = rejected(engine, fill(download(engine), {("민원 처리 건수", f"{Y}-Q1"): {"F": dt.datetime(2025, 3, 1)},
                                                      ("민원 처리 건수", f"{Y}-H1"): {"F": 1, "G": "가" * 3000},
                                                      ("민원 처리 건수", str(Y)): {"F": True}}))
    assert sorted(e.column for e in errors) == ["F", "F", "G"]
    assert any("날짜" in e.reason for e in errors) and any("2,000자" in e.reason for e in errors)


# --- random garbage ----------------------------------------------------------------------------


def test_random_cell_garbage_is_applied_or_refused_never_an_exception(template_db, tmp_path_factory):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copy(template_db, path)
    eng = create_engine_for(f"sqlite:///{path}")
    base = download(eng)
    cells = st.one_of(st.none(), st.integers(-10**16, 10**16), st.floats(allow_nan=False, allow_infinity=False),
                      st.text(max_size=30).filter(lambda s: "\x00" not in s), st.booleans(),
                      st.sampled_from(["1,234", " 12 ", "-0", "1e3", "=A1", "abc", "", "٣", "１２"]))
    targets = [("민원 처리 건수", f"{Y}-Q1"), ("인구 증감", f"{Y}-H1"), ("민원 만족도", str(Y))]

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.tuples(st.sampled_from(targets), st.sampled_from("AFGI"), cells), max_size=6))
    def run(changes):
        edits: dict = {}
        for target, letter, value in changes:
            if isinstance(value, str) and not value.isprintable():
                value = value.encode("ascii", "ignore").decode()
            edits.setdefault(target, {})[letter] = value
        try:
            data = fill(base, edits)
        except Exception:  # openpyxl refuses to write some values: not the upload's concern
            return
        before = state(eng)
        try:
            cycle_sheet.apply(eng, PERF, M, Y, data, XLSX_NAME)
        except SheetRejected as e:
            assert state(eng) == before
            assert all(x.sheet == D and x.row and x.column in "AFGI" and " / " in x.reason for x in e.errors)

    try:
        run()
    finally:
        eng.dispose()


# --- the command line --------------------------------------------------------------------------


def test_the_command_line_writes_the_template_and_imports_it(engine, tmp_path, capsys):
    from sijeong.cli import main

    url = str(engine.url)
    out = tmp_path / "양식.xlsx"
    assert main(["cycle", "sheet", "--year", str(Y), "--department", D, "--municipality", M, "--db", url,
                 "-o", str(out)]) == 0
    assert load_workbook(out).sheetnames == [D]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(fill(out.read_bytes(), {("민원 처리 건수", f"{Y}-Q1"): {"F": "abc"}}))
    before = state(engine)
    assert main(["cycle", "import", "--year", str(Y), "--municipality", M, "--db", url, str(bad)]) == 1
    assert f"시트 '{D}'" in capsys.readouterr().err and state(engine) == before
    good = tmp_path / "good.xlsx"
    good.write_bytes(fill(out.read_bytes(), {("민원 처리 건수", f"{Y}-Q1"): {"F": 12}}))
    assert main(["cycle", "import", "--year", str(Y), "--municipality", M, "--db", url, str(good)]) == 0
    assert "created 1" in capsys.readouterr().out
    with engine.connect() as conn:
        newest = writes.audit_rows(conn, limit=1)[0]
    assert newest["via"] == "upload" and newest["actor"].startswith("cli:") and "good.xlsx" in newest["note"]
    with pytest.raises(SystemExit) as e:
        main(["cycle", "import", "--year", str(Y), "--db", url])  # no file
    assert e.value.code == 2


def test_a_returned_result_is_corrected_by_upload_and_a_submitted_one_is_locked_in_the_template(engine):
    plan = _plan(engine)
    q1 = _result(engine, plan[(D, "민원 만족도")]["id"], f"{Y}-Q1")
    cycle.submit_result(engine, ADMIN, q1["id"])
    ws = load_workbook(io.BytesIO(download(engine)))[D]
    n = rows_of(ws)[("민원 만족도", f"{Y}-Q1")]
    assert ws[f"H{n}"].value == "제출됨" and ws[f"F{n}"].protection.locked
    cycle.return_result(engine, ADMIN, q1["id"], reason="설문 표본 확인 필요")
    data = download(engine)
    ws = load_workbook(io.BytesIO(data))[D]
    assert ws[f"H{n}"].value == "반려됨: 설문 표본 확인 필요" and not ws[f"F{n}"].protection.locked
    counts = cycle_sheet.apply(engine, PERF, M, Y, fill(data, {("민원 만족도", f"{Y}-Q1"): {"F": 79}}), XLSX_NAME)
    assert counts["updated"] == 1
    now = _result(engine, plan[(D, "민원 만족도")]["id"], f"{Y}-Q1")
    assert (now["actual"], now["status"], now["version"]) == (79, "draft", q1["version"] + 3)


def test_past_the_lookup_limit_a_foreign_key_is_only_not_of_the_plan(engine, monkeypatch):
    monkeypatch.setattr(cycle_sheet, "MAX_LOOKUPS", 0)
    other = _plan(engine, "고양시")[(D, "민원 만족도")]["id"]
    (e,) = rejected(engine, fill(download(engine), {}, edit=_with_row(cycle_sheet.make_key(other, f"{Y}-Q1"))))
    assert f"{M} {Y}년 계획의 지표가 아닙니다" in e.reason and "고양시" not in e.reason
