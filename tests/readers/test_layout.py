"""Family, year and page furniture by content, whatever the layout (issue 17): the
project's own documents laid out unlike Gimpo's (``제1장 세입결산``, a 목차 with dot
leaders, ``- 3 -`` page numbers, running headers)."""

from __future__ import annotations

import pytest

from sijeong.model import Department, PlanTask
from sijeong.pipeline import load_text
from sijeong.readers import read_document, read_errors
from sijeong.readers.context import ReadContext
from sijeong.readers.layout import (
    LOOKED_FOR, PLAN, SETTLEMENT, cover_year, furniture, profile,
)
from sijeong.readers.plan import PlanReader
from sijeong.readers.plan import detect_year as plan_year
from sijeong.readers.settlement import SettlementReader
from sijeong.readers.settlement import detect_year as settlement_year
from sijeong.readers.text import lines_of

SETTLEMENT_DOC = "layout_settlement_chapters.txt"
PLAN_DOC = "layout_plan_toc.txt"


def text_of(fixtures_dir, name):
    return (fixtures_dir / name).read_text(encoding="utf-8")


# --- the year on the cover ------------------------------------------------------------------


@pytest.mark.parametrize("cover, year", [
    ("2022회계연도\n가온시 결산서", 2022),
    ("가온시 2022 회계연도 세입·세출 결산", 2022),
    ("2022년도 세입세출 결산서", 2022),
    ("FY2022 결산 및 성과보고서", 2022),
    ("가온시 FY 2022 Settlement", 2022),
    ("2022년 주요업무계획", 2022),
    ("2022년도 주요 업무 보고", 2022),
    ("- 2022년도 -\n\n주요 시정계획", 2022),
    ("'22 회계연도 결산", 2022),
    ("’22년 주요업무계획", 2022),
])
def test_each_cover_year_form(cover, year):
    text = cover + "\n\n본문\n2019년도 결산 비교\t1\t2\n"
    assert cover_year(text) == year
    assert settlement_year(text) == year and plan_year(text) == year


def test_the_cover_wins_over_years_in_the_body():
    body = "\n".join(["서론"] * 20 + ["2019년도 결산 대비", "'20 결산", "'21년 달성성과"])
    assert settlement_year("2023회계연도 결산\n" + body) == 2023
    # no year on the cover: the body's marks as before
    assert settlement_year("결산서\n" + body) == 2021


def test_past_years_on_a_plan_cover_are_not_its_year():
    # the achievements of the year before, in the table of contents, do not count
    assert cover_year("기획조정실\nII. 2024년도 주요성과\nIII. 비전") is None
    assert plan_year("기획조정실\nII. 2024년도 주요성과\n부서\t주요업무\t2025년 예산") == 2025


def test_the_most_frequent_cover_year_then_the_first():
    assert cover_year("2023년 주요업무계획\n(2022년 주요업무계획 대비)\n2023년 주요업무계획") == 2023
    assert cover_year("2024년 업무계획\n2023년 업무계획") == 2024


# --- page furniture and tables of contents ----------------------------------------------------


@pytest.mark.parametrize("line", [
    "1. 자치행정과 ···· 3", "1. 자치행정과 …… 3", "1. 자치행정과 ..... 3", "1. 자치행정과 ㆍㆍㆍㆍ 3",
    "제2장 세출결산 사업별 내역 ························ 12", "Ⅰ. 일반현황\t·········\t- 1 -",
])
def test_toc_entries_with_dot_leaders(line):
    assert furniture(lines_of(f"본문\n{line}\n본문")) == {2: "toc"}


@pytest.mark.parametrize("line", ["- 3 -", "— 12 —", "- ii -", "3 / 40", "p. 7", "12쪽"])
def test_page_numbers(line):
    assert furniture(lines_of(f"본문\n{line}\n본문")) == {2: "page"}


@pytest.mark.parametrize("line", [
    "- 2022년도 -", "1. 주민자치회 전면 시행", "· 경로당 운영 지원", "- 사업기간 : 2023. 1. ~ 12.",
    "※ 세부 내역은 붙임 참조...", "3", "합계\t1,000\t900", "【일반회계】 【기획담당관】",
])
def test_text_is_not_furniture(line):
    assert furniture(lines_of(f"본문\n{line}\n본문")) == {}


def test_entries_without_leaders_inside_a_toc_block():
    lines = lines_of("목 차\n1. 자치행정과   3\n2. 안전총괄과\t5\n\n1. 주민자치회 시행  3\n")
    assert furniture(lines) == {1: "toc", 2: "toc", 3: "toc"}  # after the block: text


def test_running_headers_next_to_page_numbers():
    pages = "\n".join(f"본문 {i}\n\n가람시 주요업무계획\n- {i} -\n" for i in range(1, 4))
    f = furniture(lines_of("가람시 주요업무계획\n\n" + pages))
    assert sorted(k for k in f.values()) == ["page"] * 3 + ["running"] * 3
    assert 1 not in f  # the title on the cover is not next to a page number: kept
    # printed twice only: not a running header
    two = "\n".join(f"본문 {i}\n가람시 주요업무계획\n- {i} -" for i in range(1, 3))
    assert sorted(furniture(lines_of(two)).values()) == ["page", "page"]


def test_the_readers_see_blank_lines_for_furniture():
    ctx = ReadContext(doc="d.txt", municipality="m", year=None, text="목 차\n1. 가 ···· 3\n본문\n- 3 -")
    assert [ln.text for ln in ctx.lines] == ["", "", "본문", ""]
    assert not ctx.consumed  # blank lines: nothing to consume
    assert [(h.source.line, h.level, h.text) for h in ctx.headings] == [
        (1, 4, "목 차"), (2, 4, "1. 가 ···· 3"), (4, 4, "- 3 -")]


# --- the family by what the tables hold ----------------------------------------------------------


def test_a_settlement_in_chapters_is_a_settlement(fixtures_dir):
    text = text_of(fixtures_dir, SETTLEMENT_DOC)
    p = profile(text)
    assert p.settlement_tables() and not p.account_pages  # no 【일반회계】, no 사업별조서
    assert SettlementReader().detect(text) > 0.7 and PlanReader().detect(text) == 0
    assert settlement_year(text) == 2023
    doc = read_document(SETTLEMENT_DOC, text, municipality="가온시")
    assert doc.family == SETTLEMENT
    # its tables are read by their column labels (readers/settlement_tables.py, issue 17 item 2);
    # until then it was refused with read.empty
    assert read_errors(doc) == []
    kinds = [r.kind for r in doc.records]
    assert kinds.count("revenue") == 6 and kinds.count("program") == 6 and kinds.count("indicator") == 3
    levels = [(r.name, r.level) for r in doc.records if r.kind == "program"]
    assert levels[:3] == [("주민복지과", None), ("어르신 복지 증진", "policy"), ("경로당 운영 지원", "unit")]
    rev = {r.code: r for r in doc.records if r.kind == "revenue"}
    assert rev["216"].received == 62_000_000 and rev[None].department == "주민복지과"  # (단위: 천원)


def test_plan_words_in_a_settlement_do_not_make_it_a_plan(fixtures_dir):
    """The issue's settlement report was stored as a work plan: plan words in its text
    (주요업무, 추진부서, ❖) do not outweigh its revenue and expenditure tables."""
    text = text_of(fixtures_dir, SETTLEMENT_DOC).replace(
        "제3장 성과지표 달성현황", "제3장 주요업무 추진계획 대비 성과\n❖ 추진부서 : 주민복지과")
    assert PlanReader().detect(text) + 0.5 < SettlementReader().detect(text)
    assert read_document("s.txt", text).family == SETTLEMENT


@pytest.mark.parametrize("header, family", [
    ("과목\t예산액\t징수결정액\t수납액\t미수납액", SETTLEMENT),
    ("세목\t예산\t징수액\t수납액\t불납결손액", SETTLEMENT),
    ("사업명\t예산현액\t지출액\t이월액\t집행잔액", SETTLEMENT),
    ("사업명\t예산현액\t지출액\t다음연도 이월액\t불용액", SETTLEMENT),
])
def test_settlement_tables_by_their_columns(header, family):
    text = f"가온시\n\n{header}\n계\t1\t1\t1\t1\n"
    assert read_document("t.txt", text).family == family


def test_an_indicator_table_alone_does_not_outweigh_a_plan():
    text = "2024년 주요업무계획\n\n1. 과제\n❖ 목표\n□ 추진배경\n성과지표\t목표\t실적\t달성률\n가\t1\t1\t100%\n"
    assert PlanReader().detect(text) > SettlementReader().detect(text)
    assert read_document("p.txt", text).family == PLAN
    # alone, the indicator table is a settlement's (a 성과보고서 part)
    assert read_document("i.txt", "성과지표\t목표\t실적\t달성률\n가\t1\t1\t100%\n").family == SETTLEMENT


def test_tables_of_no_family_are_told_so():
    text = "가온시 인구 통계\n\n연도\t인구\t세대\n2022\t100\t40\n2023\t110\t44\n"
    doc = read_document("pop.txt", text)
    [f] = read_errors(doc)
    assert f.rule == "read.family" and f.lines == [1]
    assert f.message.startswith("어떤 문서인지 알 수 없습니다")
    assert "징수결정액" in f.message and "예산현액" in f.message and "unknown document family" in f.message
    assert "징수결정액" in LOOKED_FOR


# --- a plan with a table of contents, page numbers and running headers ---------------------------


def test_the_toc_is_not_taken_for_tasks(fixtures_dir):
    text = text_of(fixtures_dir, PLAN_DOC)
    doc = load_text(PLAN_DOC, text, municipality="가람시")
    assert not read_errors(doc) and doc.family == PLAN and doc.year == 2023
    tasks = [(t.department, t.number, t.title, t.source.line) for t in doc.of(PlanTask)]
    lines = text.split("\n")
    expected = [(dept, no, title, lines.index(f"{no}. {title}", lines.index(dept)) + 1)
                for dept, no, title in [("자치행정과", 1, "주민자치회 전면 시행"),
                                        ("자치행정과", 2, "마을 공동체 활동 지원"),
                                        ("안전총괄과", 1, "재난 안전 통합 훈련")]]
    assert tasks == expected
    assert [d.name for d in doc.of(Department)] == ["자치행정과", "안전총괄과"]
    toc = [h for h in doc.headings if h.level == 4]
    assert any("자치행정과 ····" in h.text for h in toc) and any(h.text == "- 2 -" for h in toc)
    assert sum(h.text == "가람시 주요업무계획" for h in toc) == 3  # the running header
    assert not any(r.figures and any("·" in f.raw for f in r.figures.values()) for r in doc.records)
    assert not [f for f in doc.findings if f.rule.startswith("read.")]
    assert doc.coverage.family_records == 3 and doc.coverage.nowhere == 0


def test_a_plan_read_without_tasks_is_flagged(fixtures_dir):
    """A document of the plan family with no task: stored with a read.family warning, and
    its coverage is not 'typed 100%'."""
    text = "2024년 주요업무계획\n\n기획과\n\n□ 일반현황\n- 직원 12명, 예산 3,000천원\n"
    doc = load_text("p.txt", text)
    assert doc.family == PLAN and not read_errors(doc)
    [w] = [f for f in doc.findings if f.rule == "read.family"]
    assert w.severity == "warning" and w.message.startswith("주요업무계획로 읽었으나 그 종류의 항목(과제)")
    assert doc.coverage.family_records == 0 and doc.coverage.typed_share == 0.0
    assert "no record of the document's family" in doc.coverage.line("p.txt")


def test_the_settlement_read_as_a_plan_is_not_typed(fixtures_dir):
    """The issue's case forced: the plan reader on the settlement makes budget items and
    statistics of its tables, but no task — the coverage does not call it read."""
    from sijeong.coverage import compute

    text = text_of(fixtures_dir, SETTLEMENT_DOC)
    doc = PlanReader().read("s.txt", text, municipality="가온시")
    cov = compute(doc, text)
    assert cov.typed + cov.typed_text + cov.structure == cov.total  # all in headings / other records
    assert cov.family_records == 0 and cov.typed_share == 0.0


def test_furniture_headings_keep_their_line_and_text(fixtures_dir):
    text = text_of(fixtures_dir, PLAN_DOC)
    doc = load_text(PLAN_DOC, text)
    lines = text.split("\n")
    skipped = [h for h in doc.headings if h.level == 4]
    assert len(skipped) == 12  # 목차 + 3 entries, 5 page numbers (- i - too), 3 running headers
    for h in skipped:
        assert h.text == " ".join(lines[h.source.line - 1].split())


# --- furniture changes nothing else ---------------------------------------------------------------


def reading(doc, furniture_lines=frozenset()) -> list:
    recs = [(type(r).__name__, repr(r.data()), sorted((k, f.raw, f.value, f.source.line) for k, f in r.figures.items()))
            for r in doc.records]
    tables = [(t.source.line, t.name, len(t.rows)) for t in doc.tables]
    findings = sorted((f.rule, tuple(f.lines), f.message) for f in doc.findings)
    headings = [(h.source.line, h.level, h.text) for h in doc.headings if h.source.line not in furniture_lines]
    return [recs, tables, findings, sorted(headings)]


@pytest.mark.parametrize("name", ["consistent_report.txt", "consistent_plan.txt", "performance_report.txt"])
@pytest.mark.parametrize("every", [1, 3])
def test_page_numbers_in_place_of_blank_lines_change_nothing(fixtures_dir, name, every):
    """Page numbers printed where the document had blank lines (page breaks): the same
    records, tables, findings and headings on the same lines."""
    text = text_of(fixtures_dir, name)
    lines = text.split("\n")
    blanks = [i for i, s in enumerate(lines) if not s.strip()][::every]
    for n, i in enumerate(blanks, 1):
        lines[i] = f"- {n} -"
    paged = "\n".join(lines)
    base, doc = read_document(name, text, municipality="가상시"), read_document(name, paged, municipality="가상시")
    paged_lines = {i + 1 for i in blanks}
    assert reading(doc, paged_lines) == reading(base)
    assert [(h.source.line, h.level) for h in doc.headings if h.source.line in paged_lines] == [
        (n, 4) for n in sorted(paged_lines)]
    assert len(blanks) > 10


def test_a_budget_departments_plan_quoting_settlement_tables_is_a_plan():
    """A 예산과 plan may print last year's 세입결산 and 세출 tables inside its tasks; its
    tasks outnumber them."""
    task = "{n}. 재정 과제 {n}\n❖ 건전 재정 운용\n□ 추진배경\n- 내용\n□ 추진계획\n- 2024. 3. : 점검\n"
    tables = ("□ 2023년 세입결산 현황\n과목\t예산액\t징수결정액\t수납액\t미수납액\n계\t10\t10\t9\t1\n\n"
              "사업\t예산현액\t지출액\t이월액\t집행잔액\n계\t10\t8\t1\t1\n")
    text = "2024년 주요업무계획\n\n예산과\n\n" + task.format(n=1) + tables + "\n" + task.format(n=2)
    assert PlanReader().detect(text) > SettlementReader().detect(text)
    assert read_document("p.txt", text).family == PLAN
    # the same tables printed by a settlement (no plan marks) keep it a settlement
    assert read_document("s.txt", "2023회계연도 결산\n\n" + tables).family == SETTLEMENT
