"""시군종합평가 (the province's evaluation of its cities and counties): the year's scoring
rule and the projection of a city's score and rank in its group. Pure, exact, no I/O.

The rule of the documents' year: score = this year's evaluation × 70% + last year's joint
evaluation (합동평가) × 30% (000: "’22년 시군평가 70% + ’21년 합동평가 결과 30%"); the two
percentages are the year's, configurable. Cities are ranked within their population group
on the score rounded half up to ``decimals`` (2), highest first; equal rounded scores share
a rank and the next skips (1, 2, 2, 4). A city without both figures has no score and no rank.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction
from typing import Any, Mapping, Sequence

from .evaluation import SchemeError, competition_ranks, exact, rounded


@dataclasses.dataclass(frozen=True)
class Rule:
    """The year's weights, in percent of 100."""

    current_percent: int = 70
    previous_percent: int = 30
    decimals: int = 2

    def __post_init__(self) -> None:
        if self.current_percent < 0 or self.previous_percent < 0 or \
                self.current_percent + self.previous_percent != 100:
            raise SchemeError("비율의 합이 100이어야 합니다 / the two percentages must add up to 100")

    def score(self, current: Any, previous: Any) -> Fraction:
        return exact(current) * self.current_percent / 100 + exact(previous) * self.previous_percent / 100


@dataclasses.dataclass(frozen=True)
class CityResult:
    city: str
    group: str
    current: Fraction | None
    previous: Fraction | None
    score: Fraction | None
    score_rounded: Decimal | None
    rank: int | None  # in its group
    group_size: int


def project(groups: Mapping[str, Sequence[str]], figures: Mapping[str, tuple[Any, Any]],
            rule: Rule) -> dict[str, list[CityResult]]:
    """Every group's cities with their score and rank in the group, ranked first (by rank, then
    the group's order), then those without both figures. ``figures``: city → (this year's
    evaluation, last year's joint evaluation), either None when not known."""
    out: dict[str, list[CityResult]] = {}
    for group, cities in groups.items():
        rows = []
        for c in cities:
            cur, prev = figures.get(c, (None, None))
            cur = None if cur is None else exact(cur)
            prev = None if prev is None else exact(prev)
            s = rule.score(cur, prev) if cur is not None and prev is not None else None
            rows.append((c, cur, prev, s, None if s is None else rounded(s, rule.decimals)))
        scored = [r for r in rows if r[3] is not None]
        ranks = dict(zip((r[0] for r in scored), competition_ranks([r[4] for r in scored])))
        results = [CityResult(c, group, cur, prev, s, sr, ranks.get(c), len(cities)) for c, cur, prev, s, sr in rows]
        order = {c: i for i, c in enumerate(cities)}
        results.sort(key=lambda r: (r.rank is None, r.rank or 0, order[r.city]))
        out[group] = results
    return out


def city_projection(groups: Mapping[str, Sequence[str]], figures: Mapping[str, tuple[Any, Any]], rule: Rule,
                    city: str) -> dict[str, Any]:
    """The city's projected score and rank in its group, the leader among the others, and the
    least this-year evaluation that would tie the leader for first place (None: no leader yet
    or no figure of last year; above 100 it cannot be reached)."""
    group = next((g for g, cs in groups.items() if city in cs), None)
    if group is None:
        raise SchemeError(f"평가 대상 시군이 아닙니다 / not a city of the evaluation: {city!r}")
    results = project(groups, figures, rule)[group]
    mine = next(r for r in results if r.city == city)
    others = [r for r in results if r.city != city and r.score is not None]
    leader = max(others, key=lambda r: r.score_rounded, default=None)
    needed = None
    if leader is not None and mine.previous is not None and rule.current_percent:
        # own score = cur × c/100 + prev × p/100 ≥ leader's rounded score
        need = (Fraction(leader.score_rounded) - mine.previous * rule.previous_percent / 100) * 100 \
            / rule.current_percent
        needed = max(need, Fraction(0))
    return {"city": city, "group": group, "result": mine, "group_results": results, "leader": leader,
            "needed_for_first": needed}


# --- monthly 이행과제 and the 부진지표 list -----------------------------------------------------

#: a month's task status, as the department reports it
TASK_STATUSES = {"on_track": "정상", "delayed": "지연", "done": "완료"}
#: an indicator's standing in a month (the 부진지표 list is the ``behind`` ones)
STANDINGS = {"behind": "부진", "on_track": "정상", "done": "완료", "unreported": "미보고"}


def task_behind(status: str, target: Any, actual: Any, direction: str = "higher") -> bool:
    """A month's task is behind plan when reported 지연, or when its actual to date is short of
    the planned figure (below it; above it when lower is better)."""
    if status == "delayed":
        return True
    if target is None or actual is None:
        return False
    t, a = exact(target), exact(actual)
    return a > t if direction == "lower" else a < t


def standing(tasks: Sequence[Mapping[str, Any]], month: str, direction: str = "higher") -> tuple[str, Any]:
    """(standing, the task it rests on) of an indicator in ``month`` (``YYYY-MM``) from its
    monthly tasks: ``unreported`` without a task of that month; else ``behind`` (see
    :func:`task_behind`), ``done`` or ``on_track``."""
    this = next((t for t in tasks if t["month"] == month), None)
    if this is None:
        return "unreported", None
    if task_behind(this["status"], this.get("target"), this.get("actual"), direction):
        return "behind", this
    return ("done" if this["status"] == "done" else "on_track"), this
