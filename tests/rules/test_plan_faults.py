"""Single-cell faults of a work plan that only a comparison across places of the plan shows
(issue 14 items 2-3), on a made-up plan in a layout the rules were not written for: a
department heading in 【】, ○ tables under unit notes in several brackets, a total first or last.

- ``cross.plan_item``: the same project in two tables of one plan (renamed by spacing and a
  word: ``하천 생태공원 조성`` / ``하천생태공원 조성(계속)``) with another 사업비 — warning, both lines.
- ``table.total`` over cells that carry their counting unit (``1,530그루``) or two quantities
  (``1,530그루 42개소``): each unit its own column.
- ``text.table_fact`` on running text outside tasks (``- 2025년 처리 1,270건(…)``) against a
  table whose cells print no unit, the note naming it (``<단위 : 건, %>``).
- ``split.sources``: a total that is its one nonzero part, both in 백만원, rounds the same way.

The three real documents hold no such pair (checked by hand below); the examples are made up."""

from __future__ import annotations

import pytest

from sijeong import pipeline
from sijeong.readers.plan_tables import counted
from sijeong.rules import RULES, run_rules
from sijeong.rules.cross import plan_item_pairs, same_project
from sijeong.rules.text_facts import compared_text_facts

PLAN = """
2026년 주요업무계획

가온시

【녹지정책과】

□ 일반현황

○ 주요사업 예산현황
(단위: 백만원)
사업명\t총사업비\t국비\t도비\t시비\t비고
하천 생태공원 조성\t1,200\t400\t200\t600\t계속
가로수 정비사업\t300\t-\t-\t300\t신규
계\t1,500\t400\t200\t900\t

○ 역점사업 추진현황
(단위: 백만원)
사업명\t사업기간\t사업비\t추진상황
하천생태공원 조성(계속)\t2025.~2026.\t1,200\t공사 중

○ 녹지 현황
(단위: 그루, 개소)
구분\t가로수 및 쉼터
계\t1,530그루 42개소
북구\t830그루 20개소
남구\t700그루 22개소

○ 민원 처리 현황
<단위 : 건, %>
구분\t접수\t처리\t처리율
2024년\t1,200\t1,150\t95.8%
2025년\t1,300\t1,270\t97.7%
- 2025년 처리 1,270건(처리율 97.7%)으로 개선

□ 주요업무 추진계획

1. 도시숲 확충

□ 사업개요
 - 사업비 : 600백만원
 - 주요내용 : 도시숲 조성

담당 : 녹지팀장 김하늘 ☎ 1234
"""


def load(text: str = PLAN):
    doc = pipeline.load_text("plan.txt", text, municipality="가온시")
    assert doc.family == "work_plan" and not [f for f in doc.findings if f.severity == "error"]
    return doc


def changed(old: str, new: str):
    assert PLAN.count(old) == 1, old
    return load(PLAN.replace(old, new))


def line_of(doc, needle: str) -> int:
    return next(i for i, t in enumerate(doc.text.split("\n"), 1) if needle in t)


def found(doc, rule: str | None = None) -> list:
    return [f for f in run_rules([doc]) if f.severity in ("error", "warning") and (rule is None or f.rule == rule)]


def test_the_consistent_plan_has_no_finding():
    assert found(load()) == []


def test_registered_with_korean_names():
    assert RULES["cross.plan_item"].name == "계획 안의 같은 사업"
    assert "두 표" in RULES["cross.plan_item"].explanation


# --- the same project in two tables -------------------------------------------------------


def test_the_same_project_in_two_tables_is_compared():
    doc = load()
    pairs = [(a.name, fa.value, b.name, fb.value) for a, fa, b, fb in plan_item_pairs(doc)]
    assert pairs == [("하천 생태공원 조성", 1_200_000_000, "하천생태공원 조성(계속)", 1_200_000_000)]


def test_another_amount_in_the_second_table_is_a_warning_with_both_lines():
    doc = changed("하천생태공원 조성(계속)\t2025.~2026.\t1,200", "하천생태공원 조성(계속)\t2025.~2026.\t1,300")
    (f,) = found(doc)
    assert (f.rule, f.severity) == ("cross.plan_item", "warning")
    assert f.lines == [line_of(doc, "하천 생태공원 조성\t"), line_of(doc, "하천생태공원 조성(계속)")]
    # both amounts as printed, with the unit of their note
    assert "1,200백만원" in f.message and "1,300백만원" in f.message and "같은 사업" in f.message


def test_one_unit_apart_in_the_same_unit_is_no_rounding():
    # both printed in 백만원: one amount rounds to one printed number
    doc = changed("하천생태공원 조성(계속)\t2025.~2026.\t1,200", "하천생태공원 조성(계속)\t2025.~2026.\t1,201")
    assert [(f.rule, f.severity) for f in found(doc)] == [("cross.plan_item", "warning")]


@pytest.mark.parametrize("a,b,same", [
    ("하천 생태공원 조성", "하천생태공원 조성(계속)", True),
    ("하천 생태공원 조성", "하천생태공원조성 추진", True),
    ("하천 생태공원 조성", "(신규) 하천 생태공원 조성", True),
    # two villages' projects: as similar by ratio, and two projects
    ("갈산2리 마을안길 정비 사업", "태2리 마을안길 정비 사업", False),
    ("하천관리 정비사업", "하천관리 조성사업", False),
    ("공원", "공원 조성사업", False),  # too short a name to be sure
])
def test_same_project_names(a, b, same):
    assert same_project(a, b) is same


def test_rows_of_one_table_and_of_other_departments_are_not_pairs():
    # the renamed row moved into the first table: rows of one table are different projects
    text = PLAN.replace("가로수 정비사업\t300", "하천생태공원 조성(계속)\t300")
    assert plan_item_pairs(load(text.replace("하천생태공원 조성(계속)\t2025.~2026.\t1,200",
                                              "도시숲 조성\t2025.~2026.\t1,200"))) == []


# --- totals over cells with a counting unit -------------------------------------------------


def test_counted_cells():
    assert counted("1,530그루") == [(1530, "그루")]
    assert counted("472개소 498대") == [(472, "개소"), (498, "대")]
    assert counted("1,216대 2,089대") == [(1216, "대"), (2089, "대")]
    for text in ("50만", "3배", "30이상", "1,200천원", "약 30그루", "30그루 내외"):
        assert counted(text) is None, text


def test_cells_with_units_are_read_one_value_per_unit():
    doc = load()
    rows = {r.name: r for r in doc.records if type(r).__name__ == "Statistic" and r.section == "녹지 현황"}
    assert rows["계"].values == {"가로수 및 쉼터 그루": 1530, "가로수 및 쉼터 개소": 42}
    assert rows["북구"].figures["col:가로수 및 쉼터 그루"].unit == "그루"


@pytest.mark.parametrize("old,new,unit,total,parts", [
    ("계\t1,530그루 42개소", "계\t1,540그루 42개소", "그루", "1,540그루", "1,530그루"),
    ("계\t1,530그루 42개소", "계\t1,530그루 41개소", "개소", "41개소", "42개소"),
])
def test_a_total_over_cells_with_units_is_checked_per_unit(old, new, unit, total, parts):
    doc = changed(old, new)
    (f,) = found(doc)
    assert (f.rule, f.severity) == ("table.total", "error")
    assert f.lines == [line_of(doc, new), line_of(doc, "북구"), line_of(doc, "남구")]
    assert f"계 {total} ≠ 2개 행의 합 {parts}" in f.message and f"가로수 및 쉼터 {unit}" in f.message


def test_cells_counting_different_things_are_not_added():
    # a column whose rows count in two units (그루 here, 개소 there) has no total to check
    doc = load(PLAN.replace("계\t1,530그루 42개소", "계\t1,572그루").replace("북구\t830그루 20개소", "북구\t830그루")
               .replace("남구\t700그루 22개소", "남구\t742개소"))
    assert found(doc, "table.total") == []


# --- running text vs a table whose cells print no unit ------------------------------------


def test_running_text_outside_tasks_is_compared_with_the_table():
    doc = load()
    pairs = [(item.source.line, value, unit, fig.source.line, fig.value)
             for _, item, _, value, unit, _, _, fig, _ in compared_text_facts(doc)]
    assert pairs == [(line_of(doc, "- 2025년 처리"), 1270, "건", line_of(doc, "2025년\t"), 1270)]


def test_running_text_restating_another_number_is_an_error_with_both_lines():
    doc = changed("- 2025년 처리 1,270건", "- 2025년 처리 1,720건")
    (f,) = found(doc)
    assert (f.rule, f.severity) == ("text.table_fact", "error")
    assert f.lines == [line_of(doc, "2025년\t"), line_of(doc, "- 2025년 처리")]
    assert "'2025년 처리 1,720건'" in f.message and "1,270건" in f.message


def test_a_note_naming_two_count_units_gives_a_bare_cell_no_unit():
    # 건 and 명 in one note: which column counts what is unknown, nothing is compared
    doc = load(PLAN.replace("<단위 : 건, %>", "<단위 : 건, 명, %>").replace("- 2025년 처리 1,270건", "- 2025년 처리 1,720건"))
    assert list(compared_text_facts(doc)) == []


# --- a total that is its one part -----------------------------------------------------------


def test_a_total_equal_to_its_one_part_is_exact_in_any_unit():
    # 가로수 정비사업 300 = 시비 300 (국비, 도비 -): 301 is no rounding of the same amount
    doc = changed("가로수 정비사업\t300\t-\t-\t300", "가로수 정비사업\t300\t-\t-\t301")
    assert ("split.sources", "error") in {(f.rule, f.severity) for f in found(doc)}
    # two parts printed in 백만원 may each be rounded: one unit apart is rounding (info)
    doc = changed("하천 생태공원 조성\t1,200\t400\t200\t600", "하천 생태공원 조성\t1,200\t400\t200\t601")
    assert [(f.rule, f.severity) for f in run_rules([doc]) if f.rule == "split.sources"] == [("split.sources", "info")]


@pytest.mark.real
def test_nothing_is_compared_on_the_real_documents(real_docs):
    """Checked by hand: the 2022 and 2025 plans print no project in two tables under names
    one word apart (003's 갈산2리 / 태2리 마을안길 정비 사업 are two projects of one table),
    and no running text restating a table's figure in its unit."""
    for name in ("000_1d85f209833ac9df.txt", "003_c85a2f783e9fa893.txt"):
        doc = pipeline.load_path(real_docs / name)
        assert plan_item_pairs(doc) == [] and list(compared_text_facts(doc)) == [], name
