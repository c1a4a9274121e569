"""The work-plan reader on our own small fixtures, one per layout variant."""

from __future__ import annotations

import pytest

from sijeong.coverage import compute
from sijeong.model import Asset, BudgetItem, Committee, Department, Narrative, PlanTask, StrategicGoal
from sijeong.readers import read_document
from sijeong.readers.plan import PlanReader, detect_year
from sijeong.readers.plan_money import amount_value, budget_statements
from sijeong.model import Source


def read(fixtures_dir, name):
    text = (fixtures_dir / name).read_text(encoding="utf-8")
    return PlanReader().read(name, text, municipality="가상시"), text


def tasks(doc):
    return {(t.department, t.number): t for t in doc.of(PlanTask)}


def test_detect_picks_the_plan_reader(fixtures_dir):
    text = (fixtures_dir / "plan_people_lines.txt").read_text(encoding="utf-8")
    assert PlanReader().detect(text) > 0.5
    doc = read_document("p.txt", text, municipality="가상시")
    assert doc.family == "work_plan"


def test_year_is_the_plans_own():
    assert detect_year("- 2031년도 -\n2029년 성과") == 2031
    assert detect_year("II. 2035년도 주요성과\n부서\t2036년 예산") == 2036
    assert detect_year("아무 연도 없음") is None


@pytest.mark.parametrize(
    "text, won",
    [("314,028천", 314_028_000), ("855백만", 855_000_000), ("1조 1천억", 1_100_000_000_000),
     ("41.37억", 4_137_000_000), ("540만", 5_400_000), ("7", 7)],
)
def test_amounts_in_any_unit(text, won):
    assert amount_value(text)[0] == won


def test_budget_split_in_the_amounts_unit_and_in_percent():
    src = Source("x", 1)
    (st,) = budget_statements("- 소요예산 : 855백만원(국비 48, 시비 807)", src)
    assert st.total.value == 855_000_000
    assert st.split["national"].value == 48_000_000 and st.split["city"].value == 807_000_000
    (st,) = budget_statements("- 사 업 비 : 약7,600천원(국비100%)", src)
    assert st.split["national"].value == 7_600_000
    assert budget_statements("- 예 산 : 비예산", src) == []


def test_people_one_cell_per_line_and_tab_line(fixtures_dir):
    doc, _ = read(fixtures_dir, "plan_people_lines.txt")
    t1, t2 = tasks(doc)[("미래도시담당관", 1)], tasks(doc)[("미래도시담당관", 2)]
    assert (t1.lead_department, t1.head, t1.team_leader, t1.extension) == ("미래도시담당관", "한가람", "서누리", "5101")
    assert [(p.name, p.extension) for p in t1.staff] == [("오세찬", "5102"), ("민하율", "5103")]
    assert [p.title for p in t1.people if p.role == "team_leader"] == ["모빌리티팀장"]
    # 경관팀장 with no name and its extension on the next line; a staff line without 담당자
    assert (t2.team_leader, t2.extension) == (None, "5110")
    assert [(p.name, p.extension) for p in t2.staff] == [("김다온", "5111"), ("이로운", "5112")]
    assert len(t2.people) == 4


def test_task_objectives_sections_budget_schedule_footnote(fixtures_dir):
    doc, _ = read(fixtures_dir, "plan_people_lines.txt")
    t1, t2 = tasks(doc)[("미래도시담당관", 1)], tasks(doc)[("미래도시담당관", 2)]
    assert t1.title == "자율주행 실증도시 조성" and t1.number == 1
    assert t1.objectives == ["자율주행 셔틀과 드론배송(UAM)¹⁾ 실증으로 미래 교통 기반 마련"]
    assert (t1.budget, t1.national, t1.provincial, t1.city) == (1_250_000_000, 500_000_000, 250_000_000, 500_000_000)
    assert t1.figures["budget"].source.line == 41
    assert t1.national + t1.provincial + t1.city == t1.budget
    assert [(m.start, m.end) for m in t1.schedule] == [("2031-02", None), ("2031-03", "2031-06"), ("2031", None)]
    assert t1.schedule[1].text == "셔틀 시범 운행 대학 연계 안전성 평가 병행"
    assert t1.footnotes == ["1) UAM(Urban Air Mobility) : 도심 항공 교통"]
    assert [s.marker for s in t1.sections] == ["❖", "□", "□", "1)"]
    plan = t1.sections[2]
    assert plan.text == "추진계획" and len(plan.children) == 3
    # a ❖ objective wrapped over two lines
    assert t2.objectives == ["강변 경관을 정비하여 시민 휴식공간을 넓히고 산책로를 잇는 친수 공간 조성"]
    assert (t2.budget, t2.national) == (3_600_000, 3_600_000)
    assert [(m.start, m.end) for m in t2.schedule] == [("2030-11-20", None), ("2030-12-01", "2030-12-15")]


def test_achievements_vision_goals(fixtures_dir):
    doc, _ = read(fixtures_dir, "plan_people_lines.txt")
    (ach,) = [n for n in doc.of(Narrative) if n.section == "주요성과"]
    assert ach.name == "해오름 도시 비전 선포(2030. 5월)" and ach.about_kind == "department"
    assert ach.items[0].marker == "□" and ach.items[0].children[0].children[0].text == "권역별 특성 분석 3회"
    goals = doc.of(StrategicGoal)
    assert [g.name for g in goals] == ["바람과 물이 흐르는 미래도시", "미래 교통 수요 대응", "친환경 도시 공간 조성"]
    assert all(g.vision == "바람과 물이 흐르는 미래도시" for g in goals)
    assert [n.section for n in doc.of(Narrative)] == ["주요성과", "정책목표", "핵심과제"]
    (dept,) = doc.of(Department)
    assert (dept.name, dept.head) == ("미래도시담당관", "한가람")


def test_budget_table_one_cell_people_two_leaders(fixtures_dir):
    doc, _ = read(fixtures_dir, "plan_budget_cells.txt")
    t1, t2 = tasks(doc)[("재정담당관", 1)], tasks(doc)[("재정담당관", 2)]
    # two statements of one □ part and the 계 row of the table of another part (its own cost):
    # summed, each kept as a printed figure
    assert t1.figures["budget_1"].value == 1_200_000_000_000
    assert t1.figures["budget_2"].value == 84_000_000
    assert (t1.figures["budget_3"].value, t1.figures["budget_3"].source.line) == (90_000_000, 25)
    assert t1.budget == 1_200_174_000_000
    assert (t1.provincial, t1.city) == (21_000_000 + 40_000_000, 63_000_000 + 50_000_000)
    # the whole block in one cell of a tab line
    assert (t1.head, t1.team_leader, t1.extension) == ("윤보라", "정하늘", "6201")
    assert [(p.name, p.extension) for p in t1.staff] == [("강바다", "6202")]
    assert t2.budget == 4_150_000_000
    leaders = [(p.title, p.name, p.extension) for p in t2.people if p.role == "team_leader"]
    assert leaders == [("예산1팀장", "백설아", "6210"), ("예산2팀장", "남궁 솔", "6220")]
    assert (t2.team_leader, t2.extension) == ("백설아", "6210")
    assert [(p.name, p.extension, p.title) for p in t2.staff] == [("차은별", None, "담당자 (파견)"), ("류시온", "6212", "담당자")]
    assert t2.cooperating_departments == ["전 부서", "시민소통관(예산 설명회 지원, 홍보)"]
    items = doc.of(BudgetItem)
    total = next(b for b in items if b.is_total)
    rows = [b for b in items if not b.is_total]
    assert (total.budget, total.provincial, total.city) == (90_000_000, 40_000_000, 50_000_000)
    assert sum(b.budget for b in rows) == total.budget
    assert all(b.provincial + b.city == b.budget for b in items)
    assert rows[0].details["비고"] == "30년 계속" and rows[0].task == "공모사업 총괄 관리"
    (table,) = doc.tables
    assert table.typed and table.kind == "budget" and table.name == "2031년 사업현황"


def test_bureau_overview(fixtures_dir):
    doc, _ = read(fixtures_dir, "plan_bureau.txt")
    depts = {d.name: d for d in doc.of(Department)}
    assert set(depts) == {"정책조정실", "전략기획과"}
    d = depts["전략기획과"]
    assert d.bureau == "정책조정실" and depts["정책조정실"].bureau is None
    assert d.teams == ["전략팀", "평가팀"]
    assert (d.authorized, d.current) == (12, 10)
    assert d.staffing["6급"] == {"authorized": 5, "current": 4}
    assert d.staffing["정원외"] == {"authorized": 1}
    assert d.figures["budget"].value == 120_500_000
    assert d.duties == ["시정계획 수립", "성과 평가"]
    assert d.head == "문해솔"
    b1, b2 = doc.of(BudgetItem)
    assert (b1.number, b1.name, b1.budget, b1.details["사업기간"]) == (1, "성과 평가 용역", 70_500_000, "'36. 3. ~ 9.")
    (c,) = doc.of(Committee)
    assert (c.name, c.members, c.chair) == ("성과평가위원회", 11, "부시장")
    assets = {a.name: a for a in doc.of(Asset)}
    assert (assets["CCTV"].quantity, assets["CCTV"].unit) == (120, "대")
    assert assets["스마트교차로"].category == "방범 CCTV 설치현황"
    (vision,) = doc.of(StrategicGoal)
    assert vision.vision == "시민과 함께 여는 90만 도시" and vision.department == "정책조정실"
    core = next(n for n in doc.of(Narrative) if n.section == "핵심과제")
    assert core.about_name == "전략기획과" and [i.text for i in core.items] == ["중장기 전략 수립", "365일 성과 관리"]
    (t,) = doc.of(PlanTask)  # the list of tasks under 주요업무 is a table of contents, not a task
    assert (t.budget, t.team_leader, t.extension) == (330_000_000, "조아라", "7301")
    assert t.staff[0].extension == "7302"  # a broken ``행 7302)``
    assert [(m.start, m.end, m.text) for m in t.schedule] == [("2036-01", "2036-03", "입찰공고"), ("2036-04", None, "설치 완료")]


@pytest.mark.parametrize("name", ["plan_people_lines.txt", "plan_budget_cells.txt", "plan_bureau.txt"])
def test_fixture_coverage_complete(fixtures_dir, name):
    doc, text = read(fixtures_dir, name)
    cov = compute(doc, text)
    assert cov.nowhere == 0, cov.nowhere_lines
    assert cov.generic == 0
    assert doc.findings == []


def test_text_fields_are_plain_strings(fixtures_dir):
    doc, _ = read(fixtures_dir, "plan_people_lines.txt")
    for t in doc.of(PlanTask):
        assert isinstance(t.title, str)
        assert all(isinstance(o, str) for o in t.objectives)
        stack = list(t.sections)
        while stack:
            it = stack.pop()
            assert isinstance(it.text, str)
            stack.extend(it.children)


def test_unreadable_staffing_cell_is_a_read_error(fixtures_dir):
    text = (fixtures_dir / "plan_bureau.txt").read_text(encoding="utf-8").replace("5/4\t6/5\t1\n전략", "5/4\t6/5\t1\n전략", 1)
    text = text.replace("합계\t12/10\t1/1", "합계\t12/10\t1/l", 1)
    doc = read_document("bad.txt", text, municipality="가상시")
    (f,) = doc.findings
    assert (f.rule, f.severity) == ("read.syntax", "error")
    assert f.lines == [24] and "1/l" in f.message


@pytest.mark.parametrize("line, budget", [
    ("- 추진목표 : 총사업비 1조 1천억원 투자 및 일자리 5만개 창출", False),
    ("○ 목 표 : 사업비 300억원 확보", False),
    ("- 성과목표: 총사업비 50억원", False),
    ("- 사업비 : 855백만원(국비 48, 시비 807)", True),
    ("- 소요예산 : 314,028천원", True),
])
def test_a_goal_line_gives_no_budget(line, budget):
    from sijeong.readers.plan_parts import TARGET_LINE

    assert bool(TARGET_LINE.match(line)) is not budget


#: a made-up plan (not a Gimpo layout): one task whose cost is stated in every scope — a contract over
#: two years, a target, a multi-year table (the plan year's column), a table with 국도비 | 군비 only
SCOPES_PLAN = """- 2033년도 -

주요 시정계획

물길정비과

2033년도 주요업무계획

1. 물길 살리기

❖ 하천 정비

■ 기본구상 용역

· 용역기간 : 2032. 9. ~ 2033. 8.
· 사업비 : 250,000천원

■ 장기 구상

· 최종목표 : 총사업비 3천억원 투자

■ 연차별 정비

[단위 : 백만원]

구 분\t총사업비\t연차별 투자계획
\t\t'32년까지\t'33년\t'34년이후
총계\t9,000\t2,000\t1,500\t5,500
가 구간\t6,000\t2,000\t1,000\t3,000
나 구간\t3,000\t-\t500\t2,500

■ 수변 쉼터

(단위 : 천원)

사업명\t사업비\t
\t국도비\t군비
합계\t600,000\t200,000
쉼터 A\t400,000\t100,000
쉼터 B\t200,000\t100,000

추진부서\t물길정비과장 나하천\t하천팀장 도물결 (내선 7101)\t담당자 류강물 (내선 7102)
"""


def test_task_budget_scopes_in_a_made_up_layout():
    doc = PlanReader().read("scopes.txt", SCOPES_PLAN, municipality="가상군")
    (t,) = doc.of(PlanTask)
    # this year: the '33년 column of the multi-year table + the sum of the 국도비 | 군비 total row
    assert t.budget == 1_500_000_000 + 800_000_000
    assert [t.figures[f"budget_{i}"].source.line for i in (1, 2)] == [28, 38]
    assert t.city == 200_000_000 and t.figures["national_provincial"].value == 600_000_000
    # a contract over two years and the multi-year table's 총사업비: programme totals, not the budget
    assert t.figures["programme_budget"].value == 250_000_000 + 9_000_000_000
    # a goal line: a target
    assert (t.figures["target_budget"].value, t.figures["target_budget"].source.line) == (300_000_000_000, 20)


def test_a_table_of_projects_other_departments_run_is_not_the_tasks_cost():
    """Made-up rows: a 담당부서 column naming other city departments (…과, …사업소) marks the
    table as what the task coordinates; 읍·면·동, the task's own department or a row without a
    name there keep it the task's own."""
    from sijeong.model import Source
    from sijeong.model.plans import BudgetItem
    from sijeong.readers.plan_parts import run_by_other_departments

    def row(name, runs=None, total=False, key="담당부서"):
        return BudgetItem(source=Source("x.txt", 1), municipality="가온시", year=2024, department="기획조정실",
                          name=name, is_total=total, details={key: runs} if runs else {})

    total = row("합계", total=True)
    assert run_by_other_departments([total, row("도로 확장", "도로과"), row("정수장", "상수도사업소")], "기획조정실")
    assert run_by_other_departments([total, row("도로 확장", "도 로 과", key="사업 부서")], "기획조정실")
    assert not run_by_other_departments([total, row("마을길", "가온면"), row("도로 확장", "도로과")], "기획조정실")
    assert not run_by_other_departments([total, row("도로 확장", "기획조정실")], "기획조정실")
    assert not run_by_other_departments([total, row("도로 확장", "도로과"), row("청사 보수")], "기획조정실")
    assert not run_by_other_departments([total], "기획조정실")
