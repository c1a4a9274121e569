"""Hand-built documents for the report tests: invented departments and numbers that obey
the documents' arithmetic, plus a few printed totals that deliberately do not (so a test
can see the tables compute rather than copy).

가람정책과 (2020):
  정책사업 소통 행정 = 시민 소통 (시민 토론회 80,000,000 + 소통 플랫폼 120,000,000) + 정책 제안 50,000,000
  정책사업 재정 운영 = 예산 편성 → 예산 편성 지원 90,000,000
  행정운영경비 = 기본경비 20,000,000 + 인력운영비 5,000,000; 재무활동 1,000,000
  결산액 366,000,000; 전년도 255,000,000 (programs) + 24,000,000 + 2,000,000 (결산현황 lines)
  grades ◎ ○ ×; the printed 총괄 claims 2 ◎ (wrong on purpose)
나래감사과 (2020): one goal, one indicator (○), one program 30,000,000 (prior 28,000,000)
"""

from __future__ import annotations

from sijeong.model import (
    DepartmentSummary,
    Document,
    Figure,
    Indicator,
    Person,
    PlanTask,
    PolicyGoal,
    Program,
    Revenue,
    SettlementLine,
    Source,
    StrategicGoal,
)

DOC = "sample_settlement.txt"
M = "가상시"


def _f(value, line: int, doc: str = DOC) -> Figure:
    raw = "-" if value is None else f"{value:,}" if isinstance(value, int) else str(value)
    return Figure(value, raw, Source(doc, line))


def _rec(cls, line: int, dept: str, name: str, year: int = 2020, doc: str = DOC, **nums):
    kw = {k: v for k, v in nums.items() if not isinstance(v, (int, float)) or isinstance(v, bool)}
    rec = cls(source=Source(doc, line), municipality=M, year=year, department=dept, name=name, **kw)
    for k, v in nums.items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            rec.set(k, _f(v, line, doc))
    return rec


def settlement_doc() -> Document:
    A, B = "가람정책과", "나래감사과"
    recs = []
    line = iter(range(10, 1000))
    # 사업별조서 (programs)
    pos = iter(range(1, 100))

    def prog(name, level, parent, *, cb, spent, prior=None, dept=A, budget=None):
        nums = dict(budget=budget if budget is not None else cb, current_budget=cb, spent=spent,
                    unspent=cb - spent, carried_over=0, carry_forward=0, subsidy_returned=0)
        if prior is not None:
            nums["prior_year_spent"] = prior
        return _rec(Program, next(line), dept, name, level=level, parent=parent, position=next(pos), account="general", **nums)

    recs += [
        prog("소통 행정", "policy", None, cb=300_000_000, spent=250_000_000),
        prog("시민 소통", "unit", "소통 행정", cb=250_000_000, spent=200_000_000),
        prog("시민 토론회", "detail", "시민 소통", cb=100_000_000, spent=80_000_000, prior=70_000_000),
        prog("소통 플랫폼", "detail", "시민 소통", cb=150_000_000, spent=120_000_000, prior=60_000_000),
        prog("정책 제안", "unit", "소통 행정", cb=50_000_000, spent=50_000_000, prior=40_000_000),
        prog("재정 운영", "policy", None, cb=100_000_000, spent=90_000_000),
        prog("예산 편성", "unit", "재정 운영", cb=100_000_000, spent=90_000_000),
        prog("예산 편성 지원", "detail", "예산 편성", cb=100_000_000, spent=90_000_000, prior=85_000_000),
        prog("행정운영경비(가람정책과)", "policy", None, cb=30_000_000, spent=25_000_000),
        prog("인력운영비(가람정책과)", "unit", "행정운영경비(가람정책과)", cb=6_000_000, spent=5_000_000),
        prog("인력운영비(가람정책과)", "detail", "인력운영비(가람정책과)", cb=6_000_000, spent=5_000_000),
        prog("기본경비(가람정책과)", "unit", "행정운영경비(가람정책과)", cb=24_000_000, spent=20_000_000),
        prog("기본경비(가람정책과)", "detail", "기본경비(가람정책과)", cb=24_000_000, spent=20_000_000),
        prog("재무활동(가람정책과)", "policy", None, cb=1_000_000, spent=1_000_000),
        prog("보전지출(가람정책과)", "unit", "재무활동(가람정책과)", cb=1_000_000, spent=1_000_000),
        prog("반환금 기타(가람정책과)", "detail", "보전지출(가람정책과)", cb=1_000_000, spent=1_000_000),
        prog("투명 감사", "policy", None, cb=35_000_000, spent=30_000_000, dept=B),
        prog("감사 운영", "unit", "투명 감사", cb=35_000_000, spent=30_000_000, dept=B, prior=28_000_000),
    ]
    # 결산현황 lines: prior-year amounts of the categories without program-level figures
    for name, settled, prior in (("계", 366_000_000, 281_000_000), ("정책사업", 340_000_000, 255_000_000),
                                 ("행정운영경비", 25_000_000, 24_000_000), ("인력운영비", 5_000_000, 4_000_000),
                                 ("기본경비", 20_000_000, 20_000_000), ("재무활동", 1_000_000, 2_000_000)):
        recs.append(_rec(SettlementLine, next(line), A, name, settled=settled, prior_year_settled=prior))
    # performance
    sg = "○ 살기 좋은 도시 만들기"
    recs.append(_rec(StrategicGoal, next(line), A, sg))
    recs.append(_rec(PolicyGoal, next(line), A, "시민 소통 강화", strategic_goal=sg, budget=300_000_000, settled=250_000_000))
    recs.append(_rec(PolicyGoal, next(line), A, "재정 건전성 확보", strategic_goal=sg, budget=100_000_000, settled=90_000_000))
    recs.append(_rec(StrategicGoal, next(line), B, "○ 깨끗한 공직 사회"))
    recs.append(_rec(PolicyGoal, next(line), B, "투명한 감사행정", strategic_goal="○ 깨끗한 공직 사회", budget=35_000_000, settled=30_000_000))

    def ind(dept, goal, name, year, target, actual, rate, grade=None, unit="%", formula="실적/목표*100", direction="higher"):
        r = _rec(Indicator, next(line), dept, name, year=year, policy_goal=goal, unit=unit, formula=formula,
                 direction=direction, grade=grade, target=target, actual=actual, rate=rate)
        return r

    recs += [
        ind(A, "시민 소통 강화", "시민 만족도", 2020, 80, 110, 137, "◎"),
        ind(A, "시민 소통 강화", "정책 제안 건수", 2020, 10, 11, 110, "○", unit="건", formula="제안 건수"),
        ind(A, "재정 건전성 확보", "예산 집행률", 2020, 95, 90.25, 95, "×"),
        ind(A, "시민 소통 강화", "시민 만족도", 2019, 70, 70, 100),
        ind(A, "시민 소통 강화", "정책 제안 건수", 2019, 8, 4, 50, unit="건", formula="제안 건수"),
        ind(B, "투명한 감사행정", "청렴도 등급", 2020, 2, 2, 100, "○", unit="등급", direction="lower"),
    ]
    # the document's own 총괄, with a wrong 초과달성 count (2 instead of 1)
    recs.append(_rec(DepartmentSummary, next(line), A, A, strategic_goal_count=1, policy_goal_count=2, indicator_count=3,
                     exceeded_count=2, achieved_count=1, missed_count=1, settled=366_000_000,
                     prior_year_settled=281_000_000, change=85_000_000))
    # 세입결산; the printed department row is off by 1,000 on purpose
    rpos = iter(range(1, 50))
    for code, name, level, parent, budget, received in (
        (None, A, 0, None, 3_001_000, 5_000_000),
        ("200", "세외수입", 1, None, 3_000_000, 5_000_000),
        ("210", "경상적세외수입", 2, "200", 3_000_000, 5_000_000),
        ("216", "이자수입", 3, "210", 3_000_000, 5_000_000),
        ("216-01", "공공예금이자수입", 4, "216", 1_000_000, 1_500_000),
        ("216-06", "기타이자수입", 4, "216", 2_000_000, 3_500_000),
    ):
        recs.append(_rec(Revenue, next(line), A, name, code=code, level=level, parent_code=parent, position=next(rpos),
                         budget=budget, carried_over=0, current_budget=budget, assessed=received, received_total=received,
                         in_kind=0, refunds=0, received=received, written_off=0, uncollected=0))
    return Document(name=DOC, municipality=M, year=2020, family="settlement_report", records=recs)


def plan_doc() -> Document:
    doc = "sample_plan.txt"
    A = "가람정책과"
    t1 = _rec(PlanTask, 5, A, "시민 참여 플랫폼 구축", year=2022, doc=doc, number=1, title="시민 참여 플랫폼 구축",
              lead_department=A, head="과장 김가람", team_leader="팀장 이나래", extension="2051",
              budget=500_000_000, national=100_000_000, provincial=50_000_000, city=350_000_000,
              cooperating_departments=["정보통신과"])
    t1.staff = [Person(role="staff", name="박다온")]
    t2 = _rec(PlanTask, 40, A, "재정 공시 강화", year=2022, doc=doc, number=2, title="재정 공시 강화",
              lead_department=A, head="과장 김가람", team_leader="팀장 최바다", budget=20_000_000, city=20_000_000)
    return Document(name=doc, municipality=M, year=2022, family="work_plan", records=[t1, t2])


def sample_docs() -> list[Document]:
    return [settlement_doc(), plan_doc()]
