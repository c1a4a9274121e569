"""Each rule on small hand-built records: silent when the identity holds, a finding with
both sides and every line when it does not."""

from __future__ import annotations

from sijeong.model import (
    Appearance,
    Cell,
    DepartmentSummary,
    Indicator,
    PlanTask,
    PolicyGoal,
    Program,
    Revenue,
    SettlementLine,
    Source,
    Table,
    TableRow,
)
from sijeong.rules import RULES, compute, fmt, infer_direction, rules_of, run_rules

from .helpers import DOC, doc, fig, rec


def only(findings, rule_id):
    """The findings ``rule_id`` saw: its own, or one it was merged into (same defect)."""
    return [f for f in findings if rule_id in rules_of(f)]


def test_registry_has_every_family_with_korean_names():
    families = {r.family for r in RULES.values()}
    assert {"indicator", "summary", "policy_goal", "program", "revenue", "settlement", "table", "split", "cross",
            "staffing"} <= families
    for r in RULES.values():
        assert r.name and r.explanation and any("가" <= ch <= "힣" for ch in r.name)


def test_fmt_is_korean_style():
    assert fmt(1149710000) == "1,149,710,000"
    assert fmt(-7373350) == "△7,373,350"
    assert fmt(128.5714) == "128.57"


# --- indicators -------------------------------------------------------------------------


def ind(line, target, actual, rate, *, unit="%", grade=None, name="지표", **kw):
    r = rec(Indicator, line, name, {"target": target, "actual": actual, "rate": fig(rate, line, f"{rate}%")},
            unit=unit, grade=grade, **kw)
    return r


def test_rate_truncated_or_rounded_is_ok_and_computed_values_are_stored():
    a = ind(1, 0.3, 1.4, 466)  # 466.67 truncated
    b = ind(2, 70, 90, 129)  # 128.57 rounded
    d = doc(a, b)
    assert only(run_rules([d]), "indicator.rate") == []
    assert round(a.rate_computed, 2) == 466.67 and a.grade_computed == "◎"
    assert b.grade_computed == "○"


def test_rate_off_is_an_error_stating_both_sides():
    f = only(run_rules([doc(ind(7, 3.5, 4.2, 123))]), "indicator.rate")
    assert len(f) == 1 and f[0].severity == "error" and f[0].lines == [7]
    assert "123%" in f[0].message and "120%" in f[0].message and f[0].expected == 120


def test_rate_within_one_point_is_info():
    f = only(run_rules([doc(ind(3, 96, 100, 105))]), "indicator.rate")  # 104.17
    assert [x.severity for x in f] == ["info"]


def test_lower_is_better_by_unit_and_zero_target():
    rank = ind(4, 3, 5, 60, unit="위")
    new = ind(5, 0, 0, 0)
    compute([doc(rank, new)])
    assert rank.rate_computed == 60 and new.rate_computed is None
    assert only(run_rules([doc(rank, new)]), "indicator.rate") == []
    assert infer_direction("등급", "청렴도", None) == ("lower", "unit:등급")
    assert infer_direction(None, "처리기간", "낮을수록 좋음")[0] == "lower"
    assert infer_direction("%", "만족도", "응답자 비율") == ("higher", "default")


def test_user_direction_wins():
    r = ind(6, 4, 5, 125, unit="위", direction="higher", direction_basis="user")  # 위 alone would give 80
    assert only(run_rules([doc(r)]), "indicator.rate") == []


def test_grade_follows_reported_rate():
    ok = ind(1, 75, 97.5, 130, grade="◎")
    bad = ind(2, 75, 97.5, 130, grade="○")
    f = only(run_rules([doc(ok, bad)]), "indicator.grade")
    assert len(f) == 1 and f[0].lines == [2] and f[0].expected == "◎"


def test_summary_counts_follow_grades():
    inds = [ind(10, 10, 14, 140, grade="◎", policy_goal="목표 가"), ind(11, 10, 10, 100, grade="○", policy_goal="목표 가"),
            ind(12, 10, 5, 50, grade="×", policy_goal="목표 나")]
    s = rec(DepartmentSummary, 20, "가상과", {"indicator_count": 3, "exceeded_count": 1, "achieved_count": 2,
                                          "missed_count": 0, "policy_goal_count": 2})
    f = only(run_rules([doc(*inds, s)]), "summary.grade_counts")
    # 달성 2 → 1 and 미달성 0 → 1 on the same lines: one defect (the × indicator counted as
    # achieved), one finding stating both counts
    assert len(f) == 1 and (f[0].actual, f[0].expected) == (2, 1)
    assert "같은 결함 2건" in f[0].message and f[0].message.count("≠") == 2
    assert 20 in f[0].lines and 12 in f[0].lines


def test_policy_goal_counts():
    inds = [ind(10, 10, 14, 140, grade="◎", policy_goal="소송 승소율 제고"),
            ind(11, 10, 5, 50, grade="×", policy_goal="소송 승소율 제고")]
    g = rec(PolicyGoal, 30, "소송 승소를 제고", {"indicator_count": 2, "achieved_indicator_count": 2})
    f = only(run_rules([doc(*inds, g)]), "policy_goal.counts")
    assert len(f) == 1 and f[0].expected == 1 and f[0].actual == 2


# --- programs and revenue -------------------------------------------------------------


def prog(line, name, level, **values):
    return rec(Program, line, name, values, level=level, position=line, section="사업별조서")


def test_program_current_budget_message():
    p = prog(5, "지역발전", "policy", budget=1_005_566_000, carried_over=144_144_000, current_budget=1_149_700_000)
    f = only(run_rules([doc(p)]), "program.current_budget")
    assert f[0].message == "예산현액 1,149,700,000원 ≠ 예산액 1,005,566,000 + 전년도이월액 144,144,000 = 1,149,710,000원"
    assert f[0].severity == "error" and f[0].lines == [5]


def test_program_unspent_carry_and_parts():
    good = prog(1, "가", "detail", current_budget=100, spent=60, carry_forward=10, carry_explicit=4, carry_accident=6,
                carry_continuing=0, subsidy_returned=5, unspent=25, subsidy_balance=5, savings=10, plan_change=0,
                bid_difference=0, spending_balance=10, reserve=0)
    bad = prog(2, "나", "detail", current_budget=100, spent=60, carry_forward=10, carry_explicit=4, carry_accident=5,
               carry_continuing=0, subsidy_returned=5, unspent=24, subsidy_balance=5, savings=10, plan_change=0,
               bid_difference=0, spending_balance=10, reserve=0)
    fs = run_rules([doc(good, bad)])
    assert [f.lines for f in only(fs, "program.unspent")] == [[2]]
    assert [f.lines for f in only(fs, "program.carry_forward")] == [[2]]
    assert [f.lines for f in only(fs, "program.unspent_parts")] == [[2]]


def test_unspent_parts_partly_printed_only_when_they_exceed():
    under = prog(1, "가", "detail", unspent=100, subsidy_balance=30, savings=20)
    over = prog(2, "나", "detail", unspent=100, subsidy_balance=80, savings=30)
    assert [f.lines for f in only(run_rules([doc(under, over)]), "program.unspent_parts")] == [[2]]


def test_program_total_per_level():
    rows = [prog(1, "부서", "total", spent=30), prog(2, "정책", "policy", spent=30), prog(3, "단위", "unit", spent=31),
            prog(4, "세부1", "detail", spent=10), prog(5, "세부2", "detail", spent=21)]
    for r in rows:
        r.department = "가상과"
    f = only(run_rules([doc(*rows)]), "program.total")
    assert len(f) == 1 and f[0].lines == [2, 3] and "정책" in f[0].message


def rev(line, code, level, **v):
    return rec(Revenue, line, code or "가상과", v, code=code, level=level, position=line)


def test_revenue_identities_and_hierarchy():
    top = rev(1, None, 0, budget=441_000, assessed=470_610, received_total=4_970_610, refunds=4_500_000, received=470_610,
              written_off=0, uncollected=0, carried_over=0, current_budget=441_000)
    a = rev(2, "200", 1, budget=441_000, assessed=470_610, received_total=470_610, refunds=0, received=470_610,
            written_off=0, uncollected=0, carried_over=0, current_budget=441_000)
    b = rev(3, "500", 1, budget=0, assessed=0, received_total=4_500_000, refunds=4_500_000, received=0, written_off=0,
            uncollected=0, carried_over=0, current_budget=0)
    fs = run_rules([doc(top, a, b)])
    assert [f for f in fs if f.rule.startswith("revenue")] == []  # the 감사담당관 shape is consistent
    b.figures["received"] = fig(10, 3)
    fs = run_rules([doc(top, a, b)])
    assert {r for f in fs for r in rules_of(f)} >= {"revenue.received", "revenue.uncollected", "revenue.total"}


# --- settlement lines and summaries ----------------------------------------------------


def sl(line, name, settled, share, prior, pshare, change, rate):
    return rec(SettlementLine, line, name, {"settled": settled, "share": fig(share, line, f"{share:.2f} %"),
                                             "prior_year_settled": prior, "prior_year_share": fig(pshare, line, f"{pshare:.2f} %"),
                                             "change": change, "change_rate": fig(rate, line, f"{rate:.2f}%")})


def test_settlement_lines_consistent_and_misspelt_label():
    rows = [sl(1, "계", 1000, 100.0, 800, 100.0, 200, 25.0), sl(2, "정책사업", 900, 90.0, 700, 87.5, 200, 28.57),
            sl(3, "행정운영경비", 60, 6.0, 60, 7.5, 0, 0.0), sl(4, "인력운영비", 0, 0.0, 0, 0.0, 0, 0.0),
            sl(5, "기본경비", 60, 6.0, 60, 7.5, 0, 0.0), sl(6, "재우활동", 40, 4.0, 40, 5.0, 0, 0.0)]
    fs = [f for f in run_rules([doc(*rows)]) if f.rule.startswith("settlement")]
    assert fs == []
    rows[5].figures["settled"] = fig(41, 6)
    fs = [f for f in run_rules([doc(*rows)]) if f.rule.startswith("settlement")]
    assert {f.rule for f in fs} >= {"settlement.total", "settlement.change"}
    assert all(6 in f.lines for f in fs if f.rule == "settlement.total")


def test_shares_off_by_rounding_are_info():
    rows = [sl(2, "정책사업", 2_905_731_830, 98.31, 3_213_438_050, 98.0, -307_706_220, -9.58),
            sl(3, "행정운영경비", 30_051_520, 1.02, 31_668_170, 0.97, -1_616_650, -5.10),
            sl(4, "재무활동", 19_953_120, 0.68, 33_885_470, 1.03, -13_932_350, -41.12)]
    fs = only(run_rules([doc(*rows)]), "settlement.share")
    assert fs and {f.severity for f in fs} == {"info"}


def test_summary_total_and_cross_summary():
    t = rec(DepartmentSummary, 1, "계", {"settled": 100, "prior_year_settled": 90, "change": 10}, is_total=True)
    s = rec(DepartmentSummary, 2, "가상과", {"settled": 100, "prior_year_settled": 90, "change": 10})
    top = rec(Program, 10, "가상과", {"spent": 101}, level="total", section="사업별조서")
    fs = run_rules([doc(t, s, top)])
    assert only(fs, "summary.total") == []
    cs = only(fs, "cross.summary")
    assert len(cs) == 1 and cs[0].lines == [2, 10]


# --- cross-table ----------------------------------------------------------------------


def test_indicator_appearance_disagrees():
    r = ind(10, 3.5, 4.2, 120, name="계약심사 절감율")
    r.appearances.append(Appearance("부서 성과", Source(DOC, 3), {"target": fig(3.5, 3), "actual": fig(4.2, 3),
                                                               "rate": fig(123, 3, "123%")}))
    fs = run_rules([doc(r)])
    assert [f.lines for f in only(fs, "cross.indicator")] == [[3, 10]]
    assert [f.lines for f in only(fs, "indicator.rate")] == [[3]]


def test_program_printing_accepts_current_budget():
    p = prog(5, "생산성있는 시정조정 관리", "unit", budget=239_690_000, current_budget=383_834_000, spent=336_880_330)
    p.appearances.append(Appearance("관련 예산사업 결산현황", Source(DOC, 80),
                                    {"budget": fig(383_834_000, 80), "spent": fig(336_880_330, 80)}))
    assert only(run_rules([doc(p)]), "cross.program") == []
    p.appearances[0].figures["spent"] = fig(336_880_331, 80)
    assert [f.lines for f in only(run_rules([doc(p)]), "cross.program")] == [[5, 80]]


def test_share_settled_vs_policy_goals():
    g1 = rec(PolicyGoal, 20, "목표 가", {"settled": 70}, section="정책사업목표 현황")
    g2 = rec(PolicyGoal, 21, "목표 나", {"settled": 30}, section="정책사업목표 현황")
    sh = rec(PolicyGoal, 15, "목표 가", {"settled": 110}, section="성과목표 및 재원비중")
    f = only(run_rules([doc(g1, g2, sh)]), "cross.policy_goal")
    assert len(f) == 1 and f[0].severity == "error" and f[0].lines == [15, 20, 21]


def test_plan_budget_vs_settlement_same_year():
    p = prog(5, "마을공동체 지원", "unit", budget=300_000_000, current_budget=310_000_000)
    settle = doc(p, name="s.txt")
    task = rec(PlanTask, 40, "마을공동체 지원", {"budget": 292_000_000}, title="마을공동체 지원")
    plan = doc(task, family="work_plan", name="p.txt")
    f = only(run_rules([settle, plan]), "cross.plan_budget")
    assert len(f) == 1 and f[0].severity == "warning" and f[0].doc == DOC
    task.year = 2021
    assert only(run_rules([settle, plan]), "cross.plan_budget") == []


# --- generic tables and sources -------------------------------------------------------


def table(lines: list[list[str]], header: list[str]):
    from sijeong.readers.generic import cell_of

    rows = [TableRow(Source(DOC, i + 2), [cell_of(c, Source(DOC, i + 2)) for c in cells]) for i, cells in enumerate(lines)]
    return Table(source=Source(DOC, 1), municipality="가상시", year=2022, department=None, name="표",
                 header=[header], header_lines=[1], rows=rows)


def test_table_total_rows_and_split():
    t = table([["합 계", "", "484,000", "242,000", "242,000"], ["1", "가", "20,000", "10,000", "10,000"],
               ["2", "나", "464,000", "232,000", "232,000"]], ["연번", "사 업 명", "합 계", "도 비", "시 비"])
    fs = run_rules([doc(tables=[t])])
    assert only(fs, "table.total") == [] and only(fs, "split.sources") == []
    t.rows[1].cells[3] = Cell("20,000", [fig(20_000, 3)])
    fs = run_rules([doc(tables=[t])])
    assert [f.lines for f in only(fs, "split.sources")] == [[3]]
    assert [f.lines for f in only(fs, "table.total")] == [[2, 3, 4]]


def test_table_percent_and_nested_rows_are_not_summed():
    t = table([["계", "95", "100.00 %"], ["정책사업", "72", "76.00 %"], ["행정운영경비", "23", "24.00 %"],
               ["인력운영비", "0", "0.00 %"], ["기본경비", "23", "24.00 %"]], ["구분", "결산액", "구성비"])
    assert only(run_rules([doc(tables=[t])]), "table.total") == []


def test_crash_becomes_a_finding(monkeypatch):
    from sijeong.rules import base

    def boom(documents):
        raise RuntimeError("깨짐")

    monkeypatch.setitem(base.RULES, "test.boom", base.Rule("test.boom", "시험", "시험", boom))
    fs = run_rules([doc()])
    crash = only(fs, "test.boom")
    assert len(crash) == 1 and crash[0].severity == "error" and "RuntimeError: 깨짐" in crash[0].message


def test_fixture_is_current():
    from .consistent_builder import FIXTURE, build

    assert FIXTURE.read_text(encoding="utf-8") == build()


def test_staffing_total_names_the_column_in_korean():
    from sijeong.model import Staffing

    total = rec(Staffing, 10, "계", {"authorized": 20, "current": 17}, is_total=True)
    a = rec(Staffing, 11, "가과", {"authorized": 12, "current": 11})
    b = rec(Staffing, 12, "나과", {"authorized": 7, "current": 7})
    found = only(run_rules([doc(total, a, b)]), "staffing.total")
    # both columns of the same rows: one finding naming both
    assert [f.lines for f in found] == [[10, 11, 12]]
    messages = found[0].message.split(" ; ")
    assert messages[0].startswith("인력현황 계 정원 20명") and messages[1].startswith("인력현황 계 현원 17명")
    assert not any("authorized" in m or "current" in m for m in messages)
