"""Synthetic documents in the real documents' layouts, consistent by construction.

Used for the sample data of the main command (``samples/``), for benchmarks at the scale
of many municipalities and years, and by tests as a second, independent writer of the
layouts. Every identity of the glossary holds in what this writes, unless a test changes it.

    python bench/synth.py samples/ --city 예시시 --year 2023
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

from sijeong.model.korean import josa

GOAL_WORDS = ["시민 참여", "재정 건전성", "디지털 행정", "지역경제", "안전 도시", "청렴 문화", "복지 서비스", "환경 보전"]
PROGRAM_WORDS = ["운영", "지원", "관리", "강화", "구축", "활성화", "추진", "육성"]
FIELDS = ["교육", "홍보", "평가", "조사", "상담", "정보화", "시설", "협력"]
TEAMS = ["기획팀", "운영팀", "지원팀", "관리팀", "협력팀", "정보팀"]


#: invented department names in the usual shapes (과 / 담당관 / 사업소)
DEPARTMENTS = [
    "기획예산과", "시민소통과", "감사법무과", "복지정책과", "도시계획과", "환경정책과", "세정과", "회계과",
    "일자리경제과", "교통정책과", "문화예술과", "체육진흥과", "건축과", "도로과", "하천과", "공원녹지과",
    "청소행정과", "여성가족과", "노인장애인과", "아동청소년과", "보건정책과", "위생과", "농업정책과", "축산과",
    "산림과", "정보통신과", "민원토지과", "자치행정과", "안전총괄과", "재난관리과", "주택과", "도시재생과",
    "평생교육과", "관광과", "기업지원과", "상하수도사업소", "미래전략담당관", "홍보담당관", "감사담당관", "인사과",
]
CITY_SYLLABLES = "가나다라마바사아자차카타파하"


def city_name(i: int) -> str:
    """An invented municipality name, distinct for every i (가가시, 가나시, ...; 군 every third)."""
    a, b = divmod(i, len(CITY_SYLLABLES))
    c, a = divmod(a, len(CITY_SYLLABLES))
    return CITY_SYLLABLES[a] + CITY_SYLLABLES[b] + ("" if c == 0 else str(c)) + ("군" if i % 3 == 2 else "시")


def won(n: int) -> str:
    return ("△" if n < 0 else "") + f"{abs(n):,}"


def minus(n: int) -> str:
    return f"{n:,}"


def pct(x: float) -> str:
    return f"{x:.2f} %"


@dataclass
class Prog:
    name: str
    level: str
    budget: int
    carried_over: int = 0
    reserve_used: int = 0
    spent: int = 0
    carry_forward: int = 0
    subsidy_returned: int = 0
    prior_year_spent: int = 0
    children: list["Prog"] = field(default_factory=list)

    @property
    def current_budget(self) -> int:
        return self.budget + self.carried_over + self.reserve_used

    @property
    def unspent(self) -> int:
        return self.current_budget - self.spent - self.carry_forward - self.subsidy_returned

    def total(self) -> "Prog":
        """A parent's columns are the sums of its children's."""
        if self.children:
            for c in self.children:
                c.total()
            for attr in ("budget", "carried_over", "reserve_used", "spent", "carry_forward", "subsidy_returned", "prior_year_spent"):
                setattr(self, attr, sum(getattr(c, attr) for c in self.children))
        return self

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class Indicator:
    name: str
    unit: str
    formula: str
    targets: tuple[float, float]
    actuals: tuple[float, float]

    @property
    def lower(self) -> bool:
        return self.unit == "위"

    def rate(self, i: int) -> int:
        t, a = self.targets[i], self.actuals[i]
        if not t or not a:
            return 0
        r = (t / a if self.lower else a / t) * 100
        return int(r)  # the documents truncate

    def grade(self, i: int) -> str:
        r = self.rate(i)
        return "◎" if r >= 130 else "○" if r >= 100 else "×"


@dataclass
class Goal:
    name: str
    indicators: list[Indicator]
    programs: list[Prog]  # policy programs


@dataclass
class Dept:
    name: str
    strategic_goal: str
    goals: list[Goal]
    admin: Prog
    finance: Prog
    prior_settled_admin: int
    prior_settled_finance: int
    teams: list[str]
    staff: tuple[int, int, int, int]  # grade4+, grade5, grade6-, current

    def total(self) -> Prog:
        top = Prog(self.name, "total", 0, children=[p for g in self.goals for p in g.programs] + [self.admin, self.finance])
        return top.total()


def _amount(rng: random.Random, lo: int, hi: int) -> int:
    return rng.randrange(lo, hi) * 10_000


def _detail(rng: random.Random, name: str) -> Prog:
    budget = _amount(rng, 100, 50_000)
    p = Prog(name, "detail", budget)
    if rng.random() < 0.2:
        p.carried_over = _amount(rng, 10, 2_000)
    spent_share = rng.uniform(0.6, 1.0)
    p.spent = int(p.current_budget * spent_share) // 10 * 10
    left = p.current_budget - p.spent
    if rng.random() < 0.15 and left > 0:
        p.subsidy_returned = left // 3 // 10 * 10
    p.prior_year_spent = _amount(rng, 0, 40_000)
    return p


def make_department(rng: random.Random, name: str, n_goals: int) -> Dept:
    goals = []
    used: set[str] = set()
    for gi in range(n_goals):
        gname = f"{rng.choice(GOAL_WORDS)} {josa(rng.choice(PROGRAM_WORDS), '을/를')} 통한 {rng.choice(FIELDS)} 혁신"
        while gname in used:
            gname += " 추진"
        used.add(gname)
        inds = []
        for ii in range(rng.randint(1, 3)):
            unit = rng.choice(["%", "건", "회", "위", "명"])
            field_ = rng.choice(FIELDS)
            iname = f"{field_} {rng.choice(PROGRAM_WORDS)} 실적 {gi + 1}-{ii + 1}"
            if unit == "위":
                t = (rng.randint(2, 8), rng.randint(2, 8))
                a = (rng.randint(1, 10), rng.randint(1, 10))
                formula = "달성 순위"
            elif unit == "%":
                t = (rng.randint(50, 95), rng.randint(50, 95))
                a = (round(rng.uniform(30, 100), 1), round(rng.uniform(30, 100), 1))
                formula = "(추진실적/목표치)*100"
            else:
                t = (rng.randint(5, 40), rng.randint(5, 40))
                a = (rng.randint(1, 60), rng.randint(1, 60))
                formula = f"{field_} 실적 건수"
            inds.append(Indicator(iname, unit, formula, t, a))
        progs = []
        for pi in range(rng.randint(1, 2)):
            units = []
            for ui in range(rng.randint(1, 3)):
                details = [_detail(rng, f"{rng.choice(FIELDS)} {rng.choice(PROGRAM_WORDS)} 세부사업 {gi + 1}-{pi + 1}-{ui + 1}-{di + 1}") for di in range(rng.randint(1, 3))]
                units.append(Prog(f"{rng.choice(FIELDS)} {rng.choice(PROGRAM_WORDS)} 단위사업 {gi + 1}-{pi + 1}-{ui + 1}", "unit", 0, children=details))
            progs.append(Prog(f"{rng.choice(FIELDS)} {rng.choice(PROGRAM_WORDS)} 정책사업 {gi + 1}-{pi + 1}", "policy", 0, children=units))
        for p in progs:
            p.total()
        goals.append(Goal(gname, inds, progs))
    basic = _detail(rng, f"기본경비({name})")
    admin = Prog(f"행정운영경비({name})", "policy", 0, children=[Prog(f"기본경비({name})", "unit", 0, children=[basic])]).total()
    ret = _detail(rng, f"반환금 기타({name})")
    finance = Prog(f"재무활동({name})", "policy", 0, children=[Prog(f"보전지출({name})", "unit", 0, children=[ret])]).total()
    g4, g5, g6 = 0, 1, rng.randint(8, 30)
    return Dept(
        name=name,
        strategic_goal=f"{josa(rng.choice(GOAL_WORDS), '으로/로')} 시민이 행복한 {name} 구현",
        goals=goals,
        admin=admin,
        finance=finance,
        prior_settled_admin=_amount(rng, 1_000, 9_000),
        prior_settled_finance=_amount(rng, 0, 3_000),
        teams=rng.sample(TEAMS, 3),
        staff=(g4, g5, g6, g4 + g5 + g6 - rng.randint(0, 2)),
    )


REV_TREE = [
    ("200", "세외수입", [("210", "경상적세외수입", [("216", "이자수입", [("216-01", "공공예금이자수입"), ("216-06", "기타이자수입")])]),
                     ("220", "임시적세외수입", [("224", "기타수입", [("224-06", "그외수입")])])]),
    ("500", "보조금", [("520", "시·도비보조금등", [("521", "시·도비보조금등", [("521-01", "시·도비보조금등")])])]),
]

REV_HEADER = (
    "과목 조직-장-관-항-목\t예산액 ㉑\t전년도 이월액 ㉒\t예산현액 ㉓=㉑+㉒\t징 수 정 액 ㉔\t수납액\t\t\t\t불납결손액\t미수납액\n"
    "\t\t\t\t\t수납총액 ①\t물납액 ②\t환급액 ③\t실제수납액 ④=①+②-③\t\t"
)
PROG_HEADER = (
    "과목 (조직 - 사업)\t예산액 ㉑\t예산성립후 증감㉒\t\t\t예산현액 ㉓=㉑+㉒\t지출액 ㉔\t다음연도 이월액\t\t\t\t보조금 반납금 ㉕\t집행잔액 ㉖=㉓-㉔-㉕-㉗\t\t\t\n"
    "\t\t전년도이월액\t이용\t수입대체경비\t\t\t계 ㉗\t명시이월 ①\t사고이월 ②\t계속비이월 ③\t\t계 ㉘\t보조금 정산잔액④\t예산절감액⑤\t계획변경등 집행사유미발생⑥\n"
    "\t\t예비비사용액\t전용\t변경\t\t\t\t\t\t\t\t\t낙찰차액⑦\t지출잔액⑧\t예비비⑨"
)


def _revenue_rows(rng: random.Random, dept: str) -> list[list[int | str]]:
    rows: list[tuple[str, str, list[int]]] = []

    def leaf() -> list[int]:
        budget = _amount(rng, 1, 5_000)
        assessed = budget + _amount(rng, 0, 500)
        refunds = 0
        received_total = assessed
        received = received_total - refunds
        written_off = 0
        uncollected = assessed - received - written_off
        return [budget, 0, budget, assessed, received_total, 0, refunds, received, written_off, uncollected]

    def node(code, name, kids):
        if isinstance(kids, list) and kids and isinstance(kids[0], tuple) and len(kids[0]) == 2:
            vals = [leaf() for _ in kids]
            total = [sum(v[i] for v in vals) for i in range(10)]
            rows.append((code, name, total))
            rows.extend((c, n, v) for (c, n), v in zip(kids, vals))
            return total
        idx = len(rows)
        rows.append((code, name, []))
        totals = [node(*k) for k in kids]
        total = [sum(t[i] for t in totals) for i in range(10)]
        rows[idx] = (code, name, total)
        return total

    totals = [node(*k) for k in REV_TREE]
    grand = [sum(t[i] for t in totals) for i in range(10)]
    return [[dept, *grand]] + [[f"{c} {n}", *v] for c, n, v in rows]


def settlement_report(city: str, year: int, departments: list[str], seed: int = 1) -> str:
    rng = random.Random(f"{city}-{year}-{seed}")
    yy, py = f"{year % 100:02d}", f"{(year - 1) % 100:02d}"
    depts = [make_department(rng, d, rng.randint(1, 3)) for d in departments]
    out: list[str] = []
    w = out.append
    for d in depts:
        w(f"【일반회계】 【{d.name}】\n\n(단위: 원)\n\n{REV_HEADER}")
        for row in _revenue_rows(rng, d.name):
            w("\t".join([str(row[0])] + [won(v) for v in row[1:]]))
        w("")
    for d in depts:
        top = d.total()
        w(f"【일반회계】 【{d.name}】\n\n- 부서 성과\n")
        w("정책목표\t예산액\t결산액\t성과지표\t측정산식\t성과지표 달성현황\t\t\n\t\t\t\t\t목표\t실적\t달성율")
        for g in d.goals:
            budget = sum(p.budget for p in g.programs)
            spent = sum(p.spent for p in g.programs)
            for i, ind in enumerate(g.indicators):
                lead = [g.name, won(budget), won(spent)] if i == 0 else ["", "", ""]
                w("\t".join(lead + [ind.name, ind.formula, _num(ind.targets[1]), _num(ind.actuals[1]), f"{ind.rate(1)}%"]))
        w("\n- 사업별조서\n")
        w(PROG_HEADER)
        for p in top.walk():
            vals = [p.budget, p.carried_over, 0, 0, p.current_budget, p.spent, p.carry_forward, 0, 0, p.carry_forward,
                    p.subsidy_returned, p.unspent, 0, p.unspent, 0]
            w("\t".join([p.name] + [won(v) for v in vals]))
            w("\t\t" + "\t".join(won(v) for v in [p.reserve_used, 0, 0]) + "\t" * 9 + "\t".join(won(v) for v in [0, 0, 0]))
        w("")
    for d in depts:
        top = d.total()
        inds = [(ind, g) for g in d.goals for ind in g.indicators]
        grades = [ind.grade(1) for ind, _ in inds]
        prior = sum(p.prior_year_spent for p in top.walk() if p.level == "detail")
        w("3. 주요성과 및 정책사업 현황\n\n가. 총괄\n\n(단위:개, 원)\n")
        w("부서명\t성과목표\t\t\t\t\t\t결산액\t\t\n\t전략 목표수\t정책 사업목표\t\t성과달성도\t\t\t결산액\t전년도 결산액\t비교증감\n\t\t개수\t지표수\t초과 달성\t달성\t미달성\t\t\t")
        counts = [1, len(d.goals), len(inds), grades.count("◎"), grades.count("○"), grades.count("×")]
        for label in ("계", d.name):
            w("\t".join([label] + [str(c) for c in counts] + [won(top.spent), won(prior), minus(top.spent - prior)]))
        w("\n나. 성과목표 및 재원비중\n")
        w(f"전략목표명 (부서명)\t정책사업목표명\t성과지표명\t'{yy}년 달성성과\t결산액 (원)\t비중(%)")
        goals_spent = sum(p.spent for g in d.goals for p in g.programs)
        first = True
        for g in d.goals:
            for i, ind in enumerate(g.indicators):
                sg = f"○ {d.strategic_goal} ({d.name})" if first else ""
                tail = [won(goals_spent), "100.00 %"] if first else ["", ""]
                w("\t".join([sg, g.name if i == 0 else "", ind.name, ind.grade(1)] + tail))
                first = False
        w("\n※ ◎ : 초과달성(130% 이상), ○ : 달성(100~130% 미만), × : 미달성(100% 미만)\n")
        w(f"제2장\n\n전략목표별 성과보고\n\n전략목표\t○ {d.strategic_goal}\n[소관부서]\t{d.name}\n")
        w(f"1. 주요성과\n\n- {d.name} 주요 시책 {len(d.goals)}건 추진 완료\n - 시민 만족도 조사 실시 : 2회\n")
        w("< 정책사업목표 현황 >\n\n(단위:개, 원)\n")
        w("정책사업목표\t성과 지표수\t달성 지표수\t단위 사업수\t결산액")
        for g in d.goals:
            achieved = sum(1 for ind in g.indicators if ind.grade(1) != "×")
            n_units = sum(len(p.children) for p in g.programs)
            w("\t".join([g.name, str(len(g.indicators)), str(achieved), str(n_units), won(sum(p.spent for p in g.programs))]))
        g4, g5, g6, cur = d.staff
        w("\n2. 조직 및 인력현황\n\n(단위 : 명)\n")
        w("부서명\t정원\t\t\t\t현원\t계단위 직제명\n\t계\t4급이상\t5급\t6급이하\t\t")
        w("\t".join(["계", str(g4 + g5 + g6), str(g4), str(g5), str(g6), str(cur), ""]))
        w("\t".join([d.name, str(g4 + g5 + g6), str(g4), str(g5), str(g6), str(cur), ", ".join(d.teams)]))
        policy = sum(p.spent for g in d.goals for p in g.programs)
        policy_prior = sum(p.prior_year_spent for g in d.goals for p in g.programs)
        admin, fin = d.admin.spent, d.finance.spent
        admin_prior, fin_prior = d.admin.prior_year_spent, d.finance.prior_year_spent
        total, total_prior = policy + admin + fin, policy_prior + admin_prior + fin_prior
        w("\n3. 결산현황\n\n(단위: 원, %)\n")
        w("구분\t결산액\t구성비\t전년도 결산액\t구성비\t비교증감\t증감률")
        for label, s, ps in (("계", total, total_prior), ("정책사업", policy, policy_prior), ("행정운영경비", admin, admin_prior),
                             ("인력운영비", 0, 0), ("기본경비", admin, admin_prior), ("재무활동", fin, fin_prior)):
            rate = (s - ps) / ps * 100 if ps else 0.0
            w("\t".join([label, won(s), pct(100 * s / total if total else 0), won(ps), pct(100 * ps / total_prior if total_prior else 0),
                         won(s - ps), ("△" if rate < 0 else "") + f"{abs(rate):.2f}%"]))
        w("")
        for g in d.goals:
            w(f"정책사업목표\n\n{g.name}\n\n(1) 주요내용\n\n- {g.name} 추진\n - 관련 사업 {len(g.programs)}건 운영\n")
            w("(2) 성과지표 달성현황\n")
            w(f"성과지표(단위)\t측정산식(방법)\t목표대비 달성률\t'{py}년 달성성과\t'{yy}년 달성성과")
            for ind in g.indicators:
                w("\t".join([f"{ind.name}({ind.unit})", ind.formula, "목표", _num(ind.targets[0]), _num(ind.targets[1])]))
                w("\t".join(["", "", "실적", _num(ind.actuals[0]), _num(ind.actuals[1])]))
                w("\t".join(["", "", "달성률(%)", f"{ind.rate(0)}%", f"{ind.rate(1)}%"]))
            w("\n(3) 성과분석\n")
            for ind in g.indicators:
                w(f"- {ind.name}\n - 목표달성 과정 및 방법\n - {year}. 3. : 추진계획 수립\n")
            for p in g.programs:
                for u in p.children:
                    w(f"단위사업\n\n{u.name}\n\n□ 주요 추진성과\n\n- {u.name} 추진 : {len(u.children)}건\n")
                    w("□ 관련 예산사업 결산현황\n\n(단위: 원)\n")
                    w(f"사업명\t회계구분\t'{py}결산\t'{yy}예산\t'{yy}결산")
                    w("\t".join([u.name, "일반회계", won(u.prior_year_spent), won(u.budget), won(u.spent)]))
                    for c in u.children:
                        w("\t".join([c.name, "", won(c.prior_year_spent), won(c.budget), won(c.spent)]))
                    w("")
    return "\n".join(out) + "\n"


TASK_TOPICS = [("자율주행 셔틀 시범운행", "미래 모빌리티"), ("CCTV 통합관제 고도화", "스마트 안전"), ("공공 와이파이 확대", "디지털 포용"),
               ("주민참여예산 운영", "참여 행정"), ("청렴 시민감사관 운영", "청렴 문화"), ("시정 소식지 발간", "시정 홍보"),
               ("탄소중립 실천 캠페인", "기후 대응"), ("데이터 기반 행정 분석", "데이터 행정")]
PEOPLE = ["김하늘", "이바다", "박가람", "최누리", "정다솜", "강이슬", "조한결", "윤보라", "장미리", "임소망"]


def work_plan(city: str, year: int, departments: list[str], seed: int = 1) -> str:
    """A 주요업무계획 in the layout of the 2022/2025 plans: per department, its vision,
    numbered tasks with ❖ objectives, □ sections, budgets, schedules and the people block."""
    rng = random.Random(f"plan-{city}-{year}-{seed}")
    out: list[str] = []
    w = out.append
    ext = 4000
    for d in departments:
        tasks = rng.sample(TASK_TOPICS, rng.randint(2, 4))
        w(f"- {year}년도 -")
        w("")
        w("주요 시정계획")
        w("")
        w(d)
        w("")
        w(f"{year - 1}년의 주요성과")
        w("")
        w(f"1 {tasks[0][1]} 기반 마련({year - 1}. {rng.randint(1, 12)}월)")
        w("")
        w(f"□ {tasks[0][0]} 준비 완료")
        w("")
        w(f"- 관계기관 협의 {rng.randint(2, 9)}회, 시민 설명회 {rng.randint(1, 5)}회 개최")
        w("")
        w(f"{year}년도 비전 및 추진목표")
        w("")
        w("정책비전 [전략목표]")
        w("")
        w(f"시민과 함께 여는 {d}의 내일")
        w("")
        w("정책목표 [추진방향]")
        w("")
        for _, topic in tasks:
            w(f"- {topic} 기반 강화")
        w("")
        w("핵심과제 [역점·중점 추진사항]")
        w("")
        for title, _ in tasks:
            w(f"- {title}")
        w("")
        w(f"{year}년도 주요업무계획")
        w("")
        for i, (title, topic) in enumerate(tasks, 1):
            budget = rng.randrange(10, 900) * 1_000  # 천원
            nat = budget * 3 // 10
            prov = budget * 2 // 10
            cityv = budget - nat - prov
            head, leader, staff = rng.sample(PEOPLE, 3)
            ext += rng.randint(1, 9)
            w(f"{i}. {title}")
            w("")
            w(f"- ❖ {topic} 기반 조성을 위한 {title}")
            w("")
            w("□ 사업개요")
            w("")
            w(f"- 사업기간 : {year}. 1. ~ 12.")
            w(f"- 사업비 : {budget:,}천원 (국비 {nat:,}, 도비 {prov:,}, 시비 {cityv:,})")
            w(f"- 주요내용 : {title} 추진")
            w(f" - 대상 : 시민 {rng.randint(100, 900)}명")
            w("")
            w("□ 추진계획")
            w("")
            w(f"- {year}. {rng.randint(1, 4)}. 계획 수립")
            w(f"- {year}. {rng.randint(5, 8)}. ~ {rng.randint(9, 12)}. 사업 추진")
            w("")
            w("□ 기대효과")
            w("")
            w(f"- {topic} 분야 시민 만족도 향상")
            w("")
            w(f"추진부서\t{d}장 {head}\t{rng.choice(TEAMS)}장 {leader} (행 {ext})\t담당자 {staff} (행 {ext + 1})")
            w("협조부서\t전 부서\t\t")
            w("")
    return "\n".join(out) + "\n"


def misprint(text: str) -> tuple[str, list[str]]:
    """Three deliberate misprints of the kind real documents have, for the sample data:
    a rate that does not follow from its target and actual, a program's settled amount
    printed differently in two tables, and a revenue row whose 미수납액 breaks its identity.
    Returns the text and a description of each change (with its line)."""
    lines = text.split("\n")
    notes: list[str] = []
    for i, ln in enumerate(lines):
        if ln.startswith("\t\t달성률(%)"):
            cells = ln.split("\t")
            old = int(cells[-1].rstrip("%"))
            cells[-1] = f"{old + 7}%"
            lines[i] = "\t".join(cells)
            notes.append(f"line {i + 1}: 달성률 {old}% printed as {old + 7}%")
            break
    for i, ln in enumerate(lines):
        if ln.startswith("사업명\t회계구분"):
            cells = lines[i + 1].split("\t")
            old = int(cells[-1].replace(",", ""))
            cells[-1] = won(old + 1_000_000)
            lines[i + 1] = "\t".join(cells)
            notes.append(f"line {i + 2}: 결산액 {won(old)} printed as {cells[-1]} (사업별조서 says {won(old)})")
            break
    for i, ln in enumerate(lines):
        if ln.startswith("216-01 "):
            cells = ln.split("\t")
            cells[-1] = won(10_000)
            lines[i] = "\t".join(cells)
            notes.append(f"line {i + 1}: 미수납액 printed as 10,000 (징수결정액 − 실제수납액 − 불납결손액 = 0)")
            break
    return "\n".join(lines), notes


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def departments_arg(value: str) -> list[str]:
    """``--departments``: a count N takes the first N of :data:`DEPARTMENTS` (a department
    named by a bare number would be read as a value, not a name); else comma-separated names."""
    value = value.strip()
    if value.isdigit():
        n = int(value)
        if not 1 <= n <= len(DEPARTMENTS):
            raise SystemExit(f"--departments: 1..{len(DEPARTMENTS)}, not {n}")
        return DEPARTMENTS[:n]
    return [d.strip() for d in value.split(",") if d.strip()]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("outdir")
    ap.add_argument("--city", default="예시시")
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--departments", default="기획예산과,시민소통과,감사법무과",
                    help="comma-separated department names, or a count N (the first N of DEPARTMENTS)")
    ap.add_argument("--misprint", action="store_true", help="add three deliberate misprints (see misprint())")
    args = ap.parse_args(argv)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    depts = departments_arg(args.departments)
    path = out / f"{args.city}_{args.year}_결산_성과보고서.txt"
    report = settlement_report(args.city, args.year, depts)
    if args.misprint:
        report, notes = misprint(report)
        print("\n".join(notes))
    path.write_text(report, encoding="utf-8")
    plan = out / f"{args.city}_{args.year + 1}_주요업무계획.txt"
    plan.write_text(work_plan(args.city, args.year + 1, depts), encoding="utf-8")
    print(path, plan)


if __name__ == "__main__":
    main()
