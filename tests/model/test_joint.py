"""시군종합평가: three groups, the 70/30 rule and the projection, against hand-computed values."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sijeong.model.evaluation import SchemeError
from sijeong.model.joint import Rule, city_projection, project

GROUPS = {
    "1그룹": ["수원", "용인", "고양"],
    "2그룹": ["시흥", "김포", "파주", "하남"],
    "3그룹": ["이천", "구리", "안성", "의왕"],
}
#: city -> (this year's evaluation, last year's joint evaluation)
FIGURES = {
    "수원": (80, 90), "용인": (85, 70), "고양": (75, 95),
    "김포": (88, 80), "시흥": (90, 75), "파주": (86, 85), "하남": ("84.5", 83),
    "이천": (70, 80), "구리": (73, 75), "안성": (76, 68), "의왕": (90, None),
}
#: by hand: current × 0.7 + previous × 0.3
EXPECTED = {
    "1그룹": [("수원", "83.00", 1), ("고양", "81.00", 2), ("용인", "80.50", 3)],  # 56+27, 52.5+28.5, 59.5+21
    # 60.2+25.5, 61.6+24, 63+22.5, 59.15+24.9
    "2그룹": [("파주", "85.70", 1), ("김포", "85.60", 2), ("시흥", "85.50", 3), ("하남", "84.05", 4)],
    # 51.1+22.5 = 53.2+20.4 (a tie), 49+24, 의왕 without last year's figure
    "3그룹": [("구리", "73.60", 1), ("안성", "73.60", 1), ("이천", "73.00", 3), ("의왕", None, None)],
}


def test_the_70_30_rule_and_the_ranks_of_three_groups():
    got = project(GROUPS, FIGURES, Rule(70, 30))
    assert {g: [(r.city, None if r.score_rounded is None else str(r.score_rounded), r.rank) for r in rs]
            for g, rs in got.items()} == EXPECTED
    assert got["2그룹"][3].score == Fraction("84.05")  # exact: 84.5×0.7 + 83×0.3


def test_the_city_projection_names_the_leader_and_what_would_tie_it():
    p = city_projection(GROUPS, FIGURES, Rule(70, 30), "김포")
    assert (p["group"], p["result"].rank, str(p["result"].score_rounded)) == ("2그룹", 2, "85.60")
    assert p["leader"].city == "파주"
    # (85.70 − 80 × 0.3) / 0.7 = 61.7 / 0.7 = 88.142857…
    assert p["needed_for_first"] == Fraction(617, 7)
    # entering that figure ties 파주 for first
    figures = dict(FIGURES, 김포=(Fraction(617, 7), 80))
    assert city_projection(GROUPS, figures, Rule(70, 30), "김포")["result"].rank == 1
    with pytest.raises(SchemeError):
        city_projection(GROUPS, FIGURES, Rule(70, 30), "서울")


def test_the_rule_is_the_years_own():
    got = project(GROUPS, FIGURES, Rule(60, 40))
    kimpo = next(r for r in got["2그룹"] if r.city == "김포")
    assert kimpo.score_rounded == Decimal("84.80")  # 52.8 + 32
    assert [r.city for r in got["2그룹"]] == ["파주", "김포", "시흥", "하남"]  # 85.6, 84.8, 84.0, 83.9
    with pytest.raises(SchemeError):
        Rule(70, 20)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10000), st.integers(0, 10000)), min_size=4, max_size=4),
       st.integers(0, 100))
def test_a_score_lies_between_its_two_figures_and_ranks_count_the_cities_ahead(pairs, cur):
    rule = Rule(cur, 100 - cur)
    cities = ["가", "나", "다", "라"]
    figures = {c: (Fraction(a, 100), Fraction(b, 100)) for c, (a, b) in zip(cities, pairs)}
    rs = project({"g": cities}, figures, rule)["g"]
    for r in rs:
        assert min(r.current, r.previous) <= r.score <= max(r.current, r.previous)
        assert r.rank == 1 + sum(1 for o in rs if o.score_rounded > r.score_rounded)
