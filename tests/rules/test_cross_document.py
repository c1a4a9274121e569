"""``cross.document``: the same fact in two documents of one municipality — an indicator's
실적 of year Y in that year's settlement and performance report, and the same year's figure
restated in a table of a later work plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from sijeong import pipeline
from sijeong.rules import rules_of, run_rules
from sijeong.rules.documents import compared, restated, year_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPORT = "consistent_report.txt"  # FY2020, 미래가치담당관 민원 처리 만족도: '19 실적 80.4, '20 실적 87.3 (%)


def later_plan(cells: str, *, department: str = "미 래 가 치 담 당 관", year: int = 2022, header: str = "2019\t2020\t2021") -> str:
    """A minimal work plan of ``year`` in the project's layout (bureau cover, department
    heading, one task) whose task restates 민원 처리 만족도 by year in a small table."""
    return f"""
미래소통실

{year}년 주요업무계획

IV. 주요업무 추진계획

{department}

주 요 업 무

1. 민원 서비스 개선

1. 민원 서비스 개선

❖ 민원 처리 전 과정을 점검하여 시민이 체감하는 민원 서비스 품질 향상

□ 사업개요

- 사업비 : 96,400천원
- 연도별 민원 처리 만족도

연도\t{header}
민원 처리 만족도\t{cells}

□ 추진계획

- {year}. 3. : 상반기 만족도 조사
"""


@pytest.fixture(scope="module")
def report():
    return pipeline.load_path(FIXTURES / REPORT)


def load_plan(text: str, municipality: str = "김포시"):
    plan = pipeline.load_text("later_plan.txt", text, municipality=municipality)
    assert plan.family == "work_plan" and not [f for f in plan.findings if f.severity == "error"]
    return plan


PLAN = "later_plan.txt"


def mine(findings, doc: str | None = PLAN):
    """The rule's findings on ``doc`` (the plan's, which owns the one finding of a difference;
    None: on any document)."""
    return [f for f in findings if "cross.document" in rules_of(f) and (doc is None or f.doc == doc)]


def related_lines(f, doc: str = REPORT) -> list[int]:
    return next(r["lines"] for r in f.related if r["doc"] == doc)


def report_lines(report, year: int) -> list[int]:
    ind = next(r for r in report.records if type(r).__name__ == "Indicator"
               and r.name.startswith("민원 처리 만족도") and r.year == year)
    return sorted({ind.figures["actual"].source.line}
                  | {a.figures["actual"].source.line for a in ind.appearances if "actual" in a.figures})


def test_year_labels():
    assert [year_of(x) for x in ("2020", "2020년", "'20", "‘20년도", "민선 7기 '20", "'20년이전",
                                 "2021년 본예산 (‘20.12.14.)", "심사건수")] == [2020, 2020, 2020, 2020, 2020,
                                                                             None, None, None]


def test_later_plan_restating_another_figure_is_one_finding_with_both_lines(report):
    plan = load_plan(later_plan("80.4%\t85.3%\t88.1%"))
    # one defect, one finding: none on the report's side
    assert mine(pipeline.check([report, plan]), REPORT) == []
    found = mine(pipeline.check([report, plan]), None)
    assert len(found) == 1
    f = found[0]
    # the plan's (the later document restating the report): its year (the scope it is stored
    # and replaced with), its line, its value as printed; the report's value expected
    plan_line = next(r for r in plan.records if type(r).__name__ == "Statistic").figures["col:2020"].source.line
    assert (f.severity, f.doc, f.year, f.lines) == ("warning", PLAN, 2022, [plan_line])
    assert f.department == "미래가치담당관" and f.actual == 85.3 and f.expected == 87.3
    # and the report's lines (every printing of the 2020 실적) beside its own
    assert f.related == [{"doc": REPORT, "lines": report_lines(report, 2020)}] and report_lines(report, 2020)
    assert f"{REPORT}:{','.join(map(str, report_lines(report, 2020)))}행" in f.message
    assert "87.3%" in f.message and "85.3%" in f.message and "2022년 주요업무계획" in f.message
    assert "2020년 결산·성과보고서 87.3%" in f.message
    assert f.as_dict()["related"] == f.related


def test_agreeing_figures_give_nothing_but_are_compared(report):
    plan = load_plan(later_plan("80.4%\t87.3%\t88.1%"))
    docs = [report, plan]
    assert mine(run_rules(docs), None) == []
    # not vacuous: both restated years were matched with the report's indicator
    assert sorted((ind.year, fig.value) for _, ind, _, _, _, fig in compared(docs)) == [(2019, 80.4), (2020, 87.3)]


def test_the_reports_previous_year_column_is_compared_too(report):
    # the report prints '19 실적 80.4 beside '20: a later plan restating 2019 as 78.4 disagrees
    plan = load_plan(later_plan("78.4%\t87.3%\t88.1%"))
    found = mine(run_rules([report, plan]), None)
    # the plan's finding (its year); the report's lines of the 2019 result beside it
    assert [(f.doc, f.severity, f.year, f.actual, f.expected) for f in found] == [(PLAN, "warning", 2022, 78.4, 80.4)]
    assert related_lines(found[0]) == report_lines(report, 2019)
    assert "2019년 실적" in found[0].message


def test_two_values_for_one_fact_in_one_plan_are_left_alone(report):
    # the plan prints 2020 twice with two values: which one restates the report is unknown
    plan = load_plan(later_plan("85.3%\t86.3%", header="2020\t2020년"))
    assert sorted(fig.value for y, *_, fig in restated(plan) if y == 2020) == [85.3, 86.3]
    assert mine(run_rules([report, plan]), None) == []


def test_rounding_of_the_printed_figure_is_info(report):
    plan = load_plan(later_plan("80.4%\t87%\t88.1%"))
    found = mine(run_rules([report, plan]), None)
    assert [(f.doc, f.severity, f.actual, f.expected) for f in found] == [(PLAN, "info", 87, 87.3)]
    assert "반올림 차이" in found[0].message


def test_another_year_is_not_the_same_fact(report):
    # the differing value stands under 2021 (the report states no 2021 실적)
    plan = load_plan(later_plan("80.4%\t85.3%", header="2019\t2021"))
    assert mine(run_rules([report, plan]), None) == []
    # a plan of the report's own year states a target for it, not a restated result
    plan = load_plan(later_plan("80.4%\t85.3%", year=2020, header="2019\t2020"))
    assert mine(run_rules([report, plan]), None) == []


def test_another_department_or_municipality_is_not_the_same_fact(report):
    plan = load_plan(later_plan("80.4%\t85.3%\t88.1%", department="열 린 소 통 담 당 관"))
    assert {r.department for r in plan.records if type(r).__name__ == "Statistic"} == {"열린소통담당관"}
    assert mine(run_rules([report, plan]), None) == []
    plan = load_plan(later_plan("80.4%\t85.3%\t88.1%"), municipality="다른시")
    assert mine(run_rules([report, plan]), None) == []


def test_another_measure_is_not_the_same_fact(report):
    # the same name counted in 점 (a score), not the indicator's %
    plan = load_plan(later_plan("80.4점\t85.3점\t88.1점"))
    assert mine(run_rules([report, plan]), None) == []


def test_one_document_alone_gives_nothing(report):
    assert mine(run_rules([report]), None) == []


# --- the real documents ------------------------------------------------------------------

R004 = "004_c3ede251798e8a7a.txt"
R000 = "000_1d85f209833ac9df.txt"
R003 = "003_c85a2f783e9fa893.txt"


@pytest.fixture(scope="module")
def real():
    base = (Path(__file__).resolve().parents[2] / ".." / "shared" / "documents").resolve()
    if not base.is_dir():
        pytest.skip("../shared/documents not found: the real Gimpo documents are not on this machine")
    return [pipeline.load_path(base / n) for n in (R004, R000, R003)]


@pytest.mark.real
def test_real_documents(real):
    """Checked by hand. The 2022 plan (000) restates four of the FY2020 report's (004)
    indicator results in its tables:

    - 기획담당관 소송 승소율 제고 (%): 004 '19 실적 80, '20 실적 90; 000 [연도별 승소율 현황]
      2019 80%, 2020 90% — agree.
    - 감사담당관 계약심사 절감율 (%): 004 '19 실적 4.2; 000 계약심사 건수 및 절감액 증가 2019년
      절감률 4.20% — agree. 004 '20 실적 4.2 (lines 346 and 1422); 000 2020년 절감률 4.23% — the
      report prints one decimal, 4.23 rounds to 4.2: one info. (The 2020 절감률 4.23 also shows
      that 004's '20 rate 123% is the '19 one: 4.2/3.5 = 120, see test_real_documents.)

    Not compared, on purpose: 감사담당관 공직자 청렴도 등급 (004: 2등급) and 000's 김포시 청렴도
    결과 rows ('20 8.37점, 2등급): the row is named by its table, not by the indicator, and two
    rows share that name. The 2025 plan (003) has other departments (a reorganisation) and no
    report of an earlier year beside it."""
    pairs = sorted((ind.department, ind.name, ind.year, ind.actual, plan.name, fig.source.line, fig.value)
                   for _, ind, plan, _, _, fig in compared(real))
    assert pairs == [
        ("감사담당관", "계약심사 절감율", 2019, 4.2, R000, 2377, 4.2),
        ("감사담당관", "계약심사 절감율", 2020, 4.2, R000, 2378, 4.23),
        ("기획담당관", "소송 승소율 제고", 2019, 80, R000, 677, 80),
        ("기획담당관", "소송 승소율 제고", 2020, 90, R000, 677, 90),
    ]
    found = mine(run_rules(real), None)
    # one defect, one finding: the plan's line, the report's two printings beside it
    assert [(f.severity, f.doc, f.lines, f.related, f.subject, f.actual, f.expected) for f in found] == [
        ("info", R000, [2378], [{"doc": R004, "lines": [346, 1422]}], "계약심사 절감율", 4.23, 4.2)]
    assert f"{R004}:346,1422행" in found[0].message


# --- a result restated in the plan's words ---------------------------------------------------


def text_plan(line: str) -> str:
    """The later plan without its table: its task states the 2020 result in a line of text."""
    text = later_plan("80.4%\t87.3%\t88.1%")
    table = "연도\t2019\t2020\t2021\n민원 처리 만족도\t80.4%\t87.3%\t88.1%\n"
    assert table in text
    return text.replace(table, f"- {line}\n")


def test_a_result_restated_in_the_plans_text_is_compared(report):
    plan = load_plan(text_plan("'20년 실적 : 민원 처리 만족도 85.3%"))
    line = next(i for i, t in enumerate(plan.text.split("\n"), 1) if "'20년 실적" in t)
    found = mine(run_rules([report, plan]), None)
    assert [(f.doc, f.severity, f.year, f.lines, f.related) for f in found] == [
        (PLAN, "warning", 2022, [line], [{"doc": REPORT, "lines": report_lines(report, 2020)}])]
    assert "2022년 주요업무계획 85.3%" in found[0].message and "2020년 결산·성과보고서 87.3%" in found[0].message
    # the same words with the report's number: compared, nothing to say
    plan = load_plan(text_plan("'20년 실적 : 민원 처리 만족도 87.3%"))
    assert mine(run_rules([report, plan]), None) == []
    assert [(ind.year, fig.value, fig.source.line) for _, ind, _, _, _, fig in compared([report, plan])] == [
        (2020, 87.3, line)]


def test_text_that_is_no_restated_result_is_left_alone(report):
    for words in ("'20년 목표 : 민원 처리 만족도 85.3%",  # a target
                  "'20년 대비 민원 처리 만족도 85.3% 이상",  # a comparison and a bound
                  "'20년 실적 : 민원 처리 만족도 85.3점",  # another measure (점, the indicator's %)
                  "'21년 실적 : 민원 처리 만족도 85.3%"):  # a year the report states no result of
        plan = load_plan(text_plan(words))
        assert mine(run_rules([report, plan]), None) == [], words
