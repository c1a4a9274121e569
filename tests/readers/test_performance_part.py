"""The performance-report part of the settlement reader (성과보고서), on our fixture
(two invented departments in the document's layouts) and on the real 004."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sijeong.model import (
    Department,
    DepartmentSummary,
    Indicator,
    Narrative,
    PolicyGoal,
    Program,
    SettlementLine,
    Staffing,
    StrategicGoal,
)
from sijeong.readers import link, performance_part
from sijeong.readers.context import ReadContext
from sijeong.readers.text import ReadError

REAL = "004_c3ede251798e8a7a.txt"
D1, D2 = "햇살정책담당관", "달빛소통담당관"


def read(text: str, year: int | None = 2020) -> ReadContext:
    ctx = ReadContext(doc="fx.txt", municipality="테스트시", year=year, text=text)
    performance_part.read(ctx)
    return ctx


@pytest.fixture
def fixture_text(fixtures_dir: Path) -> str:
    return (fixtures_dir / "performance_report.txt").read_text(encoding="utf-8")


@pytest.fixture
def fx(fixture_text: str) -> ReadContext:
    return read(fixture_text)


def of(ctx: ReadContext, kind: type, **kw) -> list:
    return [r for r in ctx.records if isinstance(r, kind) and all(getattr(r, k) == v for k, v in kw.items())]


def one(ctx: ReadContext, kind: type, **kw):
    found = of(ctx, kind, **kw)
    assert len(found) == 1, (kind.__name__, kw, found)
    return found[0]


def line_no(text: str, startswith: str, nth: int = 0) -> int:
    hits = [i for i, t in enumerate(text.split("\n"), 1) if t.startswith(startswith)]
    return hits[nth]


# --- the fixture -----------------------------------------------------------------------


def test_every_line_of_the_fixture_is_understood(fx):
    left = [ln.no for ln in fx.lines if ln.stripped and ln.no not in fx.consumed]
    assert left == []
    assert fx.findings == []


def test_summary_rows_with_a_three_line_header(fx):
    total = one(fx, DepartmentSummary, department=D1, is_total=True)
    row = one(fx, DepartmentSummary, department=D1, name=D1)
    for r in (total, row):
        assert (r.strategic_goal_count, r.policy_goal_count, r.indicator_count) == (1, 2, 3)
        assert (r.exceeded_count, r.achieved_count, r.missed_count) == (1, 1, 1)
        assert (r.settled, r.prior_year_settled, r.change) == (300_000_000, 301_000_000, -1_000_000)
    assert row.figures["change"].raw == "-1,000,000"
    assert one(fx, DepartmentSummary, department=D2, is_total=False).change == 10_000_000


def test_strategic_goals_several_in_one_cell_and_the_ul_printing(fx, fixture_text):
    goals = of(fx, StrategicGoal, department=D1)
    assert [g.name for g in goals] == ["살기 좋은 햇살도시 만들기", "시민이 행복한 정책 발굴"]
    money = [a for a in goals[0].appearances if a.section == "성과목표 및 재원비중"]
    assert len(money) == 2  # the table is printed in two parts, each with the amount
    assert money[0].value("settled") == 270_000_000 and money[0].value("share") == 100.0
    ch2 = [a for a in goals[1].appearances if a.section == "전략목표별 성과보고"]
    assert [a.name for a in ch2] == ["시민이 행복한 정책발굴"]
    assert ch2[0].source.line == line_no(fixture_text, "전략목표\t")
    assert [g.name for g in of(fx, StrategicGoal, department=D2)] == ["달빛 소통 확대"]


def test_goals_table_grades_and_policy_goals(fx):
    graded = of(fx, Indicator, section="성과목표 및 재원비중", department=D1)
    assert [(i.name, i.grade, i.policy_goal, i.year) for i in graded] == [
        ("정책 제안 채택", "◎", "햇살 정책 역량 강화", 2020),
        ("시민 만족도 조사", "○", "햇살 정책 역량 강화", 2020),
        ("평가 순위", "×", "햇살 재정 건전화", 2020),
    ]
    pgs = of(fx, PolicyGoal, section="성과목표 및 재원비중", department=D1)
    assert [p.name for p in pgs] == ["햇살 정책 역량 강화", "햇살 재정 건전화"]


def test_indicators_two_years_each(fx, fixture_text):
    inds = of(fx, Indicator, section="성과지표 달성현황", department=D1)
    assert len(inds) == 6
    got = {(i.name, i.year): (i.target, i.actual, i.rate) for i in inds}
    assert got[("정책 제안 채택", 2019)] == (10, 12, 120)
    assert got[("정책 제안 채택", 2020)] == (12, 18, 150)
    assert got[("시민 만족도", 2019)] == (80, 84, 105)
    assert got[("시민 만족도", 2020)] == (85, 85, 100)
    assert got[("평가 순위", 2020)] == (3, 4, 75)
    first = next(i for i in inds if i.name == "정책 제안 채택" and i.year == 2020)
    assert first.unit == "건" and first.policy_goal == "햇살 정책 역량 강화"
    row = line_no(fixture_text, "정책 제안 채택(건)")
    assert [first.figures[k].source.line for k in ("target", "actual", "rate")] == [row, row + 1, row + 2]
    assert first.figures["rate"].raw == "150%"


def test_latex_formula_over_two_lines(fx):
    ind = one(fx, Indicator, name="시민 만족도", year=2019)
    assert ind.formula == "(만족 응답자)/(전체 응답자) * 100 (설문조사)"
    assert "\\" not in ind.formula and "$" not in ind.formula


def test_direction(fx):
    rank = one(fx, Indicator, name="평가 순위", year=2019)
    assert (rank.unit, rank.direction, rank.direction_basis) == ("위", "lower", "unit:위")
    days = one(fx, Indicator, name="민원 처리 기간 단축", year=2020)
    assert (days.unit, days.direction, days.direction_basis) == ("일", "lower", "formula")
    assert (days.target, days.actual, days.rate) == (5, 4, 125)
    share = one(fx, Indicator, name="시민 만족도", year=2020)
    assert (share.direction, share.direction_basis) == ("higher", "default")


def test_policy_goal_status(fx):
    pg = one(fx, PolicyGoal, section="정책사업목표 현황", name="햇살 재정 건전화")
    assert (pg.indicator_count, pg.achieved_indicator_count, pg.unit_program_count, pg.settled) == (1, 0, 2, 70_000_000)


def test_staffing_and_department(fx):
    total = one(fx, Staffing, department=D1, is_total=True)
    row = one(fx, Staffing, department=D1, is_total=False)
    assert (row.authorized, row.authorized_grade4_up, row.authorized_grade5, row.authorized_grade6_down, row.current) == (
        10, 0, 1, 9, 9)
    assert total.teams == [] and row.teams == ["햇살기획팀", "햇살재정팀"]
    dept = one(fx, Department, name=D1)
    assert (dept.authorized, dept.current, dept.teams) == (10, 9, ["햇살기획팀", "햇살재정팀"])
    assert dept.staffing["6급이하"] == {"authorized": 9}


def test_settlement_lines_split_table_with_spaced_triangle(fx):
    lines = of(fx, SettlementLine, department=D1)
    assert [s.name for s in lines] == ["계", "정책사업", "행정운영경비", "인력운영비", "기본경비", "재무활동"]
    total = lines[0]
    assert (total.settled, total.share, total.prior_year_settled, total.prior_year_share) == (
        300_000_000, 100.0, 301_000_000, 100.0)
    assert (total.change, total.change_rate) == (-1_000_000, -0.33)
    assert total.figures["change"].raw == "△ 1,000,000"
    assert (lines[2].change, lines[2].change_rate) == (9_000_000, 42.86)
    assert len(of(fx, SettlementLine, department=D2)) == 3


def test_narratives(fx, fixture_text):
    dept = one(fx, Narrative, about_kind="department", about_name=D1)
    assert [(i.marker, i.text) for i in dept.items] == [("○", "햇살 정책 제안 18건 채택"), ("○", "도 재정평가 4위 달성")]
    pg = one(fx, Narrative, about_kind="policy_goal", about_name="햇살 정책 역량 강화")
    assert [i.text for i in pg.items] == ["햇살 정책 연구", "햇살 정책 홍보"]
    assert pg.items[0].children[0].text == "시민 제안 공모 및 정책 연구 용역 추진"
    sat = one(fx, Narrative, about_kind="indicator", about_name="시민 만족도")
    wrapped = sat.items[0].children[0].children[0]
    assert (wrapped.marker, wrapped.text) == ("", "(응답자 1,200명)")
    assert wrapped.source.line == line_no(fixture_text, "(응답자 1,200명)")
    # the 정책사업목표 title (with a double space) selects the goal of the next (1) 주요내용
    assert one(fx, Narrative, about_kind="policy_goal", about_name="햇살 재정 건전화").items[0].text == "재정 평가 대응"
    rank = one(fx, Narrative, about_kind="indicator", about_name="평가 순위")
    assert rank.items[0].marker == "○" and rank.items[0].children[0].text == "도 재정평가 4위"
    programs = [n.about_name for n in of(fx, Narrative, about_kind="program", department=D1)]
    assert programs == ["햇살 정책 개발", "햇살 재정 관리", "햇살 평가 지원"]


def test_related_budget_programs(fx):
    progs = of(fx, Program, department=D1)
    assert [(p.name, p.level, p.parent) for p in progs[:3]] == [
        ("햇살 정책 개발", "unit", None), ("정책 연구 용역", "detail", "햇살 정책 개발"), ("정책 홍보", "detail", "햇살 정책 개발")]
    unit = progs[0]
    assert (unit.account, unit.prior_year_spent, unit.budget, unit.spent) == ("general", 150_000_000, 210_000_000, 200_000_000)
    assert all(p.section == "관련 예산사업 결산현황" for p in progs)
    assert len(progs) == 7


def test_departments_of_lines_and_headings(fx, fixture_text):
    assert fx.department_at[line_no(fixture_text, "답 당 관")] == D1
    assert fx.department_at[line_no(fixture_text, "민원 처리 기간 단축(일)")] == D2
    heads = {h.text for h in fx.headings}
    assert {"답 당 관", "--", "제2장", "(단위: 원, %)"} <= heads
    assert any(h.text.startswith("※ ◎") for h in fx.headings)
    typed = [t for t in fx.tables if t.typed]
    assert {t.kind for t in typed} >= {"performance_summary", "goals", "indicators", "staffing", "settlement_lines"}
    split = next(t for t in typed if t.kind == "settlement_lines" and t.department == D1)
    assert len(split.rows) == 6 and len(split.header_lines) == 4


def test_lines_consumed_before_are_left_alone(fixture_text):
    ctx = ReadContext(doc="fx.txt", municipality="테스트시", year=2020, text=fixture_text)
    first = line_no(fixture_text, "답 당 관")
    ctx.consume(first)
    performance_part.read(ctx)
    assert all(h.source.line != first for h in ctx.headings)


def test_years_come_from_the_headers_without_a_document_year(fixture_text):
    ctx = read(fixture_text, year=None)
    assert {i.year for i in of(ctx, Indicator, section="성과지표 달성현황")} == {2019, 2020}


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("155,000,000", "155,0O0,000", "letter inside a number"),
        ("\t12\t18\n", "\t12\t1B\n", "not a number"),
        # an unknown money unit: the amounts cannot be turned into won (read_document sets
        # such a table aside; the part reader on its own refuses it)
        ("(단위: 원, %)", "(단위: 냥, %)", "unknown money unit: '냥'"),
        ("정책 제안 채택\t◎", "정책 제안 채택\tA", "unknown grade"),
        ("햇살 정책 역량 강화\t2\t2\t1\t200,000,000\n햇살 재정 건전화\t1\t0\t2\t70,000,000\n", "", "no rows"),
        ("\t\t달성률(%)\t120%\t150%\n", "", "incomplete indicator rows"),
    ],
)
def test_bad_input_raises(fixture_text, old, new, message):
    assert old in fixture_text
    with pytest.raises(ReadError) as e:
        read(fixture_text.replace(old, new, 1))
    assert message in e.value.message


def test_a_new_counting_unit_is_kept_as_printed_with_one_warning(fixture_text):
    # was a ReadError ("unknown unit") refusing the whole document: the number is known,
    # only what it counts is new
    row = line_no(fixture_text, "정책 제안 채택(건)")
    ctx = read(fixture_text.replace("정책 제안 채택(건)", "정책 제안 채택(뭉치)", 1))
    ind = next(i for i in of(ctx, Indicator, section="성과지표 달성현황") if i.name == "정책 제안 채택")
    assert ind.unit == "뭉치"
    warns = [f for f in ctx.findings if f.rule == "read.unit"]
    assert [(w.severity, w.lines, w.actual) for w in warns] == [("warning", [row], "뭉치")]
    assert warns[0].message.startswith("처음 보는 단위 '뭉치'")


def test_a_parenthesis_that_is_no_unit_stays_in_the_name(fixture_text):
    ctx = read(fixture_text.replace("정책 제안 채택(건)", "정책 제안 채택(2개 분야)", 1))
    names = {i.name for i in of(ctx, Indicator, section="성과지표 달성현황")}
    assert "정책 제안 채택(2개 분야)" in names
    assert not [f for f in ctx.findings if f.rule == "read.unit"]


# --- the real document ---------------------------------------------------------------


@pytest.fixture
def real(real_docs) -> ReadContext:
    path = real_docs / REAL
    if not path.exists():
        pytest.skip(f"{REAL} not found")
    return read(path.read_text(encoding="utf-8"))


def test_real_indicator_counts_per_department(real):
    counts = Counter(i.department for i in of(real, Indicator, section="성과지표 달성현황", year=2020))
    assert counts == {"기획담당관": 9, "주민협치담당관": 4, "감사담당관": 3, "공보담당관": 3}
    assert Counter(i.department for i in of(real, Indicator, section="성과지표 달성현황", year=2019)) == counts


def test_real_every_line_of_the_part_is_understood(real):
    start = min(h.source.line for h in real.headings)
    left = [ln.no for ln in real.lines if ln.no >= start and ln.stripped and ln.no not in real.consumed]
    assert left == [] and real.findings == []


def _ind(ctx, dept, name, year):
    return one(ctx, Indicator, section="성과지표 달성현황", department=dept, name=name, year=year)


def test_real_indicator_values_checked_by_hand(real):
    def tar(dept, name, year):
        i = _ind(real, dept, name, year)
        return (i.target, i.actual, i.rate)

    assert tar("기획담당관", "역점시책 관리 및 지원", 2019) == (70, 93.9, 134)
    assert tar("기획담당관", "역점시책 관리 및 지원", 2020) == (75, 97.5, 130)
    assert tar("기획담당관", "정책자문단의 운영", 2020) == (12, 3, 25)
    assert tar("기획담당관", "시군종합평가 실적 향상", 2019) == (4, 3, 133)
    assert tar("기획담당관", "시군종합평가 실적 향상", 2020) == (3, 5, 60)
    assert tar("기획담당관", "의존재원 확보율", 2020) == (48, 62.13, 129)
    assert tar("주민협치담당관", "만19세이상 주민총회 참여율", 2020) == (0.3, 1.4, 466)
    assert tar("주민협치담당관", "자원봉사 참여인원", 2019) == (37, 31, 84)
    assert tar("감사담당관", "계약심사 절감율", 2019) == (3.4, 4.2, 123)
    assert tar("공보담당관", "시정소식 문자신청자 증가율", 2020) == (75, 244, 325)
    rank = _ind(real, "기획담당관", "시군종합평가 실적 향상", 2020)
    assert (rank.unit, rank.direction, rank.direction_basis) == ("위", "lower", "unit:위")
    grade = _ind(real, "감사담당관", "공직자 청렴도 등급", 2019)
    assert (grade.unit, grade.direction) == ("등급", "lower")
    assert _ind(real, "주민협치담당관", "자원봉사 참여인원", 2020).unit == "천명"
    formula = _ind(real, "기획담당관", "의존재원 확보율", 2020).formula
    assert formula.startswith("{ 의존재원(국도비보조금") and "\\" not in formula
    assert _ind(real, "기획담당관", "인구정책 시책추진", 2020).policy_goal == "인구정책 미래전략 대응 강화"


def test_real_summary_staffing_settlement(real):
    s = one(real, DepartmentSummary, department="주민협치담당관", is_total=False)
    assert (s.strategic_goal_count, s.policy_goal_count, s.indicator_count) == (1, 2, 4)
    assert (s.exceeded_count, s.achieved_count, s.missed_count) == (1, 2, 1)
    assert (s.settled, s.prior_year_settled, s.change) == (2_955_736_470, 3_278_991_690, -323_255_220)
    t = one(real, DepartmentSummary, department="기획담당관", is_total=True)
    assert (t.indicator_count, t.exceeded_count, t.achieved_count, t.missed_count, t.settled) == (9, 1, 3, 5, 18_362_055_610)
    st = one(real, Staffing, department="기획담당관", is_total=False)
    assert (st.authorized, st.authorized_grade4_up, st.authorized_grade5, st.authorized_grade6_down, st.current) == (
        29, 0, 1, 28, 28)
    assert len(st.teams) == 7 and st.teams[0] == "정책기획팀"
    assert one(real, Department, name="공보담당관").current == 11
    gb = one(real, SettlementLine, department="공보담당관", name="계")
    assert (gb.change, gb.change_rate, gb.share) == (-113_330_670, -4.96, 100.0)
    fin = one(real, SettlementLine, department="기획담당관", name="재무활동")
    assert (fin.settled, fin.change_rate) == (5_179_680, 40.52)
    assert one(real, SettlementLine, department="주민협치담당관", name="정책사업").share == 98.31
    pg = one(real, PolicyGoal, section="정책사업목표 현황", department="기획담당관",
             name="시정의 성과창출 및 효율적인 공기업 운영 지원을 통한 지역발전 경쟁력 확보")
    assert (pg.indicator_count, pg.achieved_indicator_count, pg.unit_program_count, pg.settled) == (2, 0, 3, 17_073_117_030)
    prog = one(real, Program, department="기획담당관", name="지방공기업 지원")
    assert (prog.prior_year_spent, prog.budget, prog.spent, prog.level) == (
        16_113_661_070, 17_717_855_000, 16_936_035_190, "detail")


def test_real_grades_agree_with_the_summary_counts(real):
    for s in of(real, DepartmentSummary, is_total=False):
        grades = Counter(i.grade for i in of(real, Indicator, section="성과목표 및 재원비중", department=s.department))
        assert (grades["◎"], grades["○"], grades["×"]) == (s.exceeded_count, s.achieved_count, s.missed_count)


def test_real_grades_land_on_the_indicators_after_link(real):
    link.link(real)
    assert _ind(real, "기획담당관", "역점시책 관리 및 지원", 2020).grade == "◎"
    assert _ind(real, "기획담당관", "정책자문단의 운영", 2020).grade == "×"
    assert _ind(real, "주민협치담당관", "만19세이상 주민총회 참여율", 2020).grade == "◎"
    assert _ind(real, "공보담당관", "시정소식 문자신청자 증가율", 2020).grade == "◎"
    assert _ind(real, "기획담당관", "역점시책 관리 및 지원", 2019).grade is None
    assert of(real, Indicator, section="성과목표 및 재원비중") == []


def test_real_narratives(real):
    about = [n.about_name for n in of(real, Narrative, about_kind="indicator", department="주민협치담당관")]
    assert about == ["마을공동체 공모사업 선정 단체 수", "자원봉사 참여인원", "만19세이상 주민총회 참여율", "사회적기업 육성"]
    unnamed = next(n for n in of(real, Narrative, about_kind="program") if n.source.line == 825)
    assert unnamed.about_name == "통계정보 지원"


def test_real_through_the_reader_when_both_parts_exist(real_docs):
    from sijeong.readers import read_document

    path = real_docs / REAL
    doc = read_document(path.name, path.read_text(encoding="utf-8"))
    assert not [f for f in doc.findings if f.severity == "error"]
    inds = [r for r in doc.records if isinstance(r, Indicator) and r.department == "기획담당관" and r.year == 2020]
    assert len(inds) == 9
    lawsuit = next(i for i in inds if i.name == "소송 승소율 제고")
    assert lawsuit.grade == "○"
    printed = next(a for a in lawsuit.appearances if a.section == "부서 성과")
    assert (printed.name, printed.value("target"), printed.value("actual"), printed.value("rate")) == (
        "소송 승소를 제고", 70, 90, 129)
    assert not [r for r in doc.records if isinstance(r, Indicator) and r.section != "성과지표 달성현황"]
    pg = next(r for r in doc.records if isinstance(r, PolicyGoal) and r.department == "기획담당관"
              and r.name.endswith("지역발전 경쟁력 확보"))
    assert pg.section == "부서 성과" and pg.settled == 17_073_117_030
    assert (pg.indicator_count, pg.achieved_indicator_count, pg.unit_program_count) == (2, 0, 3)
    assert {a.section for a in pg.appearances} == {"정책사업목표 현황", "성과목표 및 재원비중"}
    council = [r for r in doc.records if isinstance(r, Program) and r.name == "의회 의정지원"]
    assert [p.prior_year_spent for p in council] == [17_069_500]
    unmatched = sorted(f.subject for f in doc.findings if f.rule == "link.unmatched")
    assert unmatched == ["김포시 사회적경제 주간 기념 행사", "김포청년회의소 지원", "인권교육 지원사업"]
