"""The settlement part reader: 세입결산, 부서 성과 and 사업별조서 pages."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sijeong.model import Indicator, PolicyGoal, Program, Revenue
from sijeong.readers import settlement_part
from sijeong.readers.context import ReadContext
from sijeong.readers.settlement_align import align
from sijeong.readers.settlement_cells import looks_numeric
from sijeong.readers.settlement_tree import infer_levels
from sijeong.readers.text import ReadError, parse_number, split_numbers
from sijeong.model import Source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "documents" / "004_c3ede251798e8a7a.txt"


def read(text: str, doc: str = "fixture.txt") -> ReadContext:
    ctx = ReadContext(doc=doc, municipality="가상시", year=2020, text=text)
    settlement_part.read(ctx)
    return ctx


def at(ctx: ReadContext, kind: type, line: int):
    found = [r for r in ctx.records if isinstance(r, kind) and r.source.line == line]
    assert len(found) == 1, f"{kind.__name__} at line {line}: {found}"
    return found[0]


@pytest.fixture(scope="module")
def fx() -> ReadContext:
    return read((FIXTURES / "settlement_part.txt").read_text(encoding="utf-8"))


# --- fixture: revenue -----------------------------------------------------------------


def test_revenue_rows_hierarchy_and_units(fx):
    total = at(fx, Revenue, 8)
    assert (total.name, total.code, total.level, total.position) == ("가상담당관", None, 0, 1)
    assert total.budget == 500_000 and total.refunds == 10_000 and total.received == 600_000  # 천원 → 원
    leaf = at(fx, Revenue, 12)
    assert (leaf.code, leaf.name, leaf.level, leaf.parent_code) == ("216-01", "공공예금이자수입", 4, "216")
    assert at(fx, Revenue, 11).parent_code == "210" and at(fx, Revenue, 10).parent_code == "200"
    assert leaf.figures["assessed"].raw == "150" and leaf.figures["assessed"].source.line == 12


def test_revenue_continues_across_page_header(fx):
    cont = at(fx, Revenue, 20)
    assert cont.position == 6 and cont.code == "700" and cont.parent_code is None
    assert at(fx, Revenue, 23).parent_code == "712"
    assert sum(1 for r in fx.records if isinstance(r, Revenue) and r.department == "가상담당관") == 9


def test_special_account_page_in_won(fx):
    r = at(fx, Revenue, 31)
    assert (r.account, r.department, r.budget, r.position) == ("special", "가상사업소", 1250, 1)


# --- fixture: 부서 성과 ----------------------------------------------------------------


def test_policy_goals_and_indicators(fx):
    goal = at(fx, PolicyGoal, 42)
    assert (goal.name, goal.budget, goal.settled, goal.section) == ("도시 활력 증진", 600_000, 700_000, "부서 성과")
    inds = [r for r in fx.records if isinstance(r, Indicator)]
    assert [i.name for i in inds] == ["주민 참여율", "봉사 인원", "예비비 집행 점검"]
    first, second = inds[0], inds[1]
    assert first.formula == "(참여자수/주민수) * 100"
    assert (first.target, first.actual, first.rate, first.year) == (40, 50, 125, 2020)
    assert (second.unit, second.actual, second.rate, second.policy_goal) == ("천명", 9.5, 95, "도시 활력 증진")
    assert second.formula == "{ 봉사자수 } * 100"
    assert inds[2].policy_goal == "예비 재원 관리"


# --- fixture: 사업별조서 ---------------------------------------------------------------


def test_stacked_cells_and_dash(fx):
    total = at(fx, Program, 51)
    assert (total.level, total.parent, total.position) == ("total", None, 1)
    assert total.carried_over == 200_000 and total.reserve_used == -100_000
    assert total.current_budget == 1_100_000 and total.subsidy_returned == 30_000 and total.unspent == 370_000
    assert (total.bid_difference, total.spending_balance, total.reserve) == (20_000, 50_000, 300_000)
    # "- -": 수입대체경비 and 변경 printed as none, kept apart from 0
    assert total.revenue_substitute is None and total.figures["revenue_substitute"].raw == "-"
    assert total.figures["change"].raw == "-"


def test_continuation_lines_keep_their_source(fx):
    a = at(fx, Program, 62)
    assert (a.spending_balance, a.figures["spending_balance"].source.line) == (50_000, 63)
    assert (a.subsidy_returned, a.unspent) == (30_000, 50_000)
    reserve = at(fx, Program, 66)
    assert reserve.reserve_used == -100_000 and reserve.figures["reserve_used"].source.line == 67
    assert (reserve.current_budget, reserve.unspent, reserve.reserve) == (300_000, 300_000, 300_000)


def test_dropped_cell_is_aligned_by_identities(fx):
    b = at(fx, Program, 64)  # 14 values: one 이월 cell missing; 20 is 집행잔액 (its 낙찰차액 says so)
    assert (b.subsidy_returned, b.unspent, b.bid_difference) == (0, 20_000, 20_000)
    assert (b.budget, b.current_budget, b.spent) == (200_000, 200_000, 180_000)


def test_program_hierarchy_across_pages(fx):
    progs = [r for r in fx.records if isinstance(r, Program)]
    assert [(p.level, p.parent) for p in progs] == [
        ("total", None),
        ("policy", "가상담당관"),
        ("unit", "도시 활력 증진"),
        ("detail", "활력 기반 조성"),
        ("detail", "활력 기반 조성"),
        ("policy", "가상담당관"),
        ("unit", "예비비"),
        ("detail", "예비비"),
    ]
    assert [p.position for p in progs] == list(range(1, 9))
    assert all(p.section == "사업별조서" and p.account == "general" for p in progs)


def test_headings_consumption_and_maps(fx):
    texts = [(h.level, h.text) for h in fx.headings]
    assert (1, "【특별회계】 【가상사업소】") in texts and (2, "- 부서 성과") in texts
    assert (3, "(단위 : 천원)") in texts
    assert {2, 6, 7, 8, 48, 49, 50, 63} <= fx.consumed
    assert 73 not in fx.consumed and 73 not in fx.department_at  # "답 당 관": the next part
    assert fx.department_at[31] == "가상사업소" and fx.multiplier_at[31] == 1 and fx.multiplier_at[8] == 1000
    assert not [f for f in fx.findings if f.severity == "warning"]


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("settlement_broken_letter.txt", 9, "letter inside a number"),
        ("settlement_broken_unit.txt", 4, "unknown money unit: '만달러'"),  # a money scale: still refused by the part reader
        ("settlement_broken_truncated.txt", 9, "cut off"),
        ("settlement_broken_header_only.txt", 6, "cut off"),
    ],
)
def test_bad_input_raises_naming_the_line(name, line, words):
    with pytest.raises(ReadError) as e:
        read((FIXTURES / name).read_text(encoding="utf-8"), doc=name)
    assert e.value.source.line == line
    assert words in str(e.value) and f"{name}:{line}" in str(e.value)


# --- the alignment and the tree on their own ------------------------------------------


def figs(*cells: str) -> list[list]:
    src = Source("t", 1)
    return [[parse_number(t, src) for t in split_numbers(c)] for c in cells]


def test_alignment_prefers_unspent_for_leftover_when_ambiguous():
    # 15 values, the leftover 40 in the 11th: either 반납금 (as positioned) or 집행잔액 after
    # a dropped 이월 cell; both satisfy the identities: the officer's reading wins
    row = figs("100", "0", "0", "0", "100", "60", "0", "0", "0", "0", "40", "0", "0", "0", "0")
    best = align(row)[0]
    assert (best.value("subsidy_returned"), best.value("unspent")) == (0, 40)
    assert [f.raw for f in best.unplaced] == ["0"]


def test_alignment_keeps_subsidy_returned_when_identities_demand_it():
    row = figs("100", "0", "0", "0", "100", "60", "0", "0", "0", "10", "30", "30", "0", "0", "0")
    best = align(row)[0]
    assert (best.value("subsidy_returned"), best.value("unspent"), best.value("subsidy_balance")) == (10, 30, 30)


def test_tree_resolves_repeated_names_by_sums():
    keys = [(10,), (4,), (4,), (4,), (6,), (6,), (6,)]
    assert infer_levels(keys, has_total=True) == [
        ("total", None), ("policy", 0), ("unit", 1), ("detail", 2), ("policy", 0), ("unit", 4), ("detail", 5),
    ]
    assert infer_levels([(10,), (4,), (4,), (5,)], has_total=True) is None


# --- the real document ------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> ReadContext:
    if not REAL.exists():
        pytest.skip("../shared/documents not found: the real Gimpo documents are not on this machine")
    return read(REAL.read_text(encoding="utf-8"), doc=REAL.name)


@pytest.mark.real
def test_real_counts(real):
    count = Counter((type(r).__name__, r.department) for r in real.records)
    assert count[("Revenue", "기획담당관")] == 27 and count[("Revenue", "주민협치담당관")] == 21
    assert count[("Revenue", "감사담당관")] == 13 and count[("Revenue", "공보담당관")] == 9
    assert count[("Program", "기획담당관")] == 53 and count[("Program", "주민협치담당관")] == 62
    assert count[("Program", "감사담당관")] == 12 and count[("Program", "공보담당관")] == 27
    assert count[("PolicyGoal", "기획담당관")] == 4 and count[("Indicator", "기획담당관")] == 9
    assert count[("Indicator", "주민협치담당관")] == 4 and count[("Indicator", "공보담당관")] == 3


@pytest.mark.real
def test_real_revenue(real):
    total = at(real, Revenue, 9)
    assert (total.name, total.budget, total.carried_over, total.received) == (
        "기획담당관", 247_245_126_000, 264_144_000, 247_796_012_640)
    assert at(real, Revenue, 14).assessed == 103_614_250 and at(real, Revenue, 14).parent_code == "216"
    page2 = at(real, Revenue, 35)
    assert (page2.code, page2.position, page2.received) == ("500", 20, 123_627_000)
    assert at(real, Revenue, 76).parent_code == "520"  # the 520 row was on the previous page
    audit = at(real, Revenue, 85)
    assert (audit.received_total, audit.refunds, audit.received) == (4_970_610, 4_500_000, 470_610)


@pytest.mark.real
def test_real_goals(real):
    goal = at(real, PolicyGoal, 121)
    assert (goal.budget, goal.settled) == (1_149_710_000, 982_282_880)
    ind = [r for r in real.records if isinstance(r, Indicator) and r.source.line == 121][0]
    assert (ind.name, ind.target, ind.actual, ind.rate) == ("역점시책 관리 및 지원", 75, 97.5, 130)
    vol = [r for r in real.records if isinstance(r, Indicator) and r.source.line == 240][0]
    assert (vol.name, vol.unit, vol.target, vol.actual, vol.rate) == ("자원봉사 참여인원", "천명", 39, 18, 46)
    assert vol.policy_goal == "주민자치 기반 강화"
    ratio = [r for r in real.records if isinstance(r, Indicator) and r.source.line == 127][0]
    assert ratio.formula == "{의존재원(국도비보조금+지방교부세+조정교부금) 예산액/일반회계 예산액}*100"
    audit = [r for r in real.records if isinstance(r, Indicator) and r.source.line == 345][0]
    assert (audit.target, audit.actual, audit.rate) == (95.5, 97.19, 101)


@pytest.mark.real
def test_real_programs_stacked_and_continued(real):
    total = at(real, Program, 136)
    assert total.level == "total" and total.reserve_used == -5_558_259_000
    assert (total.current_budget, total.subsidy_returned, total.unspent) == (20_626_294_000, 97_348_170, 2_166_890_220)
    assert (total.bid_difference, total.spending_balance, total.reserve) == (10_240_000, 942_371_970, 1_181_305_000)
    p137 = at(real, Program, 137)
    assert (p137.subsidy_balance, p137.bid_difference, p137.spending_balance) == (32_973_250, 1_700_000, 122_405_700)
    p190 = at(real, Program, 190)
    assert (p190.bid_difference, p190.spending_balance) == (4_624_000, 1_017_490)
    assert p190.figures["bid_difference"].source.line == 191
    p192 = at(real, Program, 192)  # the department line's 반납금 97,348,170 = 87,000,000 + 10,348,170
    assert (p192.subsidy_returned, p192.unspent, p192.spending_balance) == (87_000_000, 789_997_970, 787_254_970)
    assert p192.level == "policy"
    reserve = at(real, Program, 226)
    assert (reserve.reserve_used, reserve.current_budget, reserve.unspent) == (-5_558_259_000, 1_181_305_000, 1_181_305_000)
    assert reserve.subsidy_returned == 0


@pytest.mark.real
def test_real_programs_dropped_cells_and_hierarchy(real):
    p159 = at(real, Program, 159)
    assert (p159.subsidy_returned, p159.unspent, p159.level, p159.parent) == (
        10_348_170, 46_194_790, "unit", "지역발전과 시장의 효율성 제고")
    p164 = at(real, Program, 164)
    assert (p164.subsidy_returned, p164.unspent, p164.level) == (0, 4_477_070, "policy")
    assert at(real, Program, 283).subsidy_returned == 101_032_110 and at(real, Program, 283).unspent == 143_236_460
    assert (at(real, Program, 324).subsidy_returned, at(real, Program, 324).unspent) == (300_000, 700_000)
    assert [(at(real, Program, n).level, at(real, Program, n).parent) for n in (208, 210, 212)] == [
        ("policy", "기획담당관"), ("unit", "행정운영경비(기획담당관)"), ("detail", "기본경비(기획담당관)")]
    assert [at(real, Program, n).level for n in (226, 228, 230)] == ["policy", "unit", "detail"]
    assert at(real, Program, 326).name == "행정운영경비(주민협치담당 관)"
    assert at(real, Program, 259).name == "시책추진업무추진비(주민 협치담당관)"
    assert (at(real, Program, 412).level, at(real, Program, 412).parent) == ("detail", "인력운영비(공보담당관)")
    assert (at(real, Program, 395).position, at(real, Program, 402).position) == (14, 15)


@pytest.mark.real
def test_real_parents_are_sums_of_children(real):
    progs = [r for r in real.records if isinstance(r, Program)]
    order = {"total": 0, "policy": 1, "unit": 2, "detail": 3}
    checked = 0
    for i, p in enumerate(progs):
        if p.level == "detail":
            continue
        kids = []
        for q in progs[i + 1:]:
            if q.department != p.department or order[q.level] <= order[p.level]:
                break
            if order[q.level] == order[p.level] + 1:
                assert q.parent == p.name
                kids.append(q)
        assert kids, p.name
        assert sum(k.budget for k in kids) == p.budget and sum(k.current_budget for k in kids) == p.current_budget
        checked += 1
    assert checked == 154 - sum(p.level == "detail" for p in progs)
    for dept in ("기획담당관", "주민협치담당관", "감사담당관", "공보담당관"):
        total = next(p for p in progs if p.department == dept and p.level == "total")
        policies = [p for p in progs if p.department == dept and p.level == "policy"]
        assert sum(p.budget for p in policies) == total.budget
        assert sum(p.spent for p in policies) == total.spent
        assert sum(p.unspent for p in policies) == total.unspent
        assert sum(p.subsidy_returned or 0 for p in policies) == total.subsidy_returned


@pytest.mark.real
def test_real_every_number_lands_somewhere(real):
    placed = Counter()
    for r in real.records:
        for f in r.figures.values():
            placed[f.source.line] += 1
    unplaced = sum(len(f.actual) for f in real.findings if f.rule == "read.alignment" and isinstance(f.actual, list))
    printed = 0
    for no in real.consumed:
        line = real.line(no)
        if not line.text.startswith("\t") and ("과목" in line.text or "정책목표" in line.text):
            continue  # header lines: labels only
        for cell in line.cells[1:]:
            if looks_numeric(cell):
                printed += len(split_numbers(cell))
    assert printed == sum(placed.values()) + unplaced
    assert real.department_at[150] == "기획담당관" and 416 not in real.department_at
    assert max(real.consumed) == 414
