"""Department evaluation scoring: a whole evaluation against hand-computed values (trimming,
bonuses, a penalty, a tie, an incomplete department), and properties of trimming and ranking."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sijeong.model.evaluation import (Component, Scheme, SchemeError, Score, competition_ranks, evaluate, rounded,
                                      trimmed)

COMPONENTS = [
    Component("performance", "정량평가(추진실적)", 40),
    Component("tasks", "정량평가(이행과제)", 20),
    Component("quality", "지표 품질평가", 15),
    Component("qualitative", "정성평가", 25),
    Component("collaboration", "협업포인트 가점", 2, kind="bonus"),
    Component("suggestion", "제안 채택·시행 가점", 1, kind="bonus"),
    Component("late", "기한 미준수 감점", 1, kind="penalty"),
]
GROUPS = {"1그룹": ["A과", "B과", "C과"], "2그룹": ["D과", "E과", "F과", "G동"]}

#: (component, department) -> scores; evaluator names are made up below
SCORES = {
    ("performance", "A과"): [90], ("performance", "B과"): [85], ("performance", "C과"): [90],
    ("performance", "D과"): [70], ("performance", "E과"): [80], ("performance", "F과"): [75],
    ("performance", "G동"): [100],
    ("tasks", "A과"): [80], ("tasks", "B과"): [100], ("tasks", "C과"): [80], ("tasks", "D과"): [90],
    ("tasks", "E과"): [60], ("tasks", "F과"): [85], ("tasks", "G동"): [100],
    # three scores: fewer than trim_min (5), nothing dropped
    ("quality", "A과"): [80, 90, 70], ("quality", "B과"): [60, 60, 90], ("quality", "C과"): [85, 80, 75],
    ("quality", "D과"): [100, 90, 80], ("quality", "E과"): [70, 70, 70], ("quality", "F과"): [90, 90, 90],
    ("quality", "G동"): [100, 100, 100],
    # five scores: the highest and the lowest dropped
    ("qualitative", "A과"): [95, 60, 80, 85, 75], ("qualitative", "B과"): [90, 90, 90, 50, 100],
    ("qualitative", "C과"): [70, 71, 72, 73, 100], ("qualitative", "D과"): [88, 88, 88, 88, 88],
    ("qualitative", "E과"): [77, 78, 80, 90, 0], ("qualitative", "F과"): [80, 80, 80, 80, 80],
    # G동: no 정성평가 score at all -> incomplete, no rank
    ("collaboration", "A과"): [1.5], ("collaboration", "C과"): [2], ("collaboration", "F과"): [1.5],
    ("suggestion", "B과"): [1], ("suggestion", "D과"): [0.5],
    ("late", "C과"): [0.5],
}

#: by hand: performance/100×40 + tasks/100×20 + quality mean/100×15 + trimmed qualitative mean/100×25
#: + bonuses − penalty
EXPECTED = {
    # A: 36 + 16 + 12 (80) + 20 (80,85,75 → 80) + 1.5
    "A과": (Decimal("85.50"), 2),
    # B: 34 + 20 + 10.5 (70) + 22.5 (90,90,90) + 1
    "B과": (Decimal("88.00"), 1),
    # C: 36 + 16 + 12 (80) + 18 (71,72,73 → 72) + 2 − 0.5
    "C과": (Decimal("83.50"), 3),
    # D: 28 + 18 + 13.5 (90) + 22 (88 ×3) + 0.5
    "D과": (Decimal("82.00"), 1),
    # E: 32 + 12 + 10.5 (70) + 235/12 (77,78,80 → 78.333…) = 74.08333…
    "E과": (Decimal("74.08"), 3),
    # F: 30 + 17 + 13.5 (90) + 20 (80 ×3) + 1.5 — ties D for first
    "F과": (Decimal("82.00"), 1),
    "G동": (Decimal("75.00"), None),  # 40 + 20 + 15 + nothing: incomplete
}


def scheme(**kw) -> Scheme:
    return Scheme(groups=GROUPS, components=COMPONENTS, trim=kw.pop("trim", "high_low"),
                  trim_min=kw.pop("trim_min", 5), **kw)


def all_scores(order=None) -> list[Score]:
    out = []
    for (comp, dept), values in SCORES.items():
        for i, v in enumerate(values):
            out.append(Score(comp, dept, f"평가위원{i + 1}", v))
    return out


def test_a_whole_department_evaluation_matches_the_hand_computed_scores_and_ranks():
    results = evaluate(scheme(), all_scores())
    got = {r.department: (r.total_rounded, r.rank) for rs in results.values() for r in rs}
    assert got == EXPECTED
    assert [r.department for r in results["1그룹"]] == ["B과", "A과", "C과"]
    assert [r.department for r in results["2그룹"]] == ["D과", "F과", "E과", "G동"]  # tie in group order
    e = next(r for r in results["2그룹"] if r.department == "E과")
    assert e.total == Fraction(32 + 12) + Fraction(21, 2) + Fraction(235, 12)
    g = next(r for r in results["2그룹"] if r.department == "G동")
    assert not g.complete and g.rank is None and g.group_size == 4


def test_the_breakdown_says_what_was_dropped_and_how_each_component_gave_its_points():
    results = evaluate(scheme(), all_scores())
    c = next(r for r in results["1그룹"] if r.department == "C과")
    by = {x.key: x for x in c.components}
    q = by["qualitative"]
    assert q.dropped == [70, 100] and q.scores == [70, 71, 72, 73, 100] and q.mean == 72 and q.points == 18
    assert by["quality"].dropped == [] and by["quality"].mean == 80 and by["quality"].points == 12
    assert by["collaboration"].points == 2 and by["late"].points == Fraction(-1, 2)
    assert by["suggestion"].points == 0 and by["suggestion"].mean is None and by["suggestion"].complete
    assert sum(x.points for x in c.components) == c.total


def test_without_trimming_every_score_counts():
    results = evaluate(scheme(trim="none"), all_scores())
    e = next(r for rs in results.values() for r in rs if r.department == "E과")
    # qualitative mean of all five: (77+78+80+90+0)/5 = 65 → 16.25; total 32+12+10.5+16.25
    assert e.total_rounded == Decimal("70.75")
    a = next(r for rs in results.values() for r in rs if r.department == "A과")
    # (95+60+80+85+75)/5 = 79 → 19.75; 36+16+12+19.75+1.5 = 85.25
    assert a.total_rounded == Decimal("85.25")


def test_trimming_starts_at_trim_min_scores():
    assert trimmed([1, 2, 3, 4], "high_low", 5) == ([1, 2, 3, 4], [])
    assert trimmed([5, 1, 2, 3, 4], "high_low", 5) == ([2, 3, 4], [1, 5])
    assert trimmed([3, 3, 3], "high_low", 3) == ([3], [3, 3])
    assert trimmed([9, 1, 5], "none", 3) == ([1, 5, 9], [])


def test_a_bonus_is_capped_at_its_weight_and_a_score_out_of_range_is_refused():
    s = scheme()
    r = evaluate(s, [Score("collaboration", "A과", "x", 2)])
    assert next(x for x in r["1그룹"][0].components if x.key == "collaboration").points == 2
    with pytest.raises(SchemeError):
        evaluate(s, [Score("collaboration", "A과", "x", 3)])  # more than the 2 points it may give
    with pytest.raises(SchemeError):
        evaluate(s, [Score("quality", "A과", "x", 101)])
    with pytest.raises(SchemeError):
        evaluate(s, [Score("quality", "Z과", "x", 50)])
    with pytest.raises(SchemeError):
        Scheme(groups={"a": ["X"], "b": ["X"]}, components=COMPONENTS)
    with pytest.raises(SchemeError):
        Scheme(groups=GROUPS, components=COMPONENTS, trim="high_low", trim_min=2)


def test_rounding_is_half_up_and_exact():
    assert rounded(Fraction(1, 8)) == Decimal("0.13")
    assert rounded(Fraction(2675, 1000)) == Decimal("2.68")  # 2.675 as a float would give 2.67
    assert rounded(Fraction(200, 3)) == Decimal("66.67")
    assert competition_ranks([Decimal(5), Decimal(7), Decimal(5), Decimal(1)]) == [2, 1, 2, 4]


# --- properties ----------------------------------------------------------------------------

score_values = st.integers(min_value=0, max_value=10000).map(lambda n: Fraction(n, 100))


@settings(max_examples=200, deadline=None)
@given(st.lists(score_values, min_size=0, max_size=12), st.integers(min_value=3, max_value=8))
def test_trimming_drops_exactly_one_highest_and_one_lowest(values, trim_min):
    kept, dropped = trimmed(values, "high_low", trim_min)
    if len(values) >= trim_min:
        assert dropped == [min(values), max(values)]
        assert sorted(kept + dropped) == sorted(values)
        assert len(kept) == len(values) - 2
    else:
        assert dropped == [] and kept == sorted(values)


@settings(max_examples=60, deadline=None)
@given(st.randoms(use_true_random=False), st.booleans())
def test_the_order_of_scores_and_the_evaluators_names_do_not_change_the_result(rnd, rename):
    base = evaluate(scheme(), all_scores())
    shuffled = all_scores()
    rnd.shuffle(shuffled)
    if rename:
        shuffled = [Score(s.component, s.department, f"x{rnd.randrange(10**6)}", s.value) for s in shuffled]
    again = evaluate(scheme(), shuffled)
    assert again == base


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["A과", "B과", "C과"]), st.lists(score_values, min_size=1, max_size=7),
                       min_size=3, max_size=3))
def test_a_rank_is_one_plus_the_departments_strictly_ahead(qualitative):
    comps = [Component("q", "정성", 100)]
    s = Scheme(groups={"g": ["A과", "B과", "C과"]}, components=comps, trim="high_low", trim_min=5)
    scores = [Score("q", d, f"e{i}", v) for d, vs in qualitative.items() for i, v in enumerate(vs)]
    rs = evaluate(s, scores)["g"]
    for r in rs:
        assert r.rank == 1 + sum(1 for o in rs if o.total_rounded > r.total_rounded)
        kept, _ = trimmed(qualitative[r.department], "high_low", 5)
        assert r.total == sum(kept) / len(kept)
