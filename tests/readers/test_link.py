"""link: the printings of one entity become one record with appearances (hand-made records)."""

from __future__ import annotations

from sijeong.model import Figure, Indicator, PolicyGoal, Program, Source
from sijeong.readers.context import ReadContext
from sijeong.readers.link import link

DOC = "made.txt"
DEPT = "햇살정책담당관"


def ctx_with(*records) -> ReadContext:
    ctx = ReadContext(doc=DOC, municipality="테스트시", year=2020, text="\n" * 200)
    ctx.records.extend(records)
    return ctx


def fig(value, line: int, raw: str | None = None) -> Figure:
    return Figure(value, raw or str(value), Source(DOC, line))


def rec(kind, line: int, name: str, section: str, dept: str = DEPT, year: int | None = 2020, figures=None, **kw):
    r = kind(source=Source(DOC, line), municipality="테스트시", year=year, department=dept, name=name,
             section=section, **kw)
    for k, v in (figures or {}).items():
        r.set(k, fig(v, line))
    return r


def indicator(line, name, year, pg, section="성과지표 달성현황", **kw):
    return rec(Indicator, line, name, section, year=year, policy_goal=pg, **kw)


PG_A = "햇살 정책 역량 강화"
PG_A_TYPO = "햇살 정책 역량 갱화"
PG_B = "햇살 재정 건전화"


def goals():
    primary_a = rec(PolicyGoal, 10, PG_A_TYPO, "부서 성과", figures={"budget": 210_000_000, "settled": 200_000_000})
    primary_b = rec(PolicyGoal, 12, PG_B, "부서 성과", figures={"budget": 75_000_000, "settled": 70_000_000})
    status_a = rec(PolicyGoal, 100, PG_A, "정책사업목표 현황",
                   figures={"indicator_count": 2, "achieved_indicator_count": 2, "unit_program_count": 1,
                            "settled": 200_000_000}, strategic_goal="살기 좋은 햇살도시 만들기")
    status_b = rec(PolicyGoal, 101, PG_B, "정책사업목표 현황",
                   figures={"indicator_count": 1, "achieved_indicator_count": 0, "unit_program_count": 2,
                            "settled": 70_000_000})
    table_a = rec(PolicyGoal, 50, PG_A, "성과목표 및 재원비중")
    return primary_a, primary_b, status_a, status_b, table_a


def test_policy_goals_merge_onto_the_departments_performance_printing():
    primary_a, primary_b, status_a, status_b, table_a = goals()
    ctx = ctx_with(primary_a, primary_b, status_a, status_b, table_a)
    link(ctx)
    assert [r.name for r in ctx.records] == [PG_A_TYPO, PG_B]
    assert (primary_a.indicator_count, primary_a.achieved_indicator_count, primary_a.unit_program_count) == (2, 2, 1)
    assert primary_a.figures["indicator_count"].source.line == 100  # the figure keeps its own line
    assert primary_a.settled == 200_000_000 and primary_a.figures["settled"].source.line == 10
    assert primary_a.strategic_goal == "살기 좋은 햇살도시 만들기"
    assert [(a.section, a.source.line) for a in primary_a.appearances] == [("정책사업목표 현황", 100), ("성과목표 및 재원비중", 50)]
    assert primary_a.appearances[0].value("settled") == 200_000_000
    assert primary_b.unit_program_count == 2
    fuzzy = [f for f in ctx.findings if f.rule == "link.fuzzy"]
    assert len(fuzzy) == 2 and {f.actual for f in fuzzy} == {PG_A} and all(f.severity == "info" for f in fuzzy)
    assert not [f for f in ctx.findings if f.rule == "link.unmatched"]


def test_without_the_departments_performance_the_status_table_is_primary():
    *_, status_a, status_b, table_a = goals()
    ctx = ctx_with(status_a, status_b, table_a)
    link(ctx)
    assert ctx.records == [status_a, status_b]
    assert [a.section for a in status_a.appearances] == ["성과목표 및 재원비중"]


def test_indicators_one_record_per_year_with_the_other_printings_as_appearances():
    y19 = indicator(200, "소송 승소율 제고", 2019, PG_A, figures={"target": 70, "actual": 80, "rate": 114}, unit="%")
    y20 = indicator(200, "소송 승소율 제고", 2020, PG_A, figures={"target": 70, "actual": 90, "rate": 129}, unit="%")
    other = indicator(201, "인구정책 인식개선 교육 만족도", 2020, PG_A, figures={"target": 85, "actual": 86.9, "rate": 102})
    dept_perf = indicator(20, "소송 승소를 제고", 2020, PG_A_TYPO, section="부서 성과",
                          figures={"target": 70, "actual": 90, "rate": 129})
    short = indicator(21, "인구정책 인식개선 교육", 2020, PG_A_TYPO, section="부서 성과",
                      figures={"target": 85, "actual": 86.9, "rate": 102})
    graded = indicator(51, "소송 승소율  제고", 2020, PG_A, section="성과목표 및 재원비중", grade="○")
    primary_a, *_ = goals()
    ctx = ctx_with(primary_a, y19, y20, other, dept_perf, short, graded)
    link(ctx)
    inds = [r for r in ctx.records if isinstance(r, Indicator)]
    assert inds == [y19, y20, other]
    assert [(a.section, a.name, a.source.line) for a in y20.appearances] == [
        ("부서 성과", "소송 승소를 제고", 20), ("성과목표 및 재원비중", "소송 승소율  제고", 51)]
    assert y20.appearances[0].value("actual") == 90 and y20.appearances[0].figures["actual"].source.line == 20
    assert y20.appearances[0].text == {"policy_goal": PG_A_TYPO}  # the printing's own text is kept
    assert y20.grade == "○" and y19.grade is None and y19.appearances == []
    assert [a.name for a in other.appearances] == ["인구정책 인식개선 교육"]
    fuzzy = {(f.expected, f.actual) for f in ctx.findings if f.rule == "link.fuzzy"}
    assert ("소송 승소율 제고", "소송 승소를 제고") in fuzzy
    assert ("인구정책 인식개선 교육 만족도", "인구정책 인식개선 교육") in fuzzy
    assert ("소송 승소율 제고", "소송 승소율  제고") not in fuzzy  # only whitespace differs: exact


def test_a_similar_name_under_another_policy_goal_is_not_matched():
    primary_a, primary_b, *_ = goals()
    a = indicator(200, "평가 지원 실적", 2020, PG_A)
    stray = indicator(22, "평가 지원 실젹", 2020, PG_B, section="부서 성과", figures={"target": 3})
    ctx = ctx_with(primary_a, primary_b, a, stray)
    link(ctx)
    assert stray in ctx.records and a.appearances == []
    unmatched = [f for f in ctx.findings if f.rule == "link.unmatched"]
    assert len(unmatched) == 1 and unmatched[0].severity == "warning" and unmatched[0].lines == [22]


def test_indicators_of_other_departments_or_years_do_not_match():
    a = indicator(200, "언론보도 실적", 2020, PG_A)
    other_dept = indicator(30, "언론보도 실적", 2020, PG_A, section="부서 성과", dept="달빛소통담당관")
    other_year = indicator(31, "언론보도 실적", 2019, PG_A, section="성과목표 및 재원비중", grade="◎")
    ctx = ctx_with(a, other_dept, other_year)
    link(ctx)
    assert a.appearances == [] and a.grade is None
    assert other_dept in ctx.records and other_year in ctx.records
    assert sorted(f.lines[0] for f in ctx.findings if f.rule == "link.unmatched") == [30, 31]


def prog(line, name, section, level, parent=None, **figures):
    return rec(Program, line, name, section, year=2020, level=level, parent=parent, account="general", figures=figures)


def test_programs_merge_by_name_level_and_parent():
    unit = prog(300, "홍보시설물 운영", "사업별조서", "unit", "시정 홍보", budget=144_660_000, spent=127_630_290)
    detail = prog(301, "홍보시설물 운영", "사업별조서", "detail", "홍보시설물 운영", budget=144_660_000, spent=127_630_290)
    other = prog(302, "영상 제작", "사업별조서", "detail", "홍보시설물 운영", budget=1, spent=1)
    rel_unit = prog(700, "홍보시설물 운영", "관련 예산사업 결산현황", "unit",
                    prior_year_spent=79_925_010, budget=144_660_000, spent=127_630_290)
    rel_detail = prog(701, "홍보시설물 운영", "관련 예산사업 결산현황", "detail", "홍보시설물 운영",
                      prior_year_spent=79_925_000, budget=144_660_000, spent=127_630_290)
    rel_missing = prog(702, "없는 사업", "관련 예산사업 결산현황", "detail", "홍보시설물 운영",
                       prior_year_spent=1, budget=1, spent=1)
    ctx = ctx_with(unit, detail, other, rel_unit, rel_detail, rel_missing)
    link(ctx)
    assert ctx.records == [unit, detail, other, rel_missing]
    assert [a.source.line for a in unit.appearances] == [700]
    assert [a.source.line for a in detail.appearances] == [701]
    assert unit.prior_year_spent == 79_925_010 and unit.figures["prior_year_spent"].source.line == 700
    assert detail.prior_year_spent == 79_925_000
    assert other.prior_year_spent is None
    unmatched = [f for f in ctx.findings if f.rule == "link.unmatched"]
    assert [f.subject for f in unmatched] == ["없는 사업"]


def test_link_keeps_records_of_other_kinds_untouched():
    primary_a, *_ = goals()
    ctx = ctx_with(primary_a)
    link(ctx)
    assert ctx.records == [primary_a] and ctx.findings == []
