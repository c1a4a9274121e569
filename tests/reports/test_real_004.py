"""The official tables rebuilt from the data of the real FY2020 report (004) agree with the
document's own tables wherever the document is consistent, and differ exactly where it
is not.

Checked by hand against the text:
- 기획담당관's ten 단위사업 print '19결산 of 17,069,500 + 676,063,100 + 13,836,380 +
  313,149,350 + 187,218,010 + 36,471,180 + 166,504,500 + 1,866,000 + 263,891,600 +
  16,134,830,070 = 17,810,899,690, but its 결산현황 prints 정책사업 '19 17,828,899,690
  (18,000,000 more), and its 총괄 and 결산현황 계 carry that into 전년도 결산액
  17,881,959,950 and 비교증감 480,095,660. From the data: 17,863,959,950 and 498,095,660.
- 기획담당관's 성과목표 및 재원비중 prints 18,314,875,220 for its strategic goal; its four
  policy goals' 결산액 982,282,880 + 18,402,930 + 241,072,380 + 17,073,117,030 sum to
  exactly that, so this table is consistent (the 총괄 counts 1/3/5 follow the grades too).
"""

from __future__ import annotations


import pytest

from sijeong.model import DepartmentSummary, Indicator, SettlementLine, StrategicGoal
from sijeong.reports import tables as T
from sijeong.reports.select import grade_for_rate, key

DOC = "004_c3ede251798e8a7a.txt"
pytestmark = pytest.mark.real

SUMMARY_FIELDS = ("strategic_goal_count", "policy_goal_count", "indicator_count", "exceeded_count",
                  "achieved_count", "missed_count", "settled", "prior_year_settled", "change")
SETTLEMENT_FIELDS = ("settled", "share", "prior_year_settled", "prior_year_share", "change", "change_rate")


@pytest.fixture(scope="module")
def doc(request):
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / ".." / "shared" / "documents" / DOC
    if not path.is_file():
        pytest.skip("../shared/documents not found: the real Gimpo documents are not on this machine")
    from sijeong.pipeline import load_path

    d = load_path(path)
    assert d.records, "the settlement reader produced no records"
    return d


def _row(table, label):
    for row in table.rows:
        if row.cells and row.cells[0].value == label:
            return row
    raise AssertionError(f"no row {label!r} in {table.title}")


def test_summary_equals_the_document_except_where_it_is_inconsistent(doc):
    printed = [r for r in doc.of(DepartmentSummary)]
    assert len(printed) == 8  # 계 and the department, in each of four sections
    diffs = {}
    for rec in printed:
        table = T.summary([doc], 2020, rec.department)
        ours = _row(table, "계" if rec.is_total else rec.department)
        for i, f in enumerate(SUMMARY_FIELDS):
            if ours.cells[1 + i].value != getattr(rec, f):
                diffs[(rec.department, rec.name, f)] = (ours.cells[1 + i].value, getattr(rec, f))
    assert diffs == {
        ("기획담당관", "계", "prior_year_settled"): (17_863_959_950, 17_881_959_950),
        ("기획담당관", "계", "change"): (498_095_660, 480_095_660),
        ("기획담당관", "기획담당관", "prior_year_settled"): (17_863_959_950, 17_881_959_950),
        ("기획담당관", "기획담당관", "change"): (498_095_660, 480_095_660),
    }


def test_grade_counts_follow_the_rates(doc):
    """The printed grades follow the legend, so counting grades or rates gives the 총괄."""
    inds = [i for i in doc.of(Indicator) if i.year == 2020]
    assert len(inds) == 19
    assert all(grade_for_rate(i.rate) == i.grade for i in inds)
    table = T.summary([doc], 2020, grades="computed")
    total = _row(table, "계")
    assert [c.value for c in total.cells[4:7]] == [3, 10, 6]  # 1+1+0+1, 3+2+3+2, 5+1+0+0


def test_goals_equal_the_document(doc):
    printed = {}
    for sg in doc.of(StrategicGoal):
        for app in sg.appearances:
            if app.section == "성과목표 및 재원비중" and "settled" in app.figures:
                printed[sg.department] = (app.value("settled"), app.value("share"))
    assert len(printed) == 4
    table = T.goals([doc], 2020)
    ours = {}
    for row in table.rows:
        if len(row.cells) == 6:  # a strategic goal's first row carries all six cells
            dept = row.cells[0].value.rsplit("(", 1)[1].rstrip(")")
            ours[dept] = (row.cells[-2].value, row.cells[-1].value)
    assert ours == printed
    assert ours["기획담당관"] == (18_314_875_220, 100.0)
    grades = [c.value for r in table.rows for c in r.cells if c.kind == "grade"]
    assert len(grades) == 19 and grades.count("◎") == 3


def test_settlement_equals_the_document_except_where_it_is_inconsistent(doc):
    lines = [s for s in doc.of(SettlementLine) if s.section == "결산현황"]
    assert lines
    diffs = {}
    for line in lines:
        table = T.settlement([doc], 2020, line.department)
        ours = _row(table, line.name)
        for i, f in enumerate(SETTLEMENT_FIELDS):
            mine, theirs = ours.cells[1 + i].value, getattr(line, f)
            if theirs is not None and mine != theirs:
                diffs[(line.department, key(line.name), f)] = (mine, theirs)
    assert diffs == {
        ("기획담당관", "계", "prior_year_settled"): (17_863_959_950, 17_881_959_950),
        ("기획담당관", "계", "change"): (498_095_660, 480_095_660),
        ("기획담당관", "계", "change_rate"): (2.79, 2.68),
        ("기획담당관", "정책사업", "prior_year_settled"): (17_810_899_690, 17_828_899_690),
        ("기획담당관", "정책사업", "change"): (503_975_530, 485_975_530),
        ("기획담당관", "정책사업", "change_rate"): (2.83, 2.73),
    }


def test_every_table_of_004_survives_the_xlsx_round_trip(doc, tmp_path):
    from sijeong.reports import render
    from sijeong.reports.xlsx_read import read_xlsx

    report = [T.build(k, [doc], 2020) for k in ("summary", "goals", "indicators", "settlement", "related_programs",
                                                 "programs", "revenues")]
    assert all(t.rows for t in report)
    sheets = read_xlsx(render(report, "xlsx", tmp_path / "004.xlsx"))
    for table, sheet in zip(report, sheets, strict=True):
        assert sheet.rows == table.values(), table.kind
    money = [c.value for t in report for r in t.rows for c in r.cells if c.kind == "money" and c.value]
    assert len(money) > 1000
