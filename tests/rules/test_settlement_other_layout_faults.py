"""Faults in a settlement + performance report of a layout the Gimpo readers were not written
for (issues 14, 17; measured by bench/outsider.py): one made-up report of a fictional city,
consistent as printed, and one changed cell per test. Each fault must get an error or a
warning naming the changed line; the consistent report gets none.

The report is made up (numbered chapters, ``[일반회계] [과]`` page headers with numbered
sub-headings under them, a 총괄 of one department, an indicator table without a
정책사업목표 column, decreases in parentheses, a program's spending restated in the text).
The three real documents print none of these (checked by hand: no running text restates a
program's 지출액, no cell is a decrease in parentheses), so no real example exists."""

from __future__ import annotations

import pytest

from sijeong.model import DepartmentSummary, Indicator, PolicyGoal
from sijeong.pipeline import check, load_text

REPORT = """\
한빛시 2023회계연도 결산 및 성과보고서

1. 세입결산

[일반회계] [공원녹지과]
(단위: 백만원)
과목\t예산액\t징수결정액\t수납액\t불납결손액\t미수납액
계\t1,500\t1,620\t1,410\t10\t200
200 세외수입\t1,500\t1,620\t1,410\t10\t200
210 경상적세외수입\t1,500\t1,620\t1,410\t10\t200
212 사용료수입\t1,500\t1,620\t1,410\t10\t200
212-01 공원사용료\t900\t1,000\t850\t10\t140
212-03 시설사용료\t600\t620\t560\t0\t60

2. 세출결산

[일반회계] [공원녹지과]
(단위: 백만원)
구분\t사업명\t예산액\t전년도이월액\t예산현액\t지출액\t다음연도이월액\t집행잔액
\t계\t3,000\t100\t3,100\t2,800\t100\t200
정책\t도시공원 확충\t2,000\t100\t2,100\t1,900\t100\t100
단위\t근린공원 조성\t1,200\t100\t1,300\t1,150\t100\t50
세부\t근린공원 정비\t700\t100\t800\t700\t60\t40
세부\t산책로 개설\t500\t0\t500\t450\t40\t10
단위\t공원 녹화\t800\t0\t800\t750\t0\t50
세부\t가로수 식재\t800\t0\t800\t750\t0\t50
정책\t녹지 관리 강화\t1,000\t0\t1,000\t900\t0\t100
단위\t녹지 유지관리\t1,000\t0\t1,000\t900\t0\t100
세부\t녹지 점검\t1,000\t0\t1,000\t900\t0\t100

3. 성과보고

1. 성과 총괄
(단위: 개, 백만원)
부서명\t정책사업목표수\t지표수\t◎\t○\t×\t결산액
공원녹지과\t2\t3\t1\t1\t1\t2,800

[일반회계] [공원녹지과]

1. 주요성과
- 도시공원 확충 분야에 1,900백만원을 집행하여 공원 2개소 조성

2. 정책사업목표
(단위: 개, 백만원)
정책사업목표\t성과지표수\t달성지표수\t예산현액\t결산액
도시공원 확충\t2\t1\t2,100\t1,900
녹지 관리 강화\t1\t1\t1,000\t900

3. 성과지표 달성현황
성과지표(단위)\t구분\t'22년\t'23년\t평가
공원 조성 면적(㎡)\t목표\t1,000\t1,000\t◎
\t실적\t1,200\t1,400\t
\t달성률\t120%\t140%\t
가로수 식재(그루)\t목표\t500\t500\t×
\t실적\t450\t400\t
\t달성률\t90%\t80%\t
녹지 점검(회)\t목표\t10\t10\t○
\t실적\t10\t11\t
\t달성률\t100%\t110%\t

4. 결산현황
(단위: 백만원, %)
구분\t결산액\t전년도 결산액\t증감액\t증감률
계\t3,300\t3,350\t(50)\t(1.49%)
정책사업\t2,800\t2,900\t(100)\t(3.45%)
행정운영경비\t400\t350\t50\t14.29%
재무활동\t100\t100\t0\t0.00%
"""


def _load(text: str):
    return load_text("hanbit_2023.txt", text, municipality="한빛시")


def _line(text: str, fragment: str) -> int:
    """The one line holding ``fragment``."""
    (no,) = [i for i, s in enumerate(text.split("\n"), 1) if fragment in s]
    return no


def _changed(old: str, new: str) -> tuple[str, int]:
    assert REPORT.count(old) == 1, old
    text = REPORT.replace(old, new)
    return text, _line(text, new)


def _flagged(text: str, line: int):
    doc = _load(text)
    return [f for f in check([doc]) + list(doc.findings)
            if line in f.lines and f.severity in ("error", "warning")]


def test_consistent_report_reads_and_has_no_finding():
    doc = _load(REPORT)
    assert doc.family == "settlement_report"
    found = [f for f in check([doc]) + list(doc.findings) if f.severity in ("error", "warning")]
    assert found == []
    # the page header's department holds under its numbered sub-headings (``2. 정책사업목표``)
    goals = doc.of(PolicyGoal)
    assert [(g.name, g.department) for g in goals] == [("도시공원 확충", "공원녹지과"), ("녹지 관리 강화", "공원녹지과")]
    assert {i.department for i in doc.of(Indicator)} == {"공원녹지과"}
    # the 총괄 of one department, read by its labels (its 결산액 left out: cities differ in what it sums)
    (s,) = doc.of(DepartmentSummary)
    assert (s.name, s.indicator_count, s.exceeded_count, s.achieved_count, s.missed_count) == ("공원녹지과", 3, 1, 1, 1)
    assert s.settled is None


@pytest.mark.parametrize("old, new, rule", [
    # a program's 지출액 restated in running text
    ("분야에 1,900백만원을", "분야에 1,990백만원을", "text.program_spent"),
    # 달성지표수 of a goal, the indicator table naming no goal: compared by department
    ("도시공원 확충\t2\t1\t2,100", "도시공원 확충\t2\t2\t2,100", "policy_goal.counts"),
    # the 총괄's counts vs the indicators
    ("공원녹지과\t2\t3\t1\t1\t1", "공원녹지과\t2\t4\t1\t1\t1", "summary.grade_counts"),
    ("공원녹지과\t2\t3\t1\t1\t1", "공원녹지과\t2\t3\t1\t2\t1", "summary.grade_counts"),
    # decreases in parentheses: 증감액 and 증감률 columns
    ("정책사업\t2,800\t2,900\t(100)", "정책사업\t2,800\t2,900\t(120)", "table.difference_column"),
    ("정책사업\t2,800\t2,900\t(100)\t(3.45%)", "정책사업\t2,800\t2,900\t(100)\t3.45%", "table.rate_column"),
    # a rate of a target and an actual printed exactly: 11/10 is 110%, not 111%
    ("\t달성률\t100%\t110%", "\t달성률\t100%\t111%", "indicator.rate"),
])
def test_fault_is_caught_on_its_line(old, new, rule):
    text, line = _changed(old, new)
    found = _flagged(text, line)
    assert found, f"no finding on line {line}"
    from sijeong.rules import rules_of

    assert any(rule in rules_of(f) for f in found), [(f.rule, f.message) for f in found]


def test_text_program_spent_message_names_both_lines_and_units():
    text, line = _changed("분야에 1,900백만원을", "분야에 1,990백만원을")
    (f,) = [f for f in _flagged(text, line) if f.rule == "text.program_spent"]
    assert f.severity == "error"
    assert f.lines == [_line(REPORT, "정책\t도시공원 확충"), line]
    assert "'도시공원 확충 분야에 1,990백만원을 집행'" in f.message and "1,990,000,000원" in f.message
    assert "지출액 1,900 = 1,900,000,000원" in f.message


@pytest.mark.parametrize("sentence", [
    "- 도시공원 확충 분야에 예산 1,990백만원을 집행",       # a budget word before the amount
    "- 도시공원 확충 사업 중 1,200백만원을 집행",          # a part of it
    "- 도시공원 확충 분야에 1,990백만원을 투입할 계획",     # no 집행/지출
    "- 신도시공원 확충 분야에 1,990백만원을 집행",          # another name containing it
])
def test_text_program_spent_leaves_other_amounts_alone(sentence):
    text = REPORT.replace("- 도시공원 확충 분야에 1,900백만원을 집행하여 공원 2개소 조성", sentence)
    assert text != REPORT
    doc = _load(text)
    assert [f for f in check([doc]) if f.rule == "text.program_spent"] == []


def test_text_program_spent_rounding_of_a_larger_unit_is_info():
    # 1,150백만원 restated as 12억원: a rounding (info); as 13억원: an error
    base = REPORT.replace("- 도시공원 확충 분야에 1,900백만원을 집행하여 공원 2개소 조성",
                          "- 근린공원 조성 사업에 {}억원 집행")
    for amount, severity in (("12", "info"), ("13", "error")):
        doc = _load(base.format(amount))
        (f,) = [f for f in check([doc]) if f.rule == "text.program_spent"]
        assert f.severity == severity


def test_one_unit_in_an_otherwise_exact_table_is_a_warning_not_rounding():
    # 산책로 개설 집행잔액 10 → 11 (백만원): a unit off over several parts, which rounding could
    # explain — but every difference of the table runs through this row and its other rows hold exactly
    text, line = _changed("세부\t산책로 개설\t500\t0\t500\t450\t40\t10", "세부\t산책로 개설\t500\t0\t500\t450\t40\t11")
    found = _flagged(text, line)
    assert found and all(f.severity == "warning" for f in found)
    assert "반올림 차이로 보기 어려움" in found[0].message and f"{line}행" in found[0].message


def test_a_total_of_one_part_a_unit_off_is_an_error():
    # 공원 녹화 (50) has one 세부사업, 가로수 식재: printed 51 in the same unit, no rounding
    # can make the two differ — an error, not a rounding to review
    text, line = _changed("세부\t가로수 식재\t800\t0\t800\t750\t0\t50", "세부\t가로수 식재\t800\t0\t800\t750\t0\t51")
    found = [f for f in _flagged(text, line) if f.rule == "program.total"]
    assert found and all(f.severity == "error" for f in found)


def test_rounding_on_two_rows_stays_rounding():
    # two rows each a unit off (their parent's sum unchanged): the table is rounded, not
    # misprinted — info only
    text = REPORT.replace("세부\t산책로 개설\t500\t0\t500\t450\t40\t10", "세부\t산책로 개설\t500\t0\t500\t450\t40\t11")
    text = text.replace("세부\t근린공원 정비\t700\t100\t800\t700\t60\t40", "세부\t근린공원 정비\t700\t100\t800\t700\t60\t39")
    assert text.count("\t11\n") >= 1 and "\t39\n" in text
    doc = _load(text)
    found = [f for f in check([doc]) if f.rule.startswith("program.")]
    assert found and all(f.severity == "info" for f in found)


def test_a_numbered_chapter_still_ends_the_department_pages():
    # without the page header under ``3. 성과보고``, the goals are no longer the 세출결산 pages'
    # department: ``3.`` continues the chapters (1. 세입결산, 2. 세출결산), it is no sub-heading
    text = REPORT.replace("[일반회계] [공원녹지과]\n\n1. 주요성과", "1. 주요성과")
    assert text != REPORT
    assert {g.department for g in _load(text).of(PolicyGoal)} == {None}
