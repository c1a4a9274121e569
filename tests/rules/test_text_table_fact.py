"""``text.table_fact``: a year's figure stated in running text and in a table of the same
document (same department, same year, same unit) must be the same number. Conservative: the
label must be the table's (error) or contain it (warning: the match by name is uncertain);
targets, changes, bounds and money are left alone. No pair is compared on the three real
documents (checked by hand: their running text states no year's value of a table's label in
the table's unit), so the examples are made up."""

from __future__ import annotations

from pathlib import Path

import pytest

from sijeong import pipeline
from sijeong.rules import RULES, run_rules
from sijeong.rules.text_facts import compared_text_facts, text_facts


def plan(text_line: str, cells: str = "80.4%\t85.3%\t88.1%", *, department: str = "미 래 가 치 담 당 관",
         second: str = "") -> str:
    """A 2022 work plan in the project's layout whose task states 민원 처리 만족도 by year in a
    table, and ``text_line`` in its outline."""
    return f"""
미래소통실

2022년 주요업무계획

IV. 주요업무 추진계획

{department}

주 요 업 무

1. 민원 서비스 개선

1. 민원 서비스 개선

❖ 민원 처리 전 과정을 점검하여 시민이 체감하는 민원 서비스 품질 향상

□ 사업개요

- 사업비 : 96,400천원
- {text_line}
- 연도별 민원 처리 만족도

연도\t2019\t2020\t2021
민원 처리 만족도\t{cells}
{second}
□ 추진계획

- 2022. 3. : 상반기 만족도 조사
"""


def load(text: str):
    doc = pipeline.load_text("plan.txt", text)
    assert doc.family == "work_plan" and not [f for f in doc.findings if f.severity == "error"]
    return doc


def mine(doc) -> list:
    return [f for f in run_rules([doc]) if f.rule == "text.table_fact"]


def line_of(doc, needle: str) -> int:
    return next(i for i, t in enumerate(doc.text.split("\n"), 1) if needle in t)


def test_registered_with_a_korean_name():
    r = RULES["text.table_fact"]
    assert r.name == "본문·표 같은 사실" and "같은 해" in r.explanation


def test_text_facts_are_a_year_a_label_and_a_number_with_its_unit():
    assert list(text_facts("'20년 승소율은 90%")) == [(2020, "승소율", 90, "%", "'20년 승소율은 90%")]
    assert [f[:4] for f in text_facts("2020년도 민원 처리 만족도: 87.3%")] == [(2020, "민원 처리 만족도", 87.3, "%")]
    # a target, a change, a bound, a label of one letter: not a year's stated value
    for text in ("2022년 목표 절감률 5%", "2020년 대비 만족도 3% 상승", "2020년 만족도 80% 이상", "2020년 만족도 3% 향상",
                 "2020년 제7회"):
        assert list(text_facts(text)) == [], text


def test_the_same_label_with_another_number_is_an_error_with_both_lines():
    doc = load(plan("2020년 민원 처리 만족도 86.3% 달성"))
    (f,) = mine(doc)
    text_line, table_line = line_of(doc, "2020년 민원 처리 만족도"), line_of(doc, "민원 처리 만족도\t80.4%")
    assert (f.severity, f.doc, f.lines, f.actual, f.expected) == ("error", "plan.txt", [text_line, table_line], 86.3, 85.3)
    assert f.department == "미래가치담당관" and f.year == 2022
    assert "86.3%" in f.message and "85.3%" in f.message and f"{table_line}행" in f.message


def test_agreeing_figures_give_nothing_but_are_compared():
    doc = load(plan("2020년 민원 처리 만족도 85.3% 달성"))
    assert mine(doc) == []
    assert [(p[2], p[3], p[7].value, p[8]) for p in compared_text_facts(doc)] == [
        ("2020년 민원 처리 만족도 85.3%", 85.3, 85.3, True)]


def test_a_label_containing_the_tables_is_only_a_warning():
    doc = load(plan("2020년 민원 처리 만족도 조사 결과 86.3%"))
    (f,) = mine(doc)
    assert f.severity == "warning" and "확인 필요" in f.message


def test_rounding_of_the_printed_figure_is_info():
    doc = load(plan("2020년 민원 처리 만족도 85%", cells="80.4%\t85.3%\t88.1%"))
    (f,) = mine(doc)
    assert f.severity == "info" and "반올림 차이" in f.message


@pytest.mark.parametrize("line", [
    "2021년 민원 처리 만족도 86.3%",  # the table's 2021 is 88.1: another year, another value
    "2020년 민원 처리 만족도 86.3점",  # another unit
    "2022년 목표 민원 처리 만족도 90%",  # a target
    "2020년 민원 처리 만족도 86.3% 이상",  # a bound
    "2020년 민원 처리 만족도 1.0% 상승",  # a change
])
def test_only_a_plain_value_of_the_same_year_and_unit_is_compared(line):
    found = mine(load(plan(line)))
    if line.startswith("2021"):
        assert [(f.actual, f.expected) for f in found] == [(86.3, 88.1)]
    else:
        assert found == []


def test_two_tables_with_two_values_are_ambiguous():
    second = "\n- 분기별 민원 처리 만족도\n\n연도\t2020\t2021\n민원 처리 만족도\t84.0%\t88.1%\n"
    doc = load(plan("2020년 민원 처리 만족도 86.3%", second=second))
    assert mine(doc) == []


@pytest.mark.real
def test_nothing_is_compared_on_the_real_documents(real_docs):
    """Checked by hand: the real documents' running text names years with counts (``2020년
    전시민대상 긴급재난지원금 431,920명``, ``2021년 예산학교 운영실적 9회``), none of a table's
    label and year in its unit — no pair, no finding."""
    for p in sorted(real_docs.glob("*.txt")):
        doc = pipeline.load_path(p)
        assert list(compared_text_facts(doc)) == [], p.name
        assert mine(doc) == [], p.name
