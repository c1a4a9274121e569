"""Builds ``tests/fixtures/consistent_report.txt``: a small settlement + performance report in
the 004 layout, two invented departments, every identity of the glossary obeyed.

The numbers are chosen here and every total is computed, so the text cannot disagree with
itself. ``python tests/rules/consistent_builder.py`` rewrites the fixture;
``test_fixture_is_current`` checks the file still equals what this module builds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "consistent_report.txt"

PROG_KEYS = ("budget", "carried_over", "transfer_use", "revenue_substitute", "reserve_used", "transfer_divert",
             "change", "spent", "carry_explicit", "carry_accident", "carry_continuing", "subsidy_returned",
             "subsidy_balance", "savings", "plan_change", "bid_difference", "spending_balance", "reserve",
             "prior_year_spent")


def n(v: int | float) -> str:
    if isinstance(v, float):
        return f"{v:.2f}"
    return ("△" if v < 0 else "") + f"{abs(v):,}"


@dataclass
class P:
    name: str
    level: str
    v: dict[str, int] = field(default_factory=dict)
    kids: list["P"] = field(default_factory=list)

    def total(self) -> "P":
        if self.kids:
            for k in self.kids:
                k.total()
            self.v = {key: sum(k.v[key] for k in self.kids) for key in PROG_KEYS}
        return self

    @property
    def current(self) -> int:
        v = self.v
        return sum(v[k] for k in ("budget", "carried_over", "transfer_use", "revenue_substitute",
                                   "reserve_used", "transfer_divert", "change"))

    @property
    def carry(self) -> int:
        return self.v["carry_explicit"] + self.v["carry_accident"] + self.v["carry_continuing"]

    @property
    def unspent(self) -> int:
        return self.current - self.v["spent"] - self.carry - self.v["subsidy_returned"]

    def walk(self):
        yield self
        for k in self.kids:
            yield from k.walk()


def detail(name, budget, spent, *, carried=0, use=0, subst=0, reserve_used=0, divert=0, change=0,
           explicit=0, accident=0, continuing=0, returned=0, parts=(0, 0, 0, 0, 0), prior=0) -> P:
    """``parts`` = subsidy_balance, savings, plan_change, bid_difference, reserve; the
    spending balance takes the rest of the unspent amount."""
    v = dict(budget=budget, carried_over=carried, transfer_use=use, revenue_substitute=subst,
             reserve_used=reserve_used, transfer_divert=divert, change=change, spent=spent,
             carry_explicit=explicit, carry_accident=accident, carry_continuing=continuing,
             subsidy_returned=returned, prior_year_spent=prior)
    p = P(name, "detail", v)
    sb, sv, pc, bd, rs = parts
    rest = p.unspent - (sb + sv + pc + bd + rs)
    assert rest >= 0, name
    v.update(subsidy_balance=sb, savings=sv, plan_change=pc, bid_difference=bd, spending_balance=rest, reserve=rs)
    return p


def prog_lines(p: P) -> list[str]:
    v = p.v
    one = [p.name, n(v["budget"]), n(v["carried_over"]), n(v["transfer_use"]), n(v["revenue_substitute"]),
           n(p.current), n(v["spent"]), n(p.carry), n(v["carry_explicit"]), n(v["carry_accident"]),
           n(v["carry_continuing"]), n(v["subsidy_returned"]), n(p.unspent), n(v["subsidy_balance"]),
           n(v["savings"]), n(v["plan_change"])]
    two = ["", "", n(v["reserve_used"]), n(v["transfer_divert"]), n(v["change"])] + [""] * 8 + [
        n(v["bid_difference"]), n(v["spending_balance"]), n(v["reserve"])]
    return ["\t".join(one), "\t".join(two)]


PROG_HEADER = [
    "과목 (조 직 - 사 업)\t예산액 ㉑\t예산성립후 증감㉒\t\t\t예산현액 ㉓=㉑+㉒\t지출액 ㉔\t다음연도 이월액\t\t\t\t보조금 반납금 ㉕\t집행잔액 ㉖=㉓-㉔-㉕-㉗\t\t\t",
    "\t\t전년도이월액\t이용\t수입대체경비\t\t\t계 ㉗\t명시이월 ㉘\t사고이월 ㉙\t계속비이월 ㉚\t\t계 ㉛\t보조금 정산잔액㉜\t예산절감액㉝\t계획변경등 집행사유미발생㉞",
    "\t\t예비비사용액\t전용\t변경\t\t\t\t\t\t\t\t\t낙찰차액㉟\t지출잔액㊱\t예비비㊲",
]

REV_HEADER = [
    "과목 조직-장-관-항-목\t예산액 ㉑\t전년도 이월액 ㉒\t예산현액 ㉓=㉑+㉒\t징 수 정 액 ㉔\t수납액\t\t\t\t불납결손액\t미수납액",
    "\t\t\t\t\t수납총액 ①\t물납액 ②\t환급액 ③\t실제수납액 ④=①+②-③\t\t",
]
REV_KEYS = ("budget", "carried_over", "assessed", "received_total", "in_kind", "refunds", "written_off")


@dataclass
class R:
    code: str
    name: str
    v: dict[str, int] = field(default_factory=dict)
    kids: list["R"] = field(default_factory=list)

    def total(self) -> "R":
        if self.kids:
            for k in self.kids:
                k.total()
            self.v = {key: sum(k.v[key] for k in self.kids) for key in REV_KEYS}
        return self

    def line(self) -> str:
        v = self.v
        cur = v["budget"] + v["carried_over"]
        rec = v["received_total"] + v["in_kind"] - v["refunds"]
        unc = v["assessed"] - rec - v["written_off"]
        assert unc >= 0, self.name
        label = f"{self.code} {self.name}".strip()
        cells = [label, n(v["budget"]), n(v["carried_over"]), n(cur), n(v["assessed"]), n(v["received_total"]),
                 n(v["in_kind"]), n(v["refunds"]), n(rec), n(v["written_off"]), n(unc)]
        return "\t".join(cells)

    def walk(self):
        yield self
        for k in self.kids:
            yield from k.walk()


def leaf(code, name, budget, assessed, received_total, *, carried=0, in_kind=0, refunds=0, written_off=0) -> R:
    return R(code, name, dict(budget=budget, carried_over=carried, assessed=assessed, received_total=received_total,
                              in_kind=in_kind, refunds=refunds, written_off=written_off))


@dataclass
class Ind:
    goal: str
    name: str
    unit: str
    formula: str
    years: tuple[tuple[float, float], tuple[float, float]]  # ('19 target, actual), ('20 target, actual)
    lower: bool = False

    def rate(self, i: int) -> int:
        t, a = self.years[i]
        r = (t / a if self.lower else a / t) * 100
        return math.floor(r + 1e-9)

    def grade(self) -> str:
        r = self.rate(1)
        return "◎" if r >= 130 else ("○" if r >= 100 else "×")


def fnum(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass
class Dept:
    name: str
    strategic: str
    revenue: R
    programs: P  # the department row
    indicators: list[Ind]
    staff: tuple[int, int, int, int]  # 4급이상, 5급, 6급이하, 현원
    teams: str
    prior: dict[str, int]  # prior-year settled of 정책사업, 인력운영비, 기본경비, 재무활동


def _pct(part: int, whole: int) -> str:
    return f"{math.floor(part / whole * 10000 + 0.5) / 100:.2f} %" if whole else "0.00 %"


def _rate(change: int, prior: int) -> str:
    if not prior:
        return "0.00%"
    r = math.floor(abs(change) / prior * 10000 + 0.5) / 100
    return ("△" if change < 0 else "") + f"{r:.2f}%"


def settlement_part(d: Dept) -> list[str]:
    out = [f"【일반회계】 【{d.name}】", "", "(단위: 원)", ""] + REV_HEADER
    out += [r.line() for r in d.revenue.total().walk()]
    out += ["", f"【일반회계】 【{d.name}】", "", "- 부서 성과", ""]
    out += ["정책목표\t예산액\t결산액\t성과지표\t측정산식\t성과지표 달성현황\t\t",
            "\t\t\t\t\t목표\t실적\t달성율"]
    d.programs.total()
    policies = [p for p in d.programs.kids if p.level == "policy" and not p.name.startswith(("행정운영경비", "재무활동"))]
    for p in policies:
        inds = [i for i in d.indicators if i.goal == p.name]
        for k, i in enumerate(inds):
            t, a = i.years[1]
            head = [p.name, n(p.current), n(p.v["spent"])] if k == 0 else ["", "", ""]
            out.append("\t".join(head + [i.name, i.formula, fnum(t), fnum(a), f"{i.rate(1)}%"]))
    out += ["", "- 사업별조서", ""] + PROG_HEADER
    for p in d.programs.walk():
        out += prog_lines(p)
    return out + [""]


def performance_part(d: Dept) -> list[str]:
    p = d.programs
    policies = [q for q in p.kids if not q.name.startswith(("행정운영경비", "재무활동"))]
    admin = next(q for q in p.kids if q.name.startswith("행정운영경비"))
    fin = next(q for q in p.kids if q.name.startswith("재무활동"))
    pol_spent = sum(q.v["spent"] for q in policies)
    basic = admin.v["spent"]
    total = p.v["spent"]
    prior_total = sum(d.prior.values())
    grades = [i.grade() for i in d.indicators]
    counts = [1, len(policies), len(d.indicators), grades.count("◎"), grades.count("○"), grades.count("×")]
    summary = "\t".join(str(c) for c in counts) + f"\t{n(total)}\t{n(prior_total)}\t{n(total - prior_total)}"
    out = [d.name, "", "", "", "3. 주요성과 및 정책사업 현황", "", "가. 총괄", "", "(단위:개, 원)", "",
           "부서명\t성과목표\t\t\t\t\t\t결산액\t\t",
           "\t전략 목표수\t정책 사업목표\t\t성과달성도\t\t\t결산액\t전년도 결산액\t비교증감",
           "\t\t개수\t지표수\t초과 달성\t달성\t미달성\t\t\t",
           f"계\t{summary}", f"{d.name}\t{summary}", "", "나. 성과목표 및 재원비중", "",
           "전략목표명 (부서명)\t정책사업목표명\t성과지표명\t'20년 달성성과\t결산액 (원)\t비중(%)"]
    first = True
    for q in policies:
        for k, i in enumerate(x for x in d.indicators if x.goal == q.name):
            cells = [f"○ {d.strategic} ({d.name})" if first else "", q.name if k == 0 else "", i.name, i.grade()]
            cells += [n(pol_spent), "100.00 %"] if first else ["", ""]
            out.append("\t".join(cells))
            first = False
    out += ["", "※ ◎ : 초과달성(130% 이상), ○ : 달성(100~130% 미만), × : 미달성(100% 미만)", "", "제2장", "",
            "전략목표별 성과보고", "", f"전략목표\t○ {d.strategic}", f"[소관부서]\t{d.name}", "", "1. 주요성과", "",
            "- 핵심 과제 추진", "", "< 정책사업목표 현황 >", "", "(단위:개, 원)", "",
            "정책사업목표\t성과 지표수\t달성 지표수\t단위 사업수\t결산액"]
    for q in policies:
        inds = [i for i in d.indicators if i.goal == q.name]
        ach = sum(1 for i in inds if i.grade() != "×")
        out.append(f"{q.name}\t{len(inds)}\t{ach}\t{len(q.kids)}\t{n(q.v['spent'])}")
    g4, g5, g6, cur = d.staff
    auth = g4 + g5 + g6
    out += ["", "2. 조직 및 인력현황", "", "(단위 : 명)", "", "부서명\t정원\t\t\t\t현원\t계단위 직제명",
            "\t계\t4급이상\t5급\t6급이하\t\t", f"계\t{auth}\t{g4}\t{g5}\t{g6}\t{cur}\t",
            f"{d.name}\t{auth}\t{g4}\t{g5}\t{g6}\t{cur}\t{d.teams}", "", "3. 결산현황", "", "(단위: 원, %)", "",
            "구분\t결산액\t구성비\t전년도 결산액\t구성비\t비교증감\t증감률", "\t\t\t\t\t\t증감률"]
    pr = d.prior
    rows = [("계", total, prior_total), ("정책사업", pol_spent, pr["policy"]),
            ("행정운영경비", basic, pr["personnel"] + pr["basic"]), ("인력운영비", 0, pr["personnel"]),
            ("기본경비", basic, pr["basic"]), ("재무활동", fin.v["spent"], pr["financial"])]
    for label, s, ps in rows:
        out.append(f"{label}\t{n(s)}\t{_pct(s, total)}\t{n(ps)}\t{_pct(ps, prior_total)}\t{n(s - ps)}\t{_rate(s - ps, ps)}")
    for q in policies:
        out += ["", "(1) 주요내용", "", f"- {q.name} 추진", "", "(2) 성과지표 달성현황", "",
                "성과지표(단위)\t측정산식(방법)\t목표대비 달성률\t'19년 달성성과\t'20년 달성성과"]
        for i in (x for x in d.indicators if x.goal == q.name):
            (t0, a0), (t1, a1) = i.years
            out += [f"{i.name}({i.unit})\t{i.formula}\t목표\t{fnum(t0)}\t{fnum(t1)}",
                    f"\t\t실적\t{fnum(a0)}\t{fnum(a1)}", f"\t\t달성률(%)\t{i.rate(0)}%\t{i.rate(1)}%"]
        out += ["", "(3) 성과분석", "", f"- {q.name} 성과 분석", ""]
        for u in q.kids:
            out += ["단위사업", "", u.name, "", "□ 주요 추진성과", "", f"- {u.name} 추진", "",
                    "□ 관련 예산사업 결산현황", "", "(단위: 원)", "", "사업명\t회계구분\t'19결산\t'20예산\t'20결산",
                    f"{u.name}\t일반회계\t{n(u.v['prior_year_spent'])}\t{n(u.current)}\t{n(u.v['spent'])}"]
            out += [f"{k.name}\t\t{n(k.v['prior_year_spent'])}\t{n(k.current)}\t{n(k.v['spent'])}" for k in u.kids]
            out.append("")
    return out


def departments() -> list[Dept]:
    a_rev = R("", "미래가치담당관", kids=[
        R("200", "세외수입", kids=[
            R("210", "경상적세외수입", kids=[R("216", "이자수입", kids=[
                leaf("216-01", "공공예금이자수입", 1_250_000, 1_384_260, 1_384_260),
                leaf("216-06", "기타이자수입", 730_000, 912_470, 915_470, refunds=3_000)])]),
            R("220", "임시적세외수입", kids=[R("224", "기타수입", kids=[
                leaf("224-01", "불용품매각대", 40_000, 52_000, 52_000),
                leaf("224-06", "그외수입", 3_150_000, 4_826_300, 4_611_300, written_off=95_000)])])]),
        R("500", "보조금", kids=[R("520", "시·도비보조금등", kids=[R("521", "시·도비보조금등", kids=[
            leaf("521-01", "시·도비보조금등", 86_300_000, 86_300_000, 88_300_000, carried=12_400_000, refunds=2_000_000)])])]),
    ])
    b_rev = R("", "열린소통담당관", kids=[
        R("200", "세외수입", kids=[R("210", "경상적세외수입", kids=[R("216", "이자수입", kids=[
            leaf("216-01", "공공예금이자수입", 520_000, 468_930, 468_930),
            leaf("216-06", "기타이자수입", 60_000, 71_240, 71_240)])])]),
    ])
    a_prog = P("미래가치담당관", "total", kids=[
        P("스마트 행정 혁신", "policy", kids=[
            P("데이터 행정 기반 구축", "unit", kids=[
                detail("데이터 분석 플랫폼 운영", 184_500_000, 171_236_400, carried=23_800_000, explicit=21_000_000,
                       parts=(0, 4_120_000, 2_500_000, 3_870_000, 0), prior=152_318_900),
                detail("공공데이터 개방 지원", 62_700_000, 58_914_230, use=1_500_000, returned=2_180_000,
                       parts=(1_430_000, 830_000, 0, 0, 0), prior=47_256_120)]),
            P("행정 서비스 품질 향상", "unit", kids=[
                detail("민원 서비스 개선", 96_400_000, 92_775_610, subst=3_600_000, accident=2_400_000,
                       parts=(0, 1_214_390, 0, 1_650_000, 0), prior=88_417_360)])]),
        P("시민 소통 강화", "policy", kids=[
            P("시민 참여 확대", "unit", kids=[
                detail("시민 토론회 운영", 41_800_000, 36_512_850, divert=2_200_000, change=-1_300_000,
                       parts=(0, 2_416_000, 1_100_000, 0, 0), prior=39_742_100),
                detail("온라인 소통 창구 운영", 27_350_000, 25_963_470, continuing=720_000,
                       parts=(0, 210_000, 0, 280_000, 0), prior=21_904_560)])]),
        P("행정운영경비(미래가치담당관)", "policy", kids=[P("기본경비(미래가치담당관)", "unit", kids=[
            detail("기본경비(미래가치담당관)", 38_640_000, 35_218_340, parts=(0, 1_972_000, 0, 0, 0))])]),
        P("재무활동(미래가치담당관)", "policy", kids=[P("보전지출(미래가치담당관)", "unit", kids=[
            detail("반환금 기타(미래가치담당관)", 4_260_000, 4_257_910)])]),
    ])
    b_prog = P("열린소통담당관", "total", kids=[
        P("열린 시정 홍보", "policy", kids=[
            P("매체 홍보 확대", "unit", kids=[
                detail("언론 협력 홍보", 312_500_000, 298_734_120, use=4_500_000, parts=(0, 8_420_000, 0, 5_100_000, 0),
                       prior=284_611_450),
                detail("영상 콘텐츠 제작", 145_200_000, 139_870_560, reserve_used=6_000_000, returned=1_450_000,
                       parts=(1_450_000, 3_215_000, 0, 0, 0), prior=128_330_270)]),
            P("소통 창구 운영", "unit", kids=[
                detail("시민 제안 창구", 18_900_000, 17_465_000, parts=(0, 0, 935_000, 0, 0), prior=16_250_000)])]),
        P("행정운영경비(열린소통담당관)", "policy", kids=[P("기본경비(열린소통담당관)", "unit", kids=[
            detail("기본경비(열린소통담당관)", 29_880_000, 27_163_440, parts=(0, 1_500_000, 0, 0, 0))])]),
        P("재무활동(열린소통담당관)", "policy", kids=[P("보전지출(열린소통담당관)", "unit", kids=[
            detail("반환금 기타(열린소통담당관)", 1_150_000, 1_148_720)])]),
    ])
    a_inds = [
        Ind("스마트 행정 혁신", "데이터 활용 과제 발굴", "건", "발굴 과제 수", ((12, 14), (15, 21))),
        Ind("스마트 행정 혁신", "민원 처리 만족도", "%", "(만족 응답자/전체 응답자)*100", ((82, 80.4), (85, 87.3))),
        Ind("시민 소통 강화", "도 소통평가 순위", "위", "평가 순위", ((6, 5), (4, 6)), lower=True),
        Ind("시민 소통 강화", "토론회 참여 인원", "명", "참여자 수", ((300, 342), (450, 417))),
    ]
    b_inds = [
        Ind("열린 시정 홍보", "보도자료 기사화율", "%", "(기사화 건수/보도자료 건수)*100", ((88, 91.7), (90, 95.4))),
        Ind("열린 시정 홍보", "영상 조회수", "회", "누적 조회수", ((120, 131), (150, 241))),
        Ind("열린 시정 홍보", "시정 인지도 등급", "등급", "인지도 조사 등급", ((3, 3), (2, 2)), lower=True),
    ]
    return [
        Dept("미래가치담당관", "데이터로 여는 미래 행정", a_rev, a_prog, a_inds, (0, 1, 15, 15), "미래전략팀, 데이터팀",
             dict(policy=349_639_040, personnel=0, basic=33_907_120, financial=3_118_400)),
        Dept("열린소통담당관", "시민과 함께 여는 열린 시정", b_rev, b_prog, b_inds, (0, 1, 9, 9), "홍보팀, 소통팀",
             dict(policy=429_191_720, personnel=0, basic=28_440_910, financial=0)),
    ]


def build() -> str:
    depts = departments()
    lines: list[str] = [""]
    for d in depts:
        lines += settlement_part(d)
    lines += ["답 당 관", ""]
    for d in depts:
        lines += performance_part(d)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    FIXTURE.write_text(build(), encoding="utf-8")
    print(f"wrote {FIXTURE}")
